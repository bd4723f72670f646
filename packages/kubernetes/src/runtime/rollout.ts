import type { CoreV1Event, KubernetesObject, V1Deployment, V1Job, V1Pod, V1StatefulSet } from '@kubernetes/client-node';
import type { KubernetesManifest } from '../convert/types.js';
import { RolloutError } from '../errors/rollout-error.js';
import type { KubernetesApi } from './api.js';

type Verdict = { readonly done: true } | { readonly done: false; readonly failed?: 'failed' | 'progress-deadline'; readonly detail: string };

/** @internal Whether a workload has rolled out, from its status as the controllers write it. */
export function rolloutVerdict(kind: string, object: KubernetesObject): Verdict {
  const generation = object.metadata?.generation ?? 0;
  if (kind === 'Job') {
    const status = (object as V1Job).status;
    const condition = (type: string) => status?.conditions?.find((c) => c.type === type && c.status === 'True');
    if (condition('Complete')) return { done: true };
    const failed = condition('Failed');
    if (failed) return { done: false, failed: 'failed', detail: `${failed.reason ?? 'Failed'}: ${failed.message ?? ''}`.trim() };
    return { done: false, detail: `${status?.succeeded ?? 0} succeeded, ${status?.active ?? 0} active, ${status?.failed ?? 0} failed` };
  }
  if (kind === 'StatefulSet') {
    const s = object as V1StatefulSet;
    const want = s.spec?.replicas ?? 1;
    const ready = s.status?.readyReplicas ?? 0;
    const updated = s.status?.updatedReplicas ?? 0;
    if ((s.status?.observedGeneration ?? 0) >= generation && ready >= want && updated >= want) return { done: true };
    return { done: false, detail: `${ready}/${want} ready, ${updated}/${want} updated` };
  }
  const d = object as V1Deployment;
  const want = d.spec?.replicas ?? 1;
  const progressing = d.status?.conditions?.find((c) => c.type === 'Progressing');
  if (progressing?.status === 'False' && progressing.reason === 'ProgressDeadlineExceeded')
    return { done: false, failed: 'progress-deadline', detail: progressing.message ?? 'progress deadline exceeded' };
  const available = d.status?.availableReplicas ?? 0;
  const updated = d.status?.updatedReplicas ?? 0;
  const total = d.status?.replicas ?? 0;
  if ((d.status?.observedGeneration ?? 0) >= generation && updated >= want && available >= want && total <= want) return { done: true };
  return { done: false, detail: `${available}/${want} available, ${updated}/${want} updated` };
}

/** @internal The events of a workload's pods and the last lines of their logs (bounded: 5 pods, 20 lines each). */
export async function diagnostics(api: KubernetesApi, namespace: string, selector: string, workload: string): Promise<{ events: string[]; logs: string[] }> {
  const events: string[] = [];
  const logs: string[] = [];
  const line = (e: CoreV1Event) => `${e.involvedObject.kind}/${e.involvedObject.name} ${e.type ?? 'Normal'} ${e.reason ?? ''}: ${e.message ?? ''}`.trim();
  try {
    for (const e of await api.list<CoreV1Event>('v1', 'Event', namespace, undefined, `involvedObject.name=${workload}`)) events.push(line(e));
    const pods = (await api.list<V1Pod>('v1', 'Pod', namespace, selector)).slice(0, 5);
    for (const pod of pods) {
      const name = pod.metadata?.name ?? '';
      for (const e of await api.list<CoreV1Event>('v1', 'Event', namespace, undefined, `involvedObject.name=${name}`)) events.push(line(e));
      for (const container of [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])]) {
        const text = await api.podLog(namespace, name, container.name, { tailLines: 20 }).catch(() => '');
        for (const l of text.split('\n')) if (l !== '') logs.push(`${name}/${container.name}: ${l.replace(/^\d{4}-\d\d-\d\dT\S+Z /, '')}`);
      }
    }
  } catch {
    // diagnostics are best effort: the rollout error is what matters
  }
  return { events, logs };
}

/**
 * @internal Polls a workload until it has rolled out; at most `timeoutMs / intervalMs` reads and
 * `timeoutMs` of time. Throws a {@link RolloutError} with diagnostics when it fails or times out.
 */
export async function waitForRollout(
  api: KubernetesApi,
  object: KubernetesManifest,
  options: { readonly timeoutMs: number; readonly intervalMs: number; readonly signal?: AbortSignal | undefined; readonly selector: string },
): Promise<void> {
  const namespace = object.metadata.namespace ?? '';
  const name = object.metadata.name;
  const attempts = Math.max(1, Math.ceil(options.timeoutMs / options.intervalMs) + 1);
  const deadline = Date.now() + options.timeoutMs;
  let last: Verdict = { done: false, detail: 'not read yet' };
  for (let attempt = 0; attempt < attempts; attempt++) {
    options.signal?.throwIfAborted();
    const current = await api.read(object.apiVersion, object.kind, namespace, name);
    last = current ? rolloutVerdict(object.kind, current) : { done: false, detail: 'not found' };
    if (last.done) return;
    if (last.failed) throw new RolloutError(object.kind, name, last.failed, last.detail, await diagnostics(api, namespace, options.selector, name));
    if (Date.now() >= deadline || attempt === attempts - 1) break;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, options.intervalMs);
      options.signal?.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
    });
  }
  options.signal?.throwIfAborted();
  throw new RolloutError(object.kind, name, 'timeout', `${last.detail} after ${options.timeoutMs} ms`, await diagnostics(api, namespace, options.selector, name));
}
