import { LABEL_CONFIG_HASH, LABEL_PROJECT, LABEL_REPLICA, LABEL_SERVICE } from '@selur/compose';
import type { ContainerInfo, ContainerState, HealthStatus, PublishedPort } from '@selur/compose';
import type { ContainerInspect, ContainerSummary, PortBinding } from './engine-types.js';

const STATES: ReadonlySet<string> = new Set(['created', 'running', 'restarting', 'paused', 'exited', 'dead']);

function state(status: string | undefined): ContainerState {
  if (status === undefined) return 'unknown';
  if (status === 'stopped' || status === 'configured') return status === 'stopped' ? 'exited' : 'created'; // Podman
  return STATES.has(status) ? (status as ContainerState) : 'unknown';
}

function health(status: string | undefined): HealthStatus {
  return status === 'starting' || status === 'healthy' || status === 'unhealthy' ? status : 'none';
}

function reportedHost(hostIp: string | undefined, fallbackHost: string): string {
  if (hostIp === undefined || hostIp === '' || hostIp === '0.0.0.0') return fallbackHost;
  if (hostIp === '::') return '::1';
  return hostIp;
}

/** Published ports as bound now (only those with a real host port). @internal */
export function publishedPorts(ports: Record<string, PortBinding[] | null> | null | undefined, fallbackHost: string): PublishedPort[] {
  const out: PublishedPort[] = [];
  const seen = new Set<string>();
  for (const [key, bindings] of Object.entries(ports ?? {})) {
    const [target, protocol] = key.split('/');
    for (const binding of bindings ?? []) {
      const published = Number(binding.HostPort);
      if (!Number.isInteger(published) || published <= 0) continue;
      const host = reportedHost(binding.HostIp, fallbackHost);
      const id = `${target}/${protocol}/${published}`;
      if (seen.has(id)) continue; // IPv4 and IPv6 bindings of the same port
      seen.add(id);
      out.push({ target: Number(target), protocol: protocol === 'udp' ? 'udp' : 'tcp', host, published });
    }
  }
  return out.sort((a, b) => a.target - b.target || a.published - b.published);
}

function time(value: string | undefined): string | undefined {
  return value && !value.startsWith('0001-01-01') ? value : undefined;
}

/** Maps `GET /containers/{id}/json` to the port's view. @internal */
export function containerInfo(inspect: ContainerInspect, fallbackHost: string): ContainerInfo {
  const labels = inspect.Config.Labels ?? {};
  const current = state(inspect.State.Status);
  const exited = current === 'exited' || current === 'dead';
  const replica = Number(labels[LABEL_REPLICA] ?? '1');
  return {
    id: inspect.Id,
    name: inspect.Name.replace(/^\//, ''),
    project: labels[LABEL_PROJECT] ?? '',
    service: labels[LABEL_SERVICE] ?? '',
    replica: Number.isInteger(replica) && replica > 0 ? replica : 1,
    configHash: labels[LABEL_CONFIG_HASH] ?? '',
    image: inspect.Config.Image ?? '',
    state: current,
    health: health(inspect.State.Health?.Status),
    exitCode: exited ? inspect.State.ExitCode : undefined,
    ports: current === 'running' || current === 'paused' || current === 'restarting' ? publishedPorts(inspect.NetworkSettings?.Ports, fallbackHost) : [],
    pid: inspect.State.Pid && inspect.State.Pid > 0 ? inspect.State.Pid : undefined,
    createdAt: time(inspect.Created),
    startedAt: time(inspect.State.StartedAt),
    restartCount: inspect.RestartCount,
    labels: { ...labels },
  };
}

/** `(healthy)`, `(unhealthy)`, `(health: starting)` in a listing's status text. */
function summaryHealth(status: string): HealthStatus {
  const match = /\((healthy|unhealthy|health: starting)\)/.exec(status);
  if (!match) return 'none';
  return match[1] === 'health: starting' ? 'starting' : (match[1] as HealthStatus);
}

/**
 * Maps one entry of `GET /containers/json` to the port's view, for a caller that asked for a brief
 * listing (see `ListOptions.brief`): no `pid`, `startedAt` nor `restartCount` (only an inspection
 * tells them); health and exit code as the status text gives them; `image` as listed. @internal
 */
export function containerInfoFromSummary(summary: ContainerSummary, fallbackHost: string): ContainerInfo {
  const labels = summary.Labels ?? {};
  const current = state(summary.State);
  const exited = current === 'exited' || current === 'dead';
  const replica = Number(labels[LABEL_REPLICA] ?? '1');
  const status = summary.Status ?? '';
  const exitCode = exited ? /^Exited \((-?\d+)\)/.exec(status)?.[1] : undefined;
  const bound: Record<string, PortBinding[]> = {};
  if (current === 'running' || current === 'paused' || current === 'restarting') {
    for (const p of summary.Ports ?? []) {
      if (p.PrivatePort === undefined || p.PublicPort === undefined) continue;
      (bound[`${p.PrivatePort}/${p.Type ?? 'tcp'}`] ??= []).push({ HostIp: p.IP, HostPort: String(p.PublicPort) });
    }
  }
  return {
    id: summary.Id,
    name: (summary.Names?.[0] ?? '').replace(/^\//, ''),
    project: labels[LABEL_PROJECT] ?? '',
    service: labels[LABEL_SERVICE] ?? '',
    replica: Number.isInteger(replica) && replica > 0 ? replica : 1,
    configHash: labels[LABEL_CONFIG_HASH] ?? '',
    image: summary.Image ?? '',
    state: current,
    health: summaryHealth(status),
    exitCode: exitCode === undefined ? undefined : Number(exitCode),
    ports: publishedPorts(bound, fallbackHost),
    createdAt: summary.Created !== undefined && summary.Created > 0 ? new Date(summary.Created * 1000).toISOString() : undefined,
    labels: { ...labels },
  };
}
