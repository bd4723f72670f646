import { LABEL_CONFIG_HASH, LABEL_PROJECT, LABEL_REPLICA, LABEL_SERVICE } from '@selur/compose';
import type { ContainerInfo, ContainerState, HealthStatus, PublishedPort } from '@selur/compose';
import type { SwarmPortConfig, SwarmService, SwarmTask } from './mapping/swarm-types.js';

/**
 * Task states, mapped onto the port's container states. A task with a healthcheck stays
 * `starting` until it passes: its container runs (health `starting`), as Docker says of it.
 * @internal
 */
export function taskState(state: string, hasCheck = false): ContainerState {
  switch (state) {
    case 'running':
      return 'running';
    case 'starting':
      return hasCheck ? 'running' : 'created';
    case 'complete':
    case 'failed':
    case 'shutdown':
      return 'exited';
    case 'rejected':
    case 'orphaned':
    case 'remove':
      return 'dead';
    case 'new':
    case 'allocated':
    case 'pending':
    case 'assigned':
    case 'accepted':
    case 'preparing':
    case 'ready':
      return 'created';
    default:
      return 'unknown';
  }
}

/**
 * The health in a container's status line as the engine's container list gives it (`Up 3 seconds
 * (healthy)`, `(unhealthy)`, `(health: starting)`); undefined without a healthcheck. @internal
 */
export function healthInStatus(status: string | undefined): string | undefined {
  const m = /\((healthy|unhealthy|health: starting)\)\s*$/.exec(status ?? '');
  if (!m) return undefined;
  return m[1] === 'health: starting' ? 'starting' : m[1];
}

/** Docker's health status → the port's. @internal */
export function healthStatus(status: string | undefined, hasCheck: boolean): HealthStatus {
  if (!hasCheck) return 'none';
  if (status === 'healthy' || status === 'unhealthy' || status === 'starting') return status;
  return 'starting';
}

function published(ports: readonly SwarmPortConfig[] | null | undefined, host: string): PublishedPort[] {
  return (ports ?? [])
    .filter((p) => p.PublishedPort !== undefined && p.PublishedPort > 0)
    .map((p) => ({ target: p.TargetPort, protocol: p.Protocol, host, published: p.PublishedPort as number }));
}

