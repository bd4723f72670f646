import { createHash } from 'node:crypto';
import { InvalidArgumentError, LABEL_CONFIG_HASH, LABEL_PROJECT, LABEL_REPLICA, LABEL_SERVICE, LABEL_VOLUME, UnsupportedOperationError } from '@selur/compose';
import type { HealthcheckSpec, RestartPolicy, ServiceRequest, ServiceSpec, UpdateConfigSpec } from '@selur/compose';
import type { SwarmContainerSpec, SwarmMount, SwarmPortConfig, SwarmServiceSpec, SwarmUpdateConfig } from './swarm-types.js';
import { durationNs, memoryBytes, nanoCpus } from './units.js';
import { compareNames } from '../compare-names.js';

/** Label key on a Swarm secret or config: its logical name in the project. @internal */
export const LABEL_OBJECT = 'io.selur.compose.object';
/** Label key on a Swarm secret or config: the content digest its versioned name carries. @internal */
export const LABEL_DIGEST = 'io.selur.compose.digest';

/** A secret or config created in the swarm (its id and versioned name). @internal */
export interface ObjectRef {
  readonly id: string;
  readonly name: string;
}

/** What the mapping of one service needs beyond its request: its secrets and configs, already in the swarm. @internal */
export interface ServiceMappingInput {
  /** The service as the engine asks for it (a container request, for a one-container unit, becomes one too). */
  readonly request: ServiceRequest;
  /** The service's secrets and configs by their name in the project. */
  readonly secrets: Readonly<Record<string, ObjectRef>>;
  readonly configs: Readonly<Record<string, ObjectRef>>;
  /**
   * A one-container unit (`Runtime.createContainer`): ports without a mode are published on the
   * node (host mode, as a container publishes), and `restart` applies when there is no
   * `deploy.restart_policy` (restarts 100 ms apart, as Docker's first ones).
   */
  readonly unit?: boolean | undefined;
}

/** What a service becomes: the spec to send, and the config hash it is labelled with. @internal */
export interface MappedService {
  readonly spec: SwarmServiceSpec;
  readonly configHash: string;
}

/** The Swarm service name of a compose service. @internal */
export function serviceName(project: string, service: string): string {
  return `${project}_${service}`;
}

function healthcheck(check: HealthcheckSpec | undefined, service: string): SwarmContainerSpec['Healthcheck'] {
  if (check === undefined) return undefined;
  if (check.disable) return { Test: ['NONE'] };
  let test: string[];
  // no test: the image's (refused by name before: this runtime does not declare `healthcheck.image_test`)
  if (check.test === undefined) test = [];
  else if (typeof check.test === 'string') test = ['CMD-SHELL', check.test];
  else {
    const [first, ...rest] = check.test;
    if (first === 'NONE') return { Test: ['NONE'] };
    test = first === 'CMD' || first === 'CMD-SHELL' ? [first, ...rest] : ['CMD', ...check.test];
  }
  return {
    Test: test,
    Interval: durationNs(check.interval, `services.${service}.healthcheck.interval`),
    Timeout: durationNs(check.timeout, `services.${service}.healthcheck.timeout`),
    Retries: check.retries,
    StartPeriod: durationNs(check.start_period, `services.${service}.healthcheck.start_period`),
  };
}

function updateConfig(config: UpdateConfigSpec | undefined, field: string): SwarmUpdateConfig | undefined {
  if (config === undefined) return undefined;
  return {
    Parallelism: config.parallelism,
    Delay: durationNs(config.delay, `${field}.delay`) ?? 0,
    FailureAction: config.failure_action,
    Monitor: durationNs(config.monitor, `${field}.monitor`) ?? 0,
    MaxFailureRatio: config.max_failure_ratio,
    Order: config.order,
  };
}

function ports(spec: ServiceSpec, service: string, endpointMode: 'vip' | 'dnsrr', unit: boolean): SwarmPortConfig[] {
  return spec.ports.map((port) => {
    const mode = port.mode ?? (unit ? 'host' : 'ingress');
    if (port.host_ip !== undefined && port.host_ip !== '' && port.host_ip !== '0.0.0.0' && port.host_ip !== '::') {
      throw new UnsupportedOperationError('swarm', 'ports.host_ip', {
        service,
        hint: `service '${service}' publishes port ${port.target} on ${port.host_ip}; Swarm publishes on every address of the node (leave host_ip out)`,
      });
    }
    if (endpointMode === 'dnsrr' && mode === 'ingress') {
      throw new InvalidArgumentError(
        `service '${service}': port ${port.target} is published in ingress mode, which Swarm does not allow with endpoint_mode 'dnsrr' (use mode = "host" or endpoint_mode 'vip')`,
        { service, field: 'deploy.endpoint_mode' },
      );
    }
    return {
      ...(port.name ? { Name: port.name } : {}),
      Protocol: port.protocol,
      TargetPort: port.target,
      ...(port.published ? { PublishedPort: port.published } : {}),
      PublishMode: mode,
    };
  });
}

