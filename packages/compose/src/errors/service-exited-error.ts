import { guardFor } from './compose-error.js';
import { ServiceFailureError, type FailureDiagnostics } from './service-failure-error.js';

/**
 * A service exited while the engine waited for it to become ready (or a one-shot job exited non-zero). `exitCode` and `logs` say why.
 *
 * @example
 * ```ts
 * try { await project.up(); }
 * catch (error) {
 *   if (isServiceExitedError(error)) console.error(error.service, 'exited with', error.exitCode);
 * }
 * ```
 */
export class ServiceExitedError extends ServiceFailureError {
  override readonly name = 'ServiceExitedError';

  constructor(diagnostics: FailureDiagnostics) {
    super('E_SERVICE_EXITED', `${diagnostics.service ? `${diagnostics.service}: ` : ''}${diagnostics.reason}`, diagnostics);
  }
}

/**
 * True for a {@link ServiceExitedError}.
 *
 * Matches by `code` and `name`, so it also works when two copies of the package are loaded
 * (ESM and CJS), where `instanceof` fails.
 *
 * @example
 * ```ts
 * try { await project.up(); }
 * catch (error) { if (isServiceExitedError(error)) console.error(error.code, error.message); }
 * ```
 */
export const isServiceExitedError = guardFor<ServiceExitedError>('E_SERVICE_EXITED');
