import { LABEL_CONFIG_HASH, LABEL_PROJECT, LABEL_SERVICE, type ContainerInfo, type ContainerState, type HealthStatus, type PublishedPort } from '@selur/compose';
import type { V1Pod } from '@kubernetes/client-node';
import { compareNames } from '../compare-names.js';

/** @internal A pod's id for the Runtime port: `namespace/name` (what logs, exec and inspect address). */
export function podId(pod: V1Pod): string {
  return `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`;
}

/** @internal Splits a pod id back into namespace and name. */
export function parsePodId(id: string, fallbackNamespace: string): { namespace: string; name: string } {
  const slash = id.indexOf('/');
  return slash === -1 ? { namespace: fallbackNamespace, name: id } : { namespace: id.slice(0, slash), name: id.slice(slash + 1) };
}

function stateOf(pod: V1Pod, container: string): { state: ContainerState; exitCode?: number | undefined; restartCount?: number | undefined; startedAt?: string | undefined } {
  const status = pod.status?.containerStatuses?.find((c) => c.name === container);
  const restartCount = status?.restartCount;
  if (status?.state?.running) return { state: 'running', restartCount, startedAt: toIso(status.state.running.startedAt) };
  if (status?.state?.terminated) return { state: 'exited', exitCode: status.state.terminated.exitCode, restartCount, startedAt: toIso(status.state.terminated.startedAt) };
  if (status?.state?.waiting) return { state: status.state.waiting.reason === 'CrashLoopBackOff' ? 'restarting' : 'created', restartCount };
  switch (pod.status?.phase) {
    case 'Pending': return { state: 'created' };
    case 'Running': return { state: 'running' };
    case 'Succeeded': return { state: 'exited', exitCode: 0 };
    case 'Failed': return { state: 'exited' };
    default: return { state: 'unknown' };
  }
}

function toIso(value: Date | string | undefined): string | undefined {
  if (value === undefined) return undefined;
  return value instanceof Date ? value.toISOString() : String(value);
}

/**
 * @internal What the Runtime port calls a container, from a pod: its service's container. Health
 * is the kubelet's readiness (the healthcheck became the readiness probe); `none` without a probe.
 * Replica numbers are 1-based: a StatefulSet's ordinal + 1, otherwise the pod's rank by name.
 */
export function podInfo(pod: V1Pod, rank: number): ContainerInfo {
  const labels = pod.metadata?.labels ?? {};
  const service = labels[LABEL_SERVICE] ?? '';
  const container = pod.spec?.containers.find((c) => c.name === service) ?? pod.spec?.containers[0];
  const state = stateOf(pod, container?.name ?? service);
  let health: HealthStatus = 'none';
  if (container?.readinessProbe) {
    const ready = pod.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
    health = ready ? 'healthy' : state.state === 'running' && (state.restartCount ?? 0) > 0 ? 'unhealthy' : 'starting';
  }
  const ordinal = /-(\d+)$/.exec(pod.metadata?.name ?? '');
  const replica = pod.metadata?.ownerReferences?.some((o) => o.kind === 'StatefulSet') && ordinal ? Number(ordinal[1]) + 1 : rank;
  const ports: PublishedPort[] = [];
  for (const p of container?.ports ?? [])
    if (p.hostPort) ports.push({ target: p.containerPort, protocol: p.protocol === 'UDP' ? 'udp' : 'tcp', host: p.hostIP ?? pod.status?.hostIP ?? '127.0.0.1', published: p.hostPort });
  return {
    id: podId(pod),
    name: pod.metadata?.name ?? '',
    project: labels[LABEL_PROJECT] ?? '',
    service,
    replica,
    configHash: labels[LABEL_CONFIG_HASH] ?? '',
    image: container?.image ?? '',
    state: state.state,
    health,
    exitCode: state.exitCode,
    ports,
    createdAt: toIso(pod.metadata?.creationTimestamp),
    startedAt: state.startedAt,
    restartCount: state.restartCount,
    labels,
  };
}

/** @internal Pods as containers, numbered per service by name. */
export function podInfos(pods: readonly V1Pod[]): ContainerInfo[] {
  const sorted = [...pods].sort((a, b) => compareNames(a.metadata?.name ?? '', b.metadata?.name ?? ''));
  const seen = new Map<string, number>();
  return sorted.map((pod) => {
    const service = pod.metadata?.labels?.[LABEL_SERVICE] ?? '';
    const rank = (seen.get(service) ?? 0) + 1;
    seen.set(service, rank);
    return podInfo(pod, rank);
  });
}