function mounts(request: ServiceRequest): SwarmMount[] {
  const { service, project } = request;
  return request.mounts.map((mount, i): SwarmMount => {
    const options = request.spec.volumes[i];
    if (mount.type === 'bind') {
      throw new UnsupportedOperationError('swarm', 'bind-mounts', { service, hint: `service '${service}' binds '${mount.source}': a path on this machine is not on the node that runs the task; use a named volume` });
    }
    if (mount.type === 'tmpfs') {
      return { Type: 'tmpfs', Target: mount.target, ReadOnly: mount.readOnly, TmpfsOptions: options?.tmpfs ? { SizeBytes: options.tmpfs.size, Mode: options.tmpfs.mode } : undefined };
    }
    const logical = options?.source ?? '';
    return {
      Type: 'volume',
      ...(mount.source === '' ? {} : { Source: mount.source }),
      Target: mount.target,
      ReadOnly: mount.readOnly,
      // A node that has not got the volume creates it with the project's labels.
      VolumeOptions: mount.source === '' ? { NoCopy: options?.volume?.nocopy } : { NoCopy: options?.volume?.nocopy, Labels: { [LABEL_PROJECT]: project, [LABEL_VOLUME]: logical } },
    };
  });
}

function fileTarget(ref: { readonly uid?: string | undefined; readonly gid?: string | undefined; readonly mode?: number | undefined }, name: string) {
  return { Name: name, UID: ref.uid ?? '0', GID: ref.gid ?? '0', Mode: ref.mode ?? 0o444 };
}

/** A secret's file under `/run/secrets`: Swarm takes a name relative to it. */
function secretTarget(source: string, target: string | undefined): string {
  if (target === undefined || target === '') return source;
  return target.startsWith('/run/secrets/') ? target.slice('/run/secrets/'.length) : target;
}

/** sha256 of the JSON, 32 hex digits. @internal */
export function digest(value: unknown): string {
  return createHash('sha256').update(typeof value === 'string' ? value : JSON.stringify(value)).digest('hex').slice(0, 32);
}

/** `restart` as Swarm's restart policy (a one-container unit without `deploy.restart_policy`). */
function restartOf(restart: RestartPolicy): NonNullable<SwarmServiceSpec['TaskTemplate']['RestartPolicy']> {
  const delay = 100e6;
  if (restart === 'no') return { Condition: 'none' };
  if (restart === 'always' || restart === 'unless-stopped') return { Condition: 'any', Delay: delay };
  const max = restart.startsWith('on-failure:') ? Number(restart.slice('on-failure:'.length)) : 0;
  return { Condition: 'on-failure', Delay: delay, MaxAttempts: max };
}

/**
 * One service as a Swarm service spec, labelled as every runtime labels its resources (project,
 * service, the engine's config hash), on the service and on its tasks' containers. @internal
 */
