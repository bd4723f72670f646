import { InvalidArgumentError } from '../errors/invalid-argument-error.js';
import { createGraph, type DependencyGraph } from '../graph/dependency-graph.js';
import type { ProjectSpec } from '../spec/types.js';

/**
 * Which services a run covers.
 *
 * @example
 * ```ts
 * await project.up({ services: ['api'], noDeps: false, profiles: ['debug'] });
 * ```
 */
export interface SelectOptions {
  /** Only these services (and, unless `noDeps`, what they depend on). @default every active service */
  readonly services?: readonly string[] | undefined;
  /** Do not add the dependencies of `services`. @default false */
  readonly noDeps?: boolean | undefined;
  /** Active profiles: services with profiles run only when one of theirs is active. @default [] */
  readonly profiles?: readonly string[] | undefined;
}

/** @internal The dependency graph of a project's services. */
export function serviceGraph(spec: ProjectSpec): DependencyGraph {
  const edges: Record<string, string[]> = {};
  for (const [name, service] of Object.entries(spec.services)) edges[name] = Object.keys(service.depends_on).filter((d) => d in spec.services);
  return createGraph(edges);
}

/**
 * The services a run covers, in start order: the active ones (no profile, or an active
 * profile), or the requested ones plus their dependency closure.
 *
 * @example
 * ```ts
 * selectServices(spec, { services: ['api'] }); // ['db', 'api']
 * ```
 */
export function selectServices(spec: ProjectSpec, options: SelectOptions = {}): string[] {
  const graph = serviceGraph(spec);
  const order = graph.startOrder();
  if (options.services && options.services.length > 0) {
    for (const name of options.services) {
      if (!(name in spec.services)) {
        throw new InvalidArgumentError(`Unknown service '${name}' in options.services; the project has: ${Object.keys(spec.services).sort().join(', ')}`, { field: 'services', service: name });
      }
    }
    const chosen = new Set(options.noDeps ? options.services : graph.closure(options.services));
    return order.filter((n) => chosen.has(n));
  }
  const active = new Set(options.profiles ?? []);
  const wanted = order.filter((n) => {
    const profiles = spec.services[n]?.profiles ?? [];
    return profiles.length === 0 || profiles.some((p) => active.has(p));
  });
  const chosen = new Set(graph.closure(wanted));
  return order.filter((n) => chosen.has(n));
}
