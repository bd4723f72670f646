import { ComposeError } from '@selur/compose';
import { guardFor } from './guard.js';

/**
 * A Vörðr tool ran and failed: the server answered the JSON-RPC call with an error (usually
 * -32000) and a message saying why (no such container, wrong state, invalid config, …).
 *
 * The request reached the server and was understood; fix the arguments or the state the message
 * names, then try again.
 *
 * @example
 * ```ts
 * import { vordrClient, isVordrError } from '@selur/compose-selur';
 * try { await vordrClient().networkRemove('missing'); }
 * catch (error) { if (isVordrError(error)) console.error(error.tool, error.serverMessage); }
 * ```
 */
export class VordrError extends ComposeError {
  override readonly name = 'VordrError';
  /** The tool that was called, as sent (e.g. `vordr_container_start`). */
  readonly tool: string;
  /** The JSON-RPC error code (-32000 for a failed tool). */
  readonly rpcCode: number;
  /** The server's message, unchanged. */
  readonly serverMessage: string;
  /** The JSON-RPC error's `data`, when the server sent one. */
  readonly data?: unknown;

  constructor(tool: string, rpcCode: number, serverMessage: string, options: { data?: unknown; service?: string; cause?: unknown } = {}) {
    super(`Vörðr tool '${tool}' failed (JSON-RPC ${rpcCode}): ${serverMessage}`, {
      code: 'E_VORDR_TOOL',
      service: options.service,
      cause: options.cause,
    });
    this.tool = tool;
    this.rpcCode = rpcCode;
    this.serverMessage = serverMessage;
    if (options.data !== undefined) this.data = options.data;
  }
}

/**
 * True for a {@link VordrError}.
 *
 * Matches by `code` and `name`, so it also works when two copies of the package are loaded
 * (ESM and CJS), where `instanceof` fails.
 *
 * @example
 * ```ts
 * try { await project.up(); }
 * catch (error) { if (isVordrError(error)) console.error(error.code, error.message); }
 * ```
 */
export const isVordrError = guardFor<VordrError>('E_VORDR_TOOL');
