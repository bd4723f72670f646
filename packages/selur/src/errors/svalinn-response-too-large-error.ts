import { guardFor } from './guard.js';
import { SvalinnError } from './svalinn-error.js';

/**
 * A Svalinn answer was larger than the client's `maxResponseBytes` (default 4 MiB). The client stops
 * reading at the cap and closes the connection: a huge body is never held in memory whole.
 *
 * @example
 * ```ts
 * catch (error) { if (isSvalinnResponseTooLargeError(error)) console.error(`answer over ${error.limitBytes} bytes`); }
 * ```
 */
export class SvalinnResponseTooLargeError extends SvalinnError {
  override readonly name = 'SvalinnResponseTooLargeError';
  /** The cap that was passed, in bytes. */
  readonly limitBytes: number;

  constructor(message: string, context: { status: number; limitBytes: number; method: string; path: string }) {
    super(message, { status: context.status, method: context.method, path: context.path, code: 'E_SVALINN_RESPONSE_TOO_LARGE' });
    this.limitBytes = context.limitBytes;
  }
}

/**
 * True for a {@link SvalinnResponseTooLargeError}.
 *
 * @example
 * ```ts
 * catch (error) { if (isSvalinnResponseTooLargeError(error)) console.error(error.limitBytes); }
 * ```
 */
export const isSvalinnResponseTooLargeError = guardFor<SvalinnResponseTooLargeError>('E_SVALINN_RESPONSE_TOO_LARGE');
