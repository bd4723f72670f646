import { ComposeError } from '@selur/compose';
import { guardFor } from './guard.js';

/**
 * Why a {@link VordrUnavailableError} was raised.
 *
 * @example
 * ```ts
 * if (isVordrUnavailableError(error) && error.reason === 'timeout') console.error(`no answer in ${error.timeoutMs} ms`);
 * ```
 */
export type VordrUnavailableReason =
  /** The server answered with an HTTP error status (4xx/5xx) instead of a JSON-RPC response. */
  | 'http'
  /** No connection could be made (refused, reset, DNS failure). */
  | 'connection'
  /** No complete answer arrived within the client's timeout. */
  | 'timeout'
  /** The server answered with a redirect (3xx), which the client never follows; `location` says where to. */
  | 'redirect';

/**
 * Vörðr could not be reached or did not answer at the HTTP level: connection refused, a timeout,
 * an HTTP 4xx/5xx status, or a redirect (never followed). The message says what to check (the address in `VORDR_MCP_URL`,
 * the server's logs, the timeout).
 *
 * @example
 * ```ts
 * import { isVordrUnavailableError } from '@selur/compose-selur';
 * try { await client.health(); }
 * catch (error) { if (isVordrUnavailableError(error)) console.error(error.reason, error.url); }
 * ```
 */
export class VordrUnavailableError extends ComposeError {
  override readonly name = 'VordrUnavailableError';
  /** What failed. */
  readonly reason: VordrUnavailableReason;
  /** The URL that was requested. */
  readonly url: string;
  /** The HTTP status, for `reason: 'http'`. */
  readonly status?: number | undefined;
  /** The timeout that elapsed, in milliseconds, for `reason: 'timeout'`. */
  readonly timeoutMs?: number | undefined;
  /** The start of the response body (at most 200 characters, known secrets redacted), for `reason: 'http'`. */
  readonly body?: string | undefined;
  /** Where a redirect pointed (user name and password removed), for `reason: 'redirect'`. */
  readonly location?: string | undefined;

  constructor(
    message: string,
    options: { reason: VordrUnavailableReason; url: string; status?: number; timeoutMs?: number; body?: string; location?: string; cause?: unknown },
  ) {
    super(message, { code: 'E_VORDR_UNAVAILABLE', cause: options.cause });
    this.reason = options.reason;
    this.url = options.url;
    if (options.status !== undefined) this.status = options.status;
    if (options.timeoutMs !== undefined) this.timeoutMs = options.timeoutMs;
    if (options.body !== undefined) this.body = options.body;
    if (options.location !== undefined) this.location = options.location;
  }
}

/**
 * True for a {@link VordrUnavailableError}.
 *
 * Matches by `code` and `name`, so it also works when two copies of the package are loaded
 * (ESM and CJS), where `instanceof` fails.
 *
 * @example
 * ```ts
 * try { await project.up(); }
 * catch (error) { if (isVordrUnavailableError(error)) console.error(error.code, error.message); }
 * ```
 */
export const isVordrUnavailableError = guardFor<VordrUnavailableError>('E_VORDR_UNAVAILABLE');
