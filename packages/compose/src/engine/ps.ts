import { oneShotServices } from '../plan/desired.js';
import type { ProjectInput } from '../plan/project-input.js';
import type { Runtime } from '../runtime/types.js';
import { engineSawHealthy, readHealthRecord } from './health-record.js';
import { withStatus } from './observed-status.js';
import type { StackContainer } from './stack-types.js';

/** The services of a project that run to completion; none when the project cannot be read (known by name only). */
function oneShotOf(project: ProjectInput): ReadonlySet<string> {
  try {
    return oneShotServices(project.toJSON(), new Map([...project.waitStrategies()].map(([n, w]) => [n, w.kind])));
  } catch {
    return new Set();
  }
}

/**
 * The containers of a project as the engine reports them, from any process: the health the
 * engine observed (recorded by the process that ran `up`; a runtime's own later `unhealthy` still
 * wins), a one-shot job that finished as `completed (0)`. The same view as `stack.ps()`.
 *
 * @example
 * ```ts
 * for (const c of await psByName(project, dockerRuntime())) console.log(c.name, c.status);
 * ```
 */
export async function psByName(project: ProjectInput, runtime: Runtime): Promise<readonly StackContainer[]> {
  const [containers, record] = await Promise.all([runtime.listContainers(project.name, { all: true }), readHealthRecord(runtime.name, project.name)]);
  const oneShot = oneShotOf(project);
  return containers.map((c) => withStatus(c, oneShot.has(c.service), engineSawHealthy(record, c)));
}
