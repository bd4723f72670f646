import type { ProjectInput } from '../plan/project-input.js';
import type { ProjectSpec } from '../spec/types.js';

/**
 * @internal A project pinned to one name (a stack keeps the name it was started with) with
 * replica counts overridden (after `stack.scale`).
 */
export function projectView(project: ProjectInput, name: string, replicas: ReadonlyMap<string, number> = new Map()): ProjectInput {
  return {
    name,
    source: project.source,
    waitStrategies: () => project.waitStrategies(),
    toJSON(): ProjectSpec {
      const spec = project.toJSON();
      const services = { ...spec.services };
      for (const [service, count] of replicas) {
        const s = services[service];
        if (s) services[service] = { ...s, deploy: { ...s.deploy, replicas: count } };
      }
      return { ...spec, name, services };
    },
  };
}
