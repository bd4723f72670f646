import { guardFor } from './compose-error.js';
import { ServiceFailureError, type FailureDiagnostics } from './service-failure-error.js';

/**
 * A service did not become ready (healthcheck or wait strategy) in time. `healthOutput` holds the last probe's output, `logs` its last lines.
 *
 * @example
 * ```ts
 * try { await project.up(); }
 * catch (error) {
 *   if (isHealthTimeoutError(error)) console.error(error.service, error.healthOutput);
 * }
 * ```
 */
export class HealthTimeoutError extends ServiceFailureError {
  override readonly name = 'HealthTimeoutError';

  constructor(diagnostics: FailureDiagnostics) {
    super('E_HEALTH_TIMEOUT', `${diagnostics.service ? `${diagnostics.service}: ` : ''}${diagnostics.reason}`, diagnostics);
  }
}

/**
 * True for a {@link HealthTimeoutError}.
 *
 * Matches by `code` and `name`, so it also works when two copies of the package are loaded
 * (ESM and CJS), where `instanceof` fails.
 *
 * @example
 * ```ts
 * try { await project.up(); }
 * catch (error) { if (isHealthTimeoutError(error)) console.error(error.code, error.message); }
 * ```
 */
export const isHealthTimeoutError = guardFor<HealthTimeoutError>('E_HEALTH_TIMEOUT');
