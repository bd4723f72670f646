import { ComposeError } from '@selur/compose';
import { guardFor } from './guard.js';

/**
 * Why a {@link VordrProtocolError} was raised.
 *
 * @example
 * ```ts
 * if (isVordrProtocolError(error) && error.reason === 'method-not-found') console.error('not a Vörðr server?');
 * ```
 */
export type VordrProtocolErrorReason =
  /** -32601: the server does not serve this JSON-RPC method (Vörðr serves only `tools/list` and `tools/call`). */
  | 'method-not-found'
  /** -32600: the server found the request envelope invalid (e.g. `jsonrpc` other than "2.0"). */
  | 'invalid-request'
  /** -32602: the server found the method's params invalid. */
  | 'invalid-params'
  /** -32700: the server could not parse the request. */
  | 'parse-error'
  /** The response is not JSON, not a JSON-RPC 2.0 envelope, or its result has the wrong shape. */
  | 'malformed-response'
  /** The response body is (or declares itself) larger than the client's `maxResponseBytes`; it was not read whole. */
  | 'oversized-response';

/**
 * The client and the server do not speak the same protocol: a JSON-RPC method the server does
 * not serve (-32601), a request it rejects as invalid (-32600), or a response that is not the
 * JSON-RPC 2.0 envelope or result shape the Vörðr contract promises.
 *
 * This is not a failure of the operation itself: check that `VORDR_MCP_URL` points at a Vörðr
 * MCP server and that client and server versions match.
 *
 * @example
 * ```ts
 * import { isVordrProtocolError } from '@selur/compose-selur';
 * try { await client.containerList(); }
 * catch (error) { if (isVordrProtocolError(error)) console.error(error.reason, error.message); }
 * ```
 */
export class VordrProtocolError extends ComposeError {
  override readonly name = 'VordrProtocolError';
  /** What went wrong. */
  readonly reason: VordrProtocolErrorReason;
  /** The JSON-RPC method that was called (`tools/call`, `tools/list`), or `GET /health`. */
  readonly method: string;
  /** The tool, for `tools/call`. */
  readonly tool?: string | undefined;
  /** The JSON-RPC error code, when the server sent one. */
  readonly rpcCode?: number | undefined;

  constructor(
    message: string,
    options: { reason: VordrProtocolErrorReason; method: string; tool?: string | undefined; rpcCode?: number | undefined; cause?: unknown },
  ) {
    super(message, { code: 'E_VORDR_PROTOCOL', cause: options.cause });
    this.reason = options.reason;
    this.method = options.method;
    if (options.tool !== undefined) this.tool = options.tool;
    if (options.rpcCode !== undefined) this.rpcCode = options.rpcCode;
  }
}

/**
 * True for a {@link VordrProtocolError}.
 *
 * Matches by `code` and `name`, so it also works when two copies of the package are loaded
 * (ESM and CJS), where `instanceof` fails.
 *
 * @example
 * ```ts
 * try { await project.up(); }
 * catch (error) { if (isVordrProtocolError(error)) console.error(error.code, error.message); }
 * ```
 */
export const isVordrProtocolError = guardFor<VordrProtocolError>('E_VORDR_PROTOCOL');
