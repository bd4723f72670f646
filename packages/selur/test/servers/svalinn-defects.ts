/**
 * The upstream defects of the recording (its README, U1–U3) as a backend wrapper for the fake
 * Svalinn, so tests see what the real gateway answers when they bite:
 * - `U1` — set-up A: Svalinn calls `containers/*` / `images/*` JSON-RPC methods that Vörðr does not
 *   serve: every runtime call fails with -32601 "Method not found: <method>".
 * - `U2` — Vörðr's `"error": null` taken for a failure: lists answer "MCP error field is not a valid
 *   object"; a run's create succeeds, then is retried and fails "Container name already in use".
 * - `U3` — Svalinn reads `id` where Vörðr returns `containerId`: a run's create succeeds, then the
 *   gateway answers "Vörðr response missing container id".
 */
import { GatewayFailure, VordrRpcFailure, type BackendRunRequest, type SvalinnBackend } from './svalinn-memory-backend.js';

/** One of the recording's upstream defects. */
export type UpstreamDefect = 'U1' | 'U2' | 'U3';

const METHODS: Readonly<Record<string, string>> = {
  run: 'containers/create', create: 'containers/create', start: 'containers/start', stop: 'containers/stop', remove: 'containers/remove',
  list: 'containers/list', get: 'containers/get', images: 'images/list', pull: 'images/pull', verify: 'images/verify', logs: 'containers/logs',
};

/** `inner` with one defect of the real stack. */
export function defectiveBackend(inner: SvalinnBackend, defect: UpstreamDefect): SvalinnBackend {
  if (defect === 'U1') {
    const notFound = (op: string) => async (): Promise<never> => {
      throw new VordrRpcFailure(-32601, `Method not found: ${METHODS[op] ?? op}`);
    };
    return {
      connected: () => true,
      run: notFound('run'), create: notFound('create'), start: notFound('start'), stop: notFound('stop'), remove: notFound('remove'),
      list: notFound('list'), get: notFound('get'), images: notFound('images'), pull: notFound('pull'), verify: notFound('verify'), logs: notFound('logs'),
    };
  }
  if (defect === 'U2') {
    const nullError = async (): Promise<never> => {
      throw new GatewayFailure('MCP call failed after 3 retries: MCP error field is not a valid object');
    };
    return {
      ...inner,
      async run(request: BackendRunRequest) {
        await inner.create(request); // the first create worked; Svalinn took it for a failure and retried
        throw new VordrRpcFailure(-32000, `Container name already in use: ${request.name ?? ''}`);
      },
      list: nullError, get: nullError, images: nullError,
    };
  }
  return {
    ...inner,
    async run(request: BackendRunRequest) {
      await inner.create(request);
      throw new GatewayFailure('Vörðr response missing container id');
    },
  };
}
