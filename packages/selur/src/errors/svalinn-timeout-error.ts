import { guardFor } from './guard.js';
import { SvalinnUnavailableError } from './svalinn-unavailable-error.js';

/**
 * Svalinn did not answer within the client's `timeout`. A timed-out request is not retried (a run may
 * have started), so it surfaces at once. A kind of {@link SvalinnUnavailableError}.
 *
 * @example
 * ```ts
 * catch (error) { if (isSvalinnTimeoutError(error)) console.error(`no answer in ${error.timeoutMs} ms`); }
 * ```
 */
export class SvalinnTimeoutError extends SvalinnUnavailableError {
  override readonly name = 'SvalinnTimeoutError';
  /** The timeout that passed, in milliseconds. */
  readonly timeoutMs: number;

  constructor(message: string, context: { timeoutMs: number; attempts: number; method: string; path: string }) {
    super(message, { ...context, reason: 'timeout', code: 'E_SVALINN_TIMEOUT' });
    this.timeoutMs = context.timeoutMs;
  }
}

/**
 * True for a {@link SvalinnTimeoutError}.
 *
 * Matches by `code` and `name`, so it also works when two copies of the package are loaded
 * (ESM and CJS), where `instanceof` fails.
 *
 * @example
 * ```ts
 * try { await project.up(); }
 * catch (error) { if (isSvalinnTimeoutError(error)) console.error(error.code, error.message); }
 * ```
 */
export const isSvalinnTimeoutError = guardFor<SvalinnTimeoutError>('E_SVALINN_TIMEOUT');
