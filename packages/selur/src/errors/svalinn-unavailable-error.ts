import { isComposeError } from '@selur/compose';
import { SvalinnError } from './svalinn-error.js';

/**
 * Why Svalinn was unavailable: kept answering 503 (`status`), refused or dropped the connection
 * (`connection`), did not answer in time (`timeout`), or answered that it could not reach Vörðr
 * behind it (`vordr`: a 500 "…fetch failed" after its own retries).
 *
 * @example
 * ```ts
 * if (isSvalinnUnavailableError(error) && error.reason === 'connection') console.error('is Svalinn running?');
 * ```
 */
export type SvalinnUnavailableReason = 'status' | 'connection' | 'timeout' | 'vordr';

/**
 * Svalinn could not serve the request: it kept answering 503 after every retry (`reason: 'status'`),
 * refused or dropped the connection (`'connection'`), did not answer in time (`'timeout'`, see
 * {@link SvalinnTimeoutError}), or could not reach Vörðr behind it (`'vordr'`: the gateway is up but
 * its `VORDR_ENDPOINT` is not). Transient: trying later may work.
 *
 * @example
 * ```ts
 * catch (error) {
 *   if (isSvalinnUnavailableError(error)) console.error(`Svalinn unavailable (${error.reason}) after ${error.attempts} attempt(s)`);
 * }
 * ```
 */
export class SvalinnUnavailableError extends SvalinnError {
  override readonly name: string = 'SvalinnUnavailableError';
  /** What made it unavailable. */
  readonly reason: SvalinnUnavailableReason;
  /** How many attempts were made, retries included. */
  readonly attempts: number;

  constructor(
    message: string,
    context: { reason: SvalinnUnavailableReason; attempts: number; method: string; path: string; status?: number | undefined; serverMessage?: string | undefined; data?: unknown; cause?: unknown; code?: string },
  ) {
    super(message, { ...context, code: context.code ?? 'E_SVALINN_UNAVAILABLE' });
    this.reason = context.reason;
    this.attempts = context.attempts;
  }
}

/**
 * True for a {@link SvalinnUnavailableError}, including a {@link SvalinnTimeoutError}.
 *
 * @example
 * ```ts
 * catch (error) { if (isSvalinnUnavailableError(error)) console.error('Svalinn is unavailable; retry later'); }
 * ```
 */
export function isSvalinnUnavailableError(error: unknown): error is SvalinnUnavailableError {
  return isComposeError(error) && (error.code === 'E_SVALINN_UNAVAILABLE' || error.code === 'E_SVALINN_TIMEOUT');
}
