import { guardFor } from './guard.js';
import { SvalinnError } from './svalinn-error.js';

/**
 * The upstream defects of the Svalinn/Vörðr stack this SDK recognises (see the recording's README in
 * `packages/selur/test/vectors/svalinn/recorded/`):
 * - `U1`: Svalinn calls Vörðr with `containers/*` / `images/*` JSON-RPC methods; Vörðr serves only
 *   `tools/call` (Vörðr answers "Method not found").
 * - `U2`: Svalinn treats Vörðr's `"error": null` as a failure ("MCP error field is not a valid object")
 *   and retries, so a create that succeeded is sent again ("Container name already in use").
 * - `U3`: Svalinn reads `id` from Vörðr's create result; Vörðr returns `containerId` ("Vörðr response
 *   missing container id").
 *
 * @example
 * ```ts
 * if (isSvalinnUpstreamError(error) && error.defect === 'U1') console.error('this Svalinn cannot drive this Vörðr');
 * ```
 */
export type SvalinnUpstreamDefect = 'U1' | 'U2' | 'U3';

/**
 * An upstream component (the Svalinn gateway, or Vörðr behind it) misbehaved in a known way: not a
 * bug of this SDK nor of the compose file. `component` says which one, `defect` which known defect,
 * and `serverMessage` what the gateway answered, word for word (secrets redacted).
 *
 * @example
 * ```ts
 * catch (error) {
 *   if (isSvalinnUpstreamError(error)) console.error(`upstream ${error.component} defect ${error.defect}: ${error.serverMessage}`);
 * }
 * ```
 */
export class SvalinnUpstreamError extends SvalinnError {
  override readonly name = 'SvalinnUpstreamError';
  /** The component that misbehaved: the gateway (`svalinn`) or the runtime behind it (`vordr`). */
  readonly component: 'svalinn' | 'vordr';
  /** Which known defect it is. */
  readonly defect: SvalinnUpstreamDefect;

  constructor(
    message: string,
    context: { component: 'svalinn' | 'vordr'; defect: SvalinnUpstreamDefect; method: string; path: string; status?: number | undefined; serverMessage?: string | undefined; data?: unknown; cause?: unknown },
  ) {
    super(message, { ...context, code: 'E_SVALINN_UPSTREAM' });
    this.component = context.component;
    this.defect = context.defect;
  }
}

/**
 * True for a {@link SvalinnUpstreamError}.
 *
 * Matches by `code`, so it also works when two copies of the package are loaded (ESM and CJS).
 *
 * @example
 * ```ts
 * catch (error) { if (isSvalinnUpstreamError(error)) console.error('not our bug:', error.message); }
 * ```
 */
export const isSvalinnUpstreamError = guardFor<SvalinnUpstreamError>('E_SVALINN_UPSTREAM');