export function mapService(input: ServiceMappingInput): MappedService {
  const { request } = input;
  const { project, service, spec } = request;
  const unit = input.unit === true;
  if (spec.image.endsWith('.ctp')) throw new UnsupportedOperationError('swarm', 'bundles', { service, hint: `'${spec.image}' is a selur bundle, not an OCI image; run it with --runtime selur` });
  if (spec.build && !spec.image) throw new UnsupportedOperationError('swarm', 'build', { service, hint: 'Swarm runs images its nodes have; build it (docker build) and name it in `image`' });
  const mode = spec.deploy.mode ?? 'replicated';
  if (mode === 'replicated-job' || mode === 'global-job') {
    throw new UnsupportedOperationError('swarm', `deploy.mode ${mode}`, { service, hint: 'jobs run to completion; this runtime waits for services to run' });
  }
  if (unit && mode === 'global') throw new UnsupportedOperationError('swarm', 'deploy.mode global', { service, hint: 'a single container is one task; deploy a global service whole (project.up)' });
  const endpointMode = spec.deploy.endpoint_mode ?? 'vip';
  const limits = spec.deploy.resources?.limits;
  const reservations = spec.deploy.resources?.reservations;
  const restart = spec.deploy.restart_policy;
  const placement = spec.deploy.placement;
  const identity = { [LABEL_PROJECT]: project, [LABEL_SERVICE]: service, ...(unit && request.labels[LABEL_REPLICA] ? { [LABEL_REPLICA]: request.labels[LABEL_REPLICA] } : {}) };
  const secretRefs = new Map(request.secrets.map((s) => [s.name, s]));
  const configRefs = new Map(request.configs.map((c) => [c.name, c]));
  const containerSpec: SwarmContainerSpec = {
    Image: spec.image,
    Labels: { ...request.labels, ...identity, [LABEL_CONFIG_HASH]: request.configHash },
    ...(spec.entrypoint !== undefined ? { Command: [...spec.entrypoint] } : {}),
    ...(spec.command !== undefined ? { Args: [...spec.command] } : {}),
    ...(spec.hostname ? { Hostname: spec.hostname } : {}),
    Env: Object.entries(request.environment)
      .sort(([a], [b]) => compareNames(a, b))
      .map(([k, v]) => `${k}=${v}`),
    ...(spec.working_dir ? { Dir: spec.working_dir } : {}),
    ...(spec.user ? { User: spec.user } : {}),
    ...(spec.init !== undefined ? { Init: spec.init } : {}),
    ReadOnly: spec.read_only,
    Mounts: mounts(request),
    StopSignal: spec.stop_signal,
    StopGracePeriod: durationNs(spec.stop_grace_period, `services.${service}.stop_grace_period`) ?? 10e9,
    ...(spec.healthcheck ? { Healthcheck: healthcheck(spec.healthcheck, service) } : {}),
    Secrets: spec.secrets.map((ref) => {
      const object = input.secrets[ref.source];
      if (!object) throw new InvalidArgumentError(`swarm: secret '${ref.source}' of service '${service}' was not created`, { service, field: 'secrets' });
      const source = secretRefs.get(ref.source);
      return { File: fileTarget(source ?? ref, secretTarget(ref.source, source?.target ?? ref.target)), SecretID: object.id, SecretName: object.name };
    }),
    Configs: (spec.configs ?? []).map((ref) => {
      const object = input.configs[ref.source];
      if (!object) throw new InvalidArgumentError(`swarm: config '${ref.source}' of service '${service}' was not created`, { service, field: 'configs' });
      const source = configRefs.get(ref.source);
      return { File: fileTarget(source ?? ref, source?.target ?? ref.target ?? `/${ref.source}`), ConfigID: object.id, ConfigName: object.name };
    }),
    ...(spec.cap_add && spec.cap_add.length > 0 ? { CapabilityAdd: [...spec.cap_add] } : {}),
    ...(spec.cap_drop && spec.cap_drop.length > 0 ? { CapabilityDrop: [...spec.cap_drop] } : {}),
    ...(spec.sysctls && Object.keys(spec.sysctls).length > 0 ? { Sysctls: { ...spec.sysctls } } : {}),
  };
  const restartPolicy = restart
    ? {
        Condition: restart.condition ?? 'any',
        Delay: durationNs(restart.delay, `services.${service}.deploy.restart_policy.delay`),
        MaxAttempts: restart.max_attempts,
        Window: durationNs(restart.window, `services.${service}.deploy.restart_policy.window`),
      }
    : unit
      ? restartOf(spec.restart)
      : undefined;
  const body: SwarmServiceSpec = {
    Name: request.name,
    Labels: { ...spec.deploy.labels, ...identity, [LABEL_CONFIG_HASH]: request.configHash },
    TaskTemplate: {
      ContainerSpec: containerSpec,
      Resources: {
        ...(limits ? { Limits: { NanoCPUs: nanoCpus(limits.cpus), MemoryBytes: memoryBytes(limits.memory, `services.${service}.deploy.resources.limits.memory`), Pids: limits.pids } } : {}),
        ...(reservations ? { Reservations: { NanoCPUs: nanoCpus(reservations.cpus), MemoryBytes: memoryBytes(reservations.memory, `services.${service}.deploy.resources.reservations.memory`) } } : {}),
      },
      ...(restartPolicy ? { RestartPolicy: restartPolicy } : {}),
      Placement: {
        ...(placement?.constraints && placement.constraints.length > 0 ? { Constraints: [...placement.constraints] } : {}),
        ...(placement?.preferences && placement.preferences.length > 0 ? { Preferences: placement.preferences.map((p) => ({ Spread: { SpreadDescriptor: p.spread } })) } : {}),
        ...(placement?.max_replicas_per_node !== undefined ? { MaxReplicas: placement.max_replicas_per_node } : {}),
      },
      Networks: request.networks.map((target) => ({ Target: target, Aliases: [service, ...(request.networkSettings[target]?.aliases ?? [])] })),
      ForceUpdate: 0,
    },
    Mode: mode === 'global' ? { Global: {} } : { Replicated: { Replicas: request.replicas } },
    ...(spec.deploy.update_config ? { UpdateConfig: updateConfig(spec.deploy.update_config, `services.${service}.deploy.update_config`) } : {}),
    ...(spec.deploy.rollback_config ? { RollbackConfig: updateConfig(spec.deploy.rollback_config, `services.${service}.deploy.rollback_config`) } : {}),
    EndpointSpec: { Mode: endpointMode, Ports: ports(spec, service, endpointMode, unit) },
  };
  return { spec: body, configHash: request.configHash };
}
