import { ComposeError, isComposeError } from '@selur/compose';

/**
 * The context every {@link SvalinnError} carries. Never holds a token or an API key.
 *
 * @example
 * ```ts
 * new SvalinnError('Svalinn GET /api/v1/images failed (500): boom', { status: 500, serverMessage: 'boom', method: 'GET', path: '/api/v1/images' });
 * ```
 */
export interface SvalinnErrorContext {
  /** Stable code; subclasses set their own. @default 'E_SVALINN' */
  readonly code?: string;
  /** The HTTP status Svalinn answered, or `undefined` when no answer arrived (refused, timed out). */
  readonly status?: number | undefined;
  /** The server's own message: the `error` field of its JSON body, or the start of a plain-text body. */
  readonly serverMessage?: string | undefined;
  /** The HTTP method of the request, e.g. `POST`. */
  readonly method: string;
  /** The request path (no host, no query), e.g. `/api/v1/run`. */
  readonly path: string;
  /** The parsed JSON error body, when there was one (secrets redacted). */
  readonly data?: unknown;
  /** The underlying error, if any (never a ky error, which holds the request headers). */
  readonly cause?: unknown;
}

/**
 * The Svalinn gateway refused or failed a request. The base of every Svalinn error: catch this to
 * handle them all. Carries the HTTP `status` and the server's own message.
 *
 * Tokens and API keys never appear in its message or fields.
 *
 * @example
 * ```ts
 * try { await svalinn.containers.get('nope'); }
 * catch (error) { if (isSvalinnError(error)) console.error(error.status, error.serverMessage); }
 * ```
 */
export class SvalinnError extends ComposeError {
  override readonly name: string = 'SvalinnError';
  /** The HTTP status, or `undefined` when Svalinn did not answer. */
  readonly status: number | undefined;
  /** The server's message, if it gave one. */
  readonly serverMessage: string | undefined;
  /** The HTTP method of the failed request. */
  readonly method: string;
  /** The path of the failed request, e.g. `/api/v1/run`. */
  readonly path: string;
  /** The parsed JSON error body, if any. */
  readonly data: unknown;

  constructor(message: string, context: SvalinnErrorContext) {
    super(message, { code: context.code ?? 'E_SVALINN', cause: context.cause });
    this.status = context.status;
    this.serverMessage = context.serverMessage;
    this.method = context.method;
    this.path = context.path;
    this.data = context.data;
  }
}

const SVALINN_CODES = new Set([
  'E_SVALINN', 'E_SVALINN_VALIDATION', 'E_SVALINN_UNAVAILABLE', 'E_SVALINN_TIMEOUT', 'E_POLICY_DENIED',
  'E_SVALINN_MCP_TOOL', 'E_SVALINN_UPSTREAM', 'E_SVALINN_REDIRECT', 'E_SVALINN_RESPONSE_TOO_LARGE',
]);

/**
 * True for any error from the Svalinn client ({@link SvalinnError} and its subclasses), even when two
 * copies of the package are loaded.
 *
 * @example
 * ```ts
 * if (isSvalinnError(error)) console.error(`Svalinn said ${error.status}: ${error.serverMessage}`);
 * ```
 */
export function isSvalinnError(error: unknown): error is SvalinnError {
  return isComposeError(error) && SVALINN_CODES.has(error.code);
}
