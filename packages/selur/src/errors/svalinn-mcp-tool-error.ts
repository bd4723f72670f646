import { guardFor } from './guard.js';
import { SvalinnError } from './svalinn-error.js';

/**
 * A Svalinn MCP tool failed. The real `/mcp` answers HTTP 200 even then: the failure is a result with
 * `isError: true` and a text message (`Missing required parameter: action`, or the runtime's error
 * passed through), never a JSON-RPC error. `svalinnClient().mcp()` turns that result, and a JSON-RPC
 * error if one comes, into this error.
 *
 * @example
 * ```ts
 * try { await svalinn.mcp('svalinn_stop', { containerId: 'nope' }); }
 * catch (error) { if (isSvalinnMcpToolError(error)) console.error(error.tool, error.toolMessage); }
 * ```
 */
export class SvalinnMcpToolError extends SvalinnError {
  override readonly name = 'SvalinnMcpToolError';
  /** The tool that was called, e.g. `svalinn_stop`. */
  readonly tool: string;
  /** What the tool said (its text content, or the JSON-RPC error message), secrets redacted. */
  readonly toolMessage: string;
  /** The JSON-RPC error code when the failure was a JSON-RPC error, else `undefined`. */
  readonly rpcCode: number | undefined;

  constructor(message: string, context: { tool: string; toolMessage: string; rpcCode?: number | undefined; status?: number | undefined; data?: unknown }) {
    super(message, { status: context.status, serverMessage: context.toolMessage, method: 'POST', path: '/mcp', data: context.data, code: 'E_SVALINN_MCP_TOOL' });
    this.tool = context.tool;
    this.toolMessage = context.toolMessage;
    this.rpcCode = context.rpcCode;
  }
}

/**
 * True for a {@link SvalinnMcpToolError}.
 *
 * Matches by `code`, so it also works when two copies of the package are loaded (ESM and CJS).
 *
 * @example
 * ```ts
 * catch (error) { if (isSvalinnMcpToolError(error)) console.error(`${error.tool}: ${error.toolMessage}`); }
 * ```
 */
export const isSvalinnMcpToolError = guardFor<SvalinnMcpToolError>('E_SVALINN_MCP_TOOL');
