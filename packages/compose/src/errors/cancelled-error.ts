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

/** True for a {@link CancelledError}. */
export const isCancelledError = guardFor<CancelledError>('E_CANCELLED');
