import { guardFor } from './compose-error.js';
import { ServiceFailureError, type FailureDiagnostics } from './service-failure-error.js';

/**
 * A service could not start because a dependency did not meet its `depends_on` condition (it
 * exited non-zero before `service_completed_successfully`, or it failed). `dependency` names
 * the blocker; `logs` and `exitCode` are the dependency's.
 *
 * @example
 * ```ts
 * try { await project.up(); }
 * catch (error) {
 *   if (isDependencyFailedError(error)) console.error(`${error.service} blocked by ${error.dependency}`);
 * }
 * ```
 */
export class DependencyFailedError extends ServiceFailureError {
  override readonly name = 'DependencyFailedError';
  /** The dependency that failed its condition. */
  readonly dependency: string;

  constructor(diagnostics: FailureDiagnostics & { readonly dependency: string }) {
    super('E_DEPENDENCY_FAILED', `${diagnostics.service ?? '?'}: dependency '${diagnostics.dependency}' failed: ${diagnostics.reason}`, diagnostics);
    this.dependency = diagnostics.dependency;
  }
}

/**
 * True for a {@link DependencyFailedError}.
 *
 * Matches by `code` and `name`, so it also works when two copies of the package are loaded
 * (ESM and CJS), where `instanceof` fails.
 *
 * @example
 * ```ts
 * try { await project.up(); }
 * catch (error) { if (isDependencyFailedError(error)) console.error(error.code, error.message); }
 * ```
 */
export const isDependencyFailedError = guardFor<DependencyFailedError>('E_DEPENDENCY_FAILED');
