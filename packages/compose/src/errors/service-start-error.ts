import { guardFor } from './compose-error.js';
import { ServiceFailureError, type FailureDiagnostics } from './service-failure-error.js';

/**
 * The runtime failed to create or start a service (for a reason other than a port conflict); `cause` holds the runtime's error.
 *
 * @example
 * ```ts
 * try { await project.up(); }
 * catch (error) {
 *   if (isServiceStartError(error)) console.error(error.service, error.cause);
 * }
 * ```
 */
export class ServiceStartError extends ServiceFailureError {
  override readonly name = 'ServiceStartError';

  constructor(diagnostics: FailureDiagnostics) {
    super('E_SERVICE_START', `${diagnostics.service ? `${diagnostics.service}: ` : ''}${diagnostics.reason}`, diagnostics);
  }
}

/**
 * True for a {@link ServiceStartError}.
 *
 * Matches by `code` and `name`, so it also works when two copies of the package are loaded
 * (ESM and CJS), where `instanceof` fails.
 *
 * @example
 * ```ts
 * try { await project.up(); }
 * catch (error) { if (isServiceStartError(error)) console.error(error.code, error.message); }
 * ```
 */
export const isServiceStartError = guardFor<ServiceStartError>('E_SERVICE_START');
