import { serviceGraph } from '../plan/select.js';
import type { ProjectInput } from '../plan/project-input.js';
import type { Runtime } from '../runtime/types.js';
import type { ProjectSpec } from '../spec/types.js';
import type { EngineClock } from './clock.js';
import { emit, type EngineEnv } from './env.js';
import { hubFor } from './event-hub.js';
import { acquireProjectLock } from './lock.js';
import type { DownOptions } from './options.js';
import { teardownContainers } from './teardown.js';

/**
 * What `down` removed.
 *
 * @example
 * ```ts
 * const { removedContainers } = await new Project('shop').down();
 * ```
 */
export interface DownResult {
  readonly removedContainers: number;
  readonly removedNetworks: number;
  readonly removedVolumes: number;
}

function specOf(project: ProjectInput): ProjectSpec | undefined {
  try {
    return project.toJSON();
  } catch {
    return undefined;
  }
}

/**
 * @internal Tears a project down by name: lists what the runtime holds for it (so it works from
 * another process), stops and removes containers dependants first, then networks, then (with
 * `volumes`) volumes. External resources are never removed.
 */
export async function downProject(project: ProjectInput, runtime: Runtime, options: DownOptions & { readonly clock?: EngineClock | undefined; readonly hubKey?: object } = {}): Promise<DownResult> {
  const env: EngineEnv = { project: project.name, runtime, hub: hubFor(options.hubKey ?? project), onEvent: options.onEvent };
  const lock = await acquireProjectLock(runtime.name, project.name, { timeoutMs: options.lockTimeout, clock: options.clock });
  try {
    const spec = specOf(project);
    const known = new Set(spec ? Object.keys(spec.services) : []);
    const removeOrphans = options.removeOrphans ?? true;
    const containers = (await runtime.listContainers(project.name, { all: true })).filter((c) => removeOrphans || known.has(c.service));
    const graph = spec ? serviceGraph(spec) : undefined;
    const removedContainers = await teardownContainers(env, containers, spec, graph, { remove: true, graceMs: options.timeout, forceSignal: options.forceSignal });
    let removedNetworks = 0;
    let removedVolumes = 0;
    if (runtime.capabilities.has('networks')) {
      for (const n of await runtime.listNetworks(project.name)) {
        if (spec?.networks[n.name]?.external) continue;
        try {
          await runtime.removeNetwork(project.name, n.runtimeName);
          removedNetworks++;
          emit(env, { type: 'network.removed', name: n.name, runtimeName: n.runtimeName });
        } catch {
          // Still in use (by an orphan kept with removeOrphans: false): leave it.
        }
      }
    }
    if (options.volumes && runtime.capabilities.has('volumes')) {
      for (const v of await runtime.listVolumes(project.name)) {
        if (spec?.volumes[v.name]?.external) continue;
        await runtime.removeVolume(project.name, v.runtimeName);
        removedVolumes++;
        emit(env, { type: 'volume.removed', name: v.name, runtimeName: v.runtimeName });
      }
    }
    emit(env, { type: 'down.done', removedContainers, removedNetworks, removedVolumes });
    return { removedContainers, removedNetworks, removedVolumes };
  } finally {
    await lock.release();
  }
}
