import type { Runtime } from '../runtime/types.js';
import type { ObservedState } from './types.js';

/**
 * Reads, once, what the runtime holds for a project: every container (running or not), and its
 * networks and volumes where the runtime has them.
 *
 * @example
 * ```ts
 * const observed = await observeProject(runtime, 'shop');
 * console.log(observed.containers.length);
 * ```
 */
export async function observeProject(runtime: Runtime, project: string): Promise<ObservedState> {
  const [containers, networks, volumes] = await Promise.all([
    runtime.listContainers(project, { all: true }),
    runtime.capabilities.has('networks') ? runtime.listNetworks(project) : Promise.resolve([]),
    runtime.capabilities.has('volumes') ? runtime.listVolumes(project) : Promise.resolve([]),
  ]);
  return { containers, networks, volumes };
}
