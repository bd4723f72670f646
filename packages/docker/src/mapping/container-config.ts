import { LABEL_CONFIG_HASH, LABEL_PROJECT, LABEL_REPLICA, LABEL_SERVICE } from '@selur/compose';
import type { ContainerRequest, HealthcheckSpec, RestartPolicy } from '@selur/compose';
import type { ContainerCreateBody, EngineHealthConfig, EngineMount, PortBinding } from './engine-types.js';
import { durationMs, memoryBytes, msToNs } from './units.js';

/**
 * Where secrets are mounted inside a container: secret `NAME` is the read-only file `/run/secrets/NAME`.
 *
 * @example
 * ```ts
 * import { SECRETS_DIR } from '@selur/compose-docker';
 * await runtime.exec(id, ['cat', `${SECRETS_DIR}/db_password`]);
 * ```
 */
export const SECRETS_DIR = '/run/secrets';

/** Maps a compose restart policy to Docker's. @internal */
export function restartPolicy(policy: RestartPolicy): { Name: string; MaximumRetryCount?: number } {
  if (policy === 'always' || policy === 'unless-stopped' || policy === 'no') return { Name: policy };
  if (policy === 'on-failure') return { Name: 'on-failure', MaximumRetryCount: 0 };
  const max = Number(policy.slice('on-failure:'.length));
  return { Name: 'on-failure', MaximumRetryCount: Number.isFinite(max) ? max : 0 };
}

/** The healthcheck test in Docker's argv form: a string becomes `CMD-SHELL`. @internal */
export function healthTest(test: string | readonly string[]): string[] {
  if (typeof test === 'string') return ['CMD-SHELL', test];
  const [first] = test;
  if (first === 'CMD' || first === 'CMD-SHELL' || first === 'NONE') return [...test];
  return ['CMD', ...test];
}

/** Maps a healthcheck (durations to ns). @internal */
export function healthConfig(health: HealthcheckSpec | undefined): EngineHealthConfig | undefined {
  if (health === undefined) return undefined;
  if (health.disable) return { Test: ['NONE'] };
  return {
    Test: healthTest(health.test),
    Interval: msToNs(durationMs(health.interval, 'healthcheck.interval')),
    Timeout: msToNs(durationMs(health.timeout, 'healthcheck.timeout')),
    Retries: health.retries,
    StartPeriod: msToNs(durationMs(health.start_period, 'healthcheck.start_period')),
  };
}

/** Options that shape the body beyond the request. @internal */
export interface BodyOptions {
  /** Default host address ports bind on. */
  readonly publishHost: string;
  /** Run an init process as PID 1. */
  readonly init?: boolean | undefined;
}

/** Builds the `POST /containers/create` body for one replica. Pure. @internal */
export function containerCreateBody(request: ContainerRequest, options: BodyOptions): ContainerCreateBody {
  const { spec } = request;
  const exposed: Record<string, Record<string, never>> = {};
  const bindings: Record<string, PortBinding[]> = {};
  for (const port of spec.ports) {
    const key = `${port.target}/${port.protocol}`;
    exposed[key] = {};
    const binding = { HostIp: port.host_ip ?? options.publishHost, HostPort: port.published ? String(port.published) : '' };
    (bindings[key] ??= []).push(binding);
  }
  const mounts: EngineMount[] = request.mounts.map((m) => ({ Type: m.type, Source: m.source, Target: m.target, ReadOnly: m.readOnly }));
  for (const secret of request.secrets) {
    mounts.push({ Type: 'bind', Source: secret.file, Target: `${SECRETS_DIR}/${secret.name}`, ReadOnly: true });
  }
  const labels: Record<string, string> = {
    ...spec.labels,
    ...request.labels,
    [LABEL_PROJECT]: request.project,
    [LABEL_SERVICE]: request.service,
    [LABEL_REPLICA]: String(request.replica),
    [LABEL_CONFIG_HASH]: request.configHash,
  };
  const limits = spec.deploy.resources?.limits;
  const reservations = spec.deploy.resources?.reservations;
  const [firstNetwork] = request.networks;
  const body: ContainerCreateBody = {
    Image: spec.image,
    Env: Object.entries(request.environment).map(([key, value]) => `${key}=${value}`),
    Labels: labels,
    ExposedPorts: exposed,
    Tty: false,
    OpenStdin: false,
    AttachStdout: false,
    AttachStderr: false,
    HostConfig: {
      PortBindings: bindings,
      RestartPolicy: restartPolicy(spec.restart),
      Mounts: mounts,
      ReadonlyRootfs: spec.read_only,
    },
  };
  if (options.init) body.HostConfig.Init = true;
  if (spec.command !== undefined) body.Cmd = [...spec.command];
  if (spec.working_dir !== undefined) body.WorkingDir = spec.working_dir;
  if (spec.user !== undefined) body.User = spec.user;
  if (spec.stop_signal) body.StopSignal = spec.stop_signal;
  if (spec.stop_grace_period) body.StopTimeout = Math.ceil(durationMs(spec.stop_grace_period, 'stop_grace_period') / 1000);
  const health = healthConfig(spec.healthcheck);
  if (health !== undefined) body.Healthcheck = health;
  if (limits?.memory !== undefined) body.HostConfig.Memory = memoryBytes(limits.memory, 'deploy.resources.limits.memory');
  if (limits?.cpus !== undefined) body.HostConfig.NanoCpus = Math.round(limits.cpus * 1e9);
  if (limits?.pids !== undefined) body.HostConfig.PidsLimit = limits.pids;
  if (reservations?.memory !== undefined) body.HostConfig.MemoryReservation = memoryBytes(reservations.memory, 'deploy.resources.reservations.memory');
  if (firstNetwork !== undefined) {
    body.HostConfig.NetworkMode = firstNetwork;
    body.NetworkingConfig = { EndpointsConfig: { [firstNetwork]: { Aliases: [request.service] } } };
  }
  return body;
}