/** Each port once (the engine may report a host-mode port both on the task and on the service's endpoint). */
function dedupe(ports: readonly PublishedPort[]): PublishedPort[] {
  const seen = new Set<string>();
  return ports.filter((p) => {
    const key = `${p.published}/${p.protocol}/${p.target}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** True when the service's tasks carry a healthcheck (not `NONE`). @internal */
export function hasHealthcheck(service: SwarmService): boolean {
  const test = service.Spec.TaskTemplate.ContainerSpec.Healthcheck?.Test ?? [];
  return test.length > 0 && test[0] !== 'NONE';
}

/**
 * One task as the port's container: id = the task id, replica = its slot (a global service's
 * tasks are numbered by node), ports = those published on its node (host mode) and the service's
 * ingress ports. @internal
 */
export function taskInfo(task: SwarmTask, service: SwarmService, options: { readonly publishHost: string; readonly health?: string | undefined; readonly replica?: number | undefined }): ContainerInfo {
  const labels = { ...(task.Spec.ContainerSpec?.Labels ?? {}) };
  const project = labels[LABEL_PROJECT] ?? service.Spec.Labels[LABEL_PROJECT] ?? '';
  const name = labels[LABEL_SERVICE] ?? service.Spec.Labels[LABEL_SERVICE] ?? service.Spec.Name;
  const replica = task.Slot ?? options.replica ?? 1;
  labels[LABEL_REPLICA] = String(replica);
  const ingress = (service.Endpoint?.Ports ?? []).filter((p) => p.PublishMode === 'ingress');
  const state = taskState(task.Status.State, hasHealthcheck(service));
  const exitCode = task.Status.ContainerStatus?.ExitCode;
  return {
    id: task.ID,
    name: `${service.Spec.Name}.${task.Slot ?? task.NodeID ?? replica}`,
    project,
    service: name,
    replica,
    configHash: labels[LABEL_CONFIG_HASH] ?? '',
    image: task.Spec.ContainerSpec?.Image ?? service.Spec.TaskTemplate.ContainerSpec.Image,
    state,
    health: healthStatus(options.health, hasHealthcheck(service)),
    ...(state === 'exited' && exitCode !== undefined ? { exitCode } : {}),
    ports: dedupe([...published(task.Status.PortStatus?.Ports, options.publishHost), ...published(ingress, options.publishHost)]),
    ...(task.Status.ContainerStatus?.PID ? { pid: task.Status.ContainerStatus.PID } : {}),
    createdAt: task.CreatedAt,
    ...(state === 'running' ? { startedAt: task.Status.Timestamp } : {}),
    labels,
  };
}

/** Label on a stopped unit: its restart count when it was stopped (Swarm reaps the tasks of a service scaled to 0). @internal */
export const LABEL_STOPPED = 'io.selur.compose.swarm.restarts';
/** Label on a stopped unit: its last task's exit code, when known. @internal */
export const LABEL_EXIT_CODE = 'io.selur.compose.swarm.exit-code';

/**
 * A Swarm service seen as one container: a one-container unit (`Runtime.createContainer`), or a
 * service with no task yet. id = the service id, name = the service name, replica = its replica
 * label; the state, exit code, ports and health are its latest task's (`created` before the
 * first), and every earlier task of the unit counts as a restart. @internal
 */
export function serviceInfo(service: SwarmService, tasks: readonly SwarmTask[], options: { readonly publishHost: string; readonly health?: string | undefined }): ContainerInfo {
  // Scaled to 0 (stopped): a task Swarm made but never started (a restart cut short) is no run of it.
  const stoppedUnit = 'Replicated' in service.Spec.Mode && service.Spec.Mode.Replicated.Replicas === 0;
  const ordered = tasks.filter((t) => !stoppedUnit || t.Status.ContainerStatus?.ContainerID).sort((a, b) => Date.parse(a.CreatedAt ?? '') - Date.parse(b.CreatedAt ?? ''));
  const latest = ordered.at(-1);
  const replica = Number(service.Spec.Labels[LABEL_REPLICA] ?? '1') || 1;
  const labels: Record<string, string> = { ...service.Spec.TaskTemplate.ContainerSpec.Labels, [LABEL_REPLICA]: String(replica) };
  const base = {
    id: service.ID,
    name: service.Spec.Name,
    project: labels[LABEL_PROJECT] ?? service.Spec.Labels[LABEL_PROJECT] ?? '',
    service: labels[LABEL_SERVICE] ?? service.Spec.Labels[LABEL_SERVICE] ?? service.Spec.Name,
    replica,
    configHash: labels[LABEL_CONFIG_HASH] ?? '',
    image: service.Spec.TaskTemplate.ContainerSpec.Image,
    createdAt: service.CreatedAt,
    restartCount: Math.max(0, ordered.length - 1),
    labels,
  };
  const stopped = service.Spec.Labels[LABEL_STOPPED];
  if (!latest) {
    // Stopped (0 replicas), its tasks reaped by Swarm since: what the stop recorded.
    const exitCode = Number(service.Spec.Labels[LABEL_EXIT_CODE] ?? 'none');
    const health = healthStatus(undefined, hasHealthcheck(service));
    if (stopped === undefined) return { ...base, state: 'created', health, ports: [] };
    return { ...base, restartCount: Number(stopped) || 0, state: 'exited', ...(Number.isInteger(exitCode) ? { exitCode } : {}), health, ports: [] };
  }
  // Swarm reaps the tasks of a unit scaled to 0: its restarts are the count the stop recorded.
  if (stopped !== undefined && stoppedUnit) base.restartCount = Number(stopped) || 0;
  const task = taskInfo(latest, service, { publishHost: options.publishHost, health: options.health, replica });
  return { ...task, ...base, state: task.state, health: task.health, ports: task.ports };
}
