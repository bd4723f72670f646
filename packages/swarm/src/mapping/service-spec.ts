import { createHash } from 'node:crypto';
import { InvalidArgumentError, LABEL_CONFIG_HASH, LABEL_PROJECT, LABEL_SERVICE, UnsupportedOperationError } from '@selur/compose';
import type { HealthcheckSpec, ProjectSpec, ServiceSpec, UpdateConfigSpec } from '@selur/compose';
import type { SwarmContainerSpec, SwarmMount, SwarmPortConfig, SwarmServiceSpec, SwarmUpdateConfig } from './swarm-types.js';
import { durationNs, memoryBytes, nanoCpus } from './units.js';

/** Label key on a Swarm secret or config: its logical name in the project. @internal */
export const LABEL_OBJECT = 'io.selur.compose.object';
/** Label key on a Swarm secret or config: the content digest its versioned name carries. @internal */
export const LABEL_DIGEST = 'io.selur.compose.digest';

/** A secret or config created in the swarm (its id and versioned name). @internal */
export interface ObjectRef {
  readonly id: string;
  readonly name: string;
}

/** What the mapping of one service needs beyond its spec: the objects already resolved. @internal */
export interface ServiceMappingInput {
  readonly project: ProjectSpec;
  readonly service: string;
  /** Environment, fully resolved (secret references already injected or refused). */
  readonly environment: Readonly<Record<string, string>>;
  /** The service's secrets and configs by their name in the project. */
  readonly secrets: Readonly<Record<string, ObjectRef>>;
  readonly configs: Readonly<Record<string, ObjectRef>>;
}

/** What a service becomes: the spec to send, and the config hash it is labelled with. @internal */
export interface MappedService {
  readonly spec: SwarmServiceSpec;
  readonly configHash: string;
}

/** `<project>_<name>`, or the resource's own `name` / the external name. @internal */
export function resourceName(project: string, logical: string, resource: { readonly external?: boolean | undefined; readonly name?: string | undefined } | undefined): string {
  if (resource?.name) return resource.name;
  return resource?.external ? logical : `${project}_${logical}`;
}

/** The Swarm service name of a compose service. @internal */
export function serviceName(project: string, service: string): string {
  return `${project}_${service}`;
}

