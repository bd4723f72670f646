import { ComposeError, guardFor } from './compose-error.js';

/**
 * The runtime, driver or server cannot do what was asked. Names who and what, and may suggest
 * an alternative.
 *
 * @example
 * ```ts
 * try { await stack.logs('api'); }
 * catch (error) { if (isUnsupportedOperationError(error)) console.warn(error.message); }
 * ```
 */
export class UnsupportedOperationError extends ComposeError {
  override readonly name = 'UnsupportedOperationError';
  /** The runtime, driver or client that lacks the operation (its `name`, e.g. `process`). */
  readonly provider: string;
  /** The operation (e.g. `logs`, `sbom`). */
  readonly operation: string;

  constructor(provider: string, operation: string, options: { hint?: string; service?: string; cause?: unknown } = {}) {
    super(`${provider} does not support '${operation}'${options.hint ? `: ${options.hint}` : ''}`, {
      code: 'E_UNSUPPORTED',
      service: options.service,
      cause: options.cause,
    });
    this.provider = provider;
    this.operation = operation;
  }
}

/**
 * True for an {@link UnsupportedOperationError}.
 *
 * Matches by `code` and `name`, so it also works when two copies of the package are loaded
 * (ESM and CJS), where `instanceof` fails.
 *
 * @example
 * ```ts
 * try { await project.up(); }
 * catch (error) { if (isUnsupportedOperationError(error)) console.error(error.code, error.message); }
 * ```
 */
export const isUnsupportedOperationError = guardFor<UnsupportedOperationError>('E_UNSUPPORTED');
