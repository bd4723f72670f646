import { guardFor } from './compose-error.js';
import { ServiceFailureError, type FailureDiagnostics } from './service-failure-error.js';

/**
 * A host port a service publishes is already in use. Pick another host port, or publish
 * `0` (or leave it out) to get a free one.
 *
 * @example
 * ```ts
 * try { await project.up(); }
 * catch (error) {
 *   if (isPortConflictError(error)) console.error(`port ${error.port} is taken (service ${error.service})`);
 * }
 * ```
 */
export class PortConflictError extends ServiceFailureError {
  override readonly name = 'PortConflictError';
  /** The host port that was taken: the one the service asked for, or the free one its runtime picked for a `0` (another process can take it before the service binds it). */
  readonly port?: number | undefined;
  /** The project that could not publish it, when found before the run started. */
  readonly project?: string | undefined;
  /** Who publishes it (another project of the same runtime), when known. */
  readonly heldBy?: { readonly project: string; readonly service: string } | undefined;

  constructor(diagnostics: FailureDiagnostics & { readonly port?: number | undefined; readonly project?: string | undefined; readonly heldBy?: { readonly project: string; readonly service: string } | undefined }) {
    super(
      'E_PORT_CONFLICT',
      `${diagnostics.service ? `${diagnostics.service}: ` : ''}${diagnostics.port !== undefined ? `host port ${diagnostics.port}` : 'a host port it publishes'} is already in use (${diagnostics.reason}); choose another host port or publish 0 for a free one`,
      diagnostics,
    );
    if (diagnostics.port !== undefined) this.port = diagnostics.port;
    if (diagnostics.project !== undefined) this.project = diagnostics.project;
    if (diagnostics.heldBy !== undefined) this.heldBy = { ...diagnostics.heldBy };
  }
}

/**
 * True for a {@link PortConflictError}.
 *
 * Matches by `code` and `name`, so it also works when two copies of the package are loaded
 * (ESM and CJS), where `instanceof` fails.
 *
 * @example
 * ```ts
 * try { await project.up(); }
 * catch (error) { if (isPortConflictError(error)) console.error(error.code, error.message); }
 * ```
 */
export const isPortConflictError = guardFor<PortConflictError>('E_PORT_CONFLICT');
