import { ComposeError, guardFor } from './compose-error.js';

/**
 * A dependency graph has a cycle, so no start order exists. `cycle` is the whole path, first
 * node repeated at the end (`['api', 'worker', 'api']`).
 *
 * @example
 * ```ts
 * try { createGraph({ api: ['worker'], worker: ['api'] }).startOrder(); }
 * catch (error) { if (isDependencyCycleError(error)) console.error(error.cycle.join(' -> ')); }
 * ```
 */
export class DependencyCycleError extends ComposeError {
  override readonly name = 'DependencyCycleError';
  /** The cycle, first node repeated at the end. */
  readonly cycle: readonly string[];

  constructor(cycle: readonly string[]) {
    super(`Dependency cycle: ${cycle.join(' -> ')}. Remove one of these dependencies.`, { code: 'E_DEPENDENCY_CYCLE', service: cycle[0] });
    this.cycle = cycle;
  }
}

/**
 * True for a {@link DependencyCycleError}.
 *
 * Matches by `code` and `name`, so it also works when two copies of the package are loaded
 * (ESM and CJS), where `instanceof` fails.
 *
 * @example
 * ```ts
 * try { await project.up(); }
 * catch (error) { if (isDependencyCycleError(error)) console.error(error.code, error.message); }
 * ```
 */
export const isDependencyCycleError = guardFor<DependencyCycleError>('E_DEPENDENCY_CYCLE');
