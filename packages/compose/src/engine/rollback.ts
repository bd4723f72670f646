import type { DependencyGraph } from '../graph/dependency-graph.js';
import type { ContainerInfo } from '../runtime/types.js';
import type { ProjectSpec } from '../spec/types.js';
import type { RunRecord } from './resources.js';
import { emit, type EngineEnv } from './env.js';
import { removeResources, teardownContainers } from './teardown.js';

/**
 * @internal Removes what one run created (containers, networks, volumes) and stops again the
 * pre-existing containers it started; leaves everything else untouched. Best effort: a
 * failing removal does not stop the others.
 */
export async function rollbackRun(env: EngineEnv, record: RunRecord, spec: ProjectSpec, graph: DependencyGraph, preExisting: ReadonlySet<string>, reason: string, forceSignal?: AbortSignal): Promise<void> {
  emit(env, { type: 'rollback.started', reason });
  const containers = new Map<string, ContainerInfo>(record.createdContainers);
  if (record.attemptedNames.size > 0) {
    // A create that failed half-way may have left a container behind under the requested name.
    const listed = await env.runtime.listContainers(env.project, { all: true }).catch(() => []);
    for (const c of listed) if (record.attemptedNames.has(c.name) && !preExisting.has(c.id)) containers.set(c.id, c);
  }
  const removedContainers = await teardownContainers(env, [...containers.values()], spec, graph, { remove: true, forceSignal }).catch(() => 0);
  await teardownContainers(env, [...record.startedExisting.values()], spec, graph, { remove: false, forceSignal }).catch(() => 0);
  const removedNetworks = await removeResources(env, 'network', [...record.createdNetworks].reverse(), { bestEffort: true });
  const removedVolumes = await removeResources(env, 'volume', [...record.createdVolumes].reverse(), { bestEffort: true });
  emit(env, { type: 'rollback.finished', removedContainers, removedNetworks, removedVolumes });
}
