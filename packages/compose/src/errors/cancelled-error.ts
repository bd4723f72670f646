import { guardFor } from './compose-error.js';
import { ServiceFailureError, type FailureDiagnostics } from './service-failure-error.js';

/**
 * The operation was cancelled through its `AbortSignal`. What the run had created was torn down (see `rolledBack`).
 *
 * @example
 * ```ts
 * try { await project.up(); }
 * catch (error) {
 *   if (isCancelledError(error)) console.log('cancelled; skipped', error.skipped);
 * }
 * ```
 */
export class CancelledError extends ServiceFailureError {
  override readonly name = 'CancelledError';

  constructor(diagnostics: FailureDiagnostics) {
    super('E_CANCELLED', `${diagnostics.service ? `${diagnostics.service}: ` : ''}${diagnostics.reason}`, diagnostics);
  }
}

/**
 * True for a {@link CancelledError}.
 *
 * Matches by `code` and `name`, so it also works when two copies of the package are loaded
 * (ESM and CJS), where `instanceof` fails.
 *
 * @example
 * ```ts
 * try { await project.up(); }
 * catch (error) { if (isCancelledError(error)) console.error(error.code, error.message); }
 * ```
 */
export const isCancelledError = guardFor<CancelledError>('E_CANCELLED');