/** The logical networks a service joins (`default` when it names none). @internal */
export function serviceNetworks(spec: ServiceSpec): string[] {
  const logical = Object.keys(spec.networks);
  return logical.length > 0 ? logical.sort((a, b) => (spec.networks[b]?.priority ?? 0) - (spec.networks[a]?.priority ?? 0)) : ['default'];
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

function ports(spec: ServiceSpec, service: string, endpointMode: 'vip' | 'dnsrr'): SwarmPortConfig[] {
  return spec.ports.map((port) => {
    const mode = port.mode ?? 'ingress';
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

function mounts(project: ProjectSpec, spec: ServiceSpec, service: string): SwarmMount[] {
  return spec.volumes.map((mount): SwarmMount => {
    if (mount.type === 'bind') {
      throw new UnsupportedOperationError('swarm', 'bind-mounts', { service, hint: `service '${service}' binds '${mount.source}': a path on this machine is not on the node that runs the task; use a named volume` });
    }
    if (mount.type === 'tmpfs') {
      return { Type: 'tmpfs', Target: mount.target, ReadOnly: mount.read_only, TmpfsOptions: mount.tmpfs ? { SizeBytes: mount.tmpfs.size, Mode: mount.tmpfs.mode } : undefined };
    }
    const volume = mount.source === '' ? undefined : project.volumes[mount.source];
    const local = volume === undefined || volume.driver === 'local' || volume.driver === '';
    return {
      Type: 'volume',
      ...(mount.source === '' ? {} : { Source: resourceName(project.name, mount.source, volume) }),
      Target: mount.target,
      ReadOnly: mount.read_only,
      VolumeOptions:
        mount.source === '' || volume?.external
          ? { NoCopy: mount.volume?.nocopy }
          : {
              NoCopy: mount.volume?.nocopy,
              Labels: { ...volume?.labels, [LABEL_PROJECT]: project.name, 'io.selur.compose.volume': mount.source },
              ...(local && Object.keys(volume?.driver_opts ?? {}).length === 0 ? {} : { DriverConfig: { Name: volume?.driver || 'local', Options: { ...volume?.driver_opts } } }),
            },
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

/**
 * One compose service as a Swarm service spec: labels as every runtime records them (project,
 * service, config hash), on the service and on its containers. The config hash covers the whole
 * task template, endpoint and update settings (and so the versioned names of its secrets and
 * configs), not the replica count: scaling changes no hash. @internal
 */
export function mapService(input: ServiceMappingInput): MappedService {
  const { project, service } = input;
  const spec = project.services[service];
  if (spec === undefined) throw new InvalidArgumentError(`swarm: the project has no service '${service}'`, { service });
  if (spec.image.endsWith('.ctp')) throw new UnsupportedOperationError('swarm', 'bundles', { service, hint: `'${spec.image}' is a selur bundle, not an OCI image; run it with --runtime selur` });
  const mode = spec.deploy.mode ?? 'replicated';
  if (mode === 'replicated-job' || mode === 'global-job') {
    throw new UnsupportedOperationError('swarm', `deploy.mode ${mode}`, { service, hint: 'jobs run to completion; this runtime waits for services to run' });
  }
  const endpointMode = spec.deploy.endpoint_mode ?? 'vip';
  const limits = spec.deploy.resources?.limits;
  const reservations = spec.deploy.resources?.reservations;
  const restart = spec.deploy.restart_policy;
  const placement = spec.deploy.placement;
  const identity = { [LABEL_PROJECT]: project.name, [LABEL_SERVICE]: service };
  const containerSpec: SwarmContainerSpec = {
    Image: spec.image,
    Labels: { ...spec.labels, ...identity },
    ...(spec.entrypoint !== undefined ? { Command: [...spec.entrypoint] } : {}),
    ...(spec.command !== undefined ? { Args: [...spec.command] } : {}),
    ...(spec.hostname ? { Hostname: spec.hostname } : {}),
    Env: Object.entries(input.environment)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `${k}=${v}`),
    ...(spec.working_dir ? { Dir: spec.working_dir } : {}),
    ...(spec.user ? { User: spec.user } : {}),
    ...(spec.init !== undefined ? { Init: spec.init } : {}),
    ReadOnly: spec.read_only,
    Mounts: mounts(project, spec, service),
    StopSignal: spec.stop_signal,
    StopGracePeriod: durationNs(spec.stop_grace_period, `services.${service}.stop_grace_period`) ?? 10e9,
    ...(spec.healthcheck ? { Healthcheck: healthcheck(spec.healthcheck, service) } : {}),
    Secrets: spec.secrets.map((ref) => {
      const object = input.secrets[ref.source];
      if (!object) throw new InvalidArgumentError(`swarm: secret '${ref.source}' of service '${service}' was not created`, { service, field: 'secrets' });
      return { File: fileTarget(ref, secretTarget(ref.source, ref.target)), SecretID: object.id, SecretName: object.name };
    }),
    Configs: (spec.configs ?? []).map((ref) => {
      const object = input.configs[ref.source];
      if (!object) throw new InvalidArgumentError(`swarm: config '${ref.source}' of service '${service}' was not created`, { service, field: 'configs' });
      return { File: fileTarget(ref, ref.target ?? `/${ref.source}`), ConfigID: object.id, ConfigName: object.name };
    }),
    ...(spec.cap_add && spec.cap_add.length > 0 ? { CapabilityAdd: [...spec.cap_add] } : {}),
    ...(spec.cap_drop && spec.cap_drop.length > 0 ? { CapabilityDrop: [...spec.cap_drop] } : {}),
    ...(spec.sysctls && Object.keys(spec.sysctls).length > 0 ? { Sysctls: { ...spec.sysctls } } : {}),
  };
  const body: SwarmServiceSpec = {
    Name: serviceName(project.name, service),
    Labels: { ...spec.deploy.labels, ...identity },
    TaskTemplate: {
      ContainerSpec: containerSpec,
      Resources: {
        ...(limits ? { Limits: { NanoCPUs: nanoCpus(limits.cpus), MemoryBytes: memoryBytes(limits.memory, `services.${service}.deploy.resources.limits.memory`), Pids: limits.pids } } : {}),
        ...(reservations ? { Reservations: { NanoCPUs: nanoCpus(reservations.cpus), MemoryBytes: memoryBytes(reservations.memory, `services.${service}.deploy.resources.reservations.memory`) } } : {}),
      },
      ...(restart
        ? {
            RestartPolicy: {
              Condition: restart.condition ?? 'any',
              Delay: durationNs(restart.delay, `services.${service}.deploy.restart_policy.delay`),
              MaxAttempts: restart.max_attempts,
              Window: durationNs(restart.window, `services.${service}.deploy.restart_policy.window`),
            },
          }
        : {}),
      Placement: {
        ...(placement?.constraints && placement.constraints.length > 0 ? { Constraints: [...placement.constraints] } : {}),
        ...(placement?.preferences && placement.preferences.length > 0 ? { Preferences: placement.preferences.map((p) => ({ Spread: { SpreadDescriptor: p.spread } })) } : {}),
        ...(placement?.max_replicas_per_node !== undefined ? { MaxReplicas: placement.max_replicas_per_node } : {}),
      },
      Networks: serviceNetworks(spec).map((logical) => ({
        Target: resourceName(project.name, logical, project.networks[logical]),
        Aliases: [service, ...(spec.networks[logical]?.aliases ?? [])],
      })),
      ForceUpdate: 0,
    },
    Mode: mode === 'global' ? { Global: {} } : { Replicated: { Replicas: spec.deploy.replicas } },
    ...(spec.deploy.update_config ? { UpdateConfig: updateConfig(spec.deploy.update_config, `services.${service}.deploy.update_config`) } : {}),
    ...(spec.deploy.rollback_config ? { RollbackConfig: updateConfig(spec.deploy.rollback_config, `services.${service}.deploy.rollback_config`) } : {}),
    EndpointSpec: { Mode: endpointMode, Ports: ports(spec, service, endpointMode) },
  };
  // The hash covers everything but the replica count (scaling is not a change of config).
  const configHash = digest({ ...body, Mode: mode });
  body.Labels[LABEL_CONFIG_HASH] = configHash;
  containerSpec.Labels[LABEL_CONFIG_HASH] = configHash;
  return { spec: body, configHash };
}
