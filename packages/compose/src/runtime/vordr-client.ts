/**
 * The VordrClient port: a typed method per Vörðr tool (see `docs/reference/vordr-mcp.md`), the
 * per-call options and the unsupported operations (params and results: `vordr-types.ts`). Contracts
 * only; the HTTP implementation is `vordrClient()` in `@selur/compose-selur`.
 */
import type {
  VordrContainerDetails,
  VordrContainerSummary,
  VordrCreateParams,
  VordrCreateResult,
  VordrExecResult,
  VordrHealth,
  VordrImage,
  VordrNetwork,
  VordrNetworkCreateParams,
  VordrNetworkCreateResult,
  VordrNetworkRemoveResult,
  VordrRemoveResult,
  VordrStartResult,
  VordrStopResult,
  VordrToolInfo,
  VordrVerifyResult,
  VordrVolumeCreateParams,
  VordrVolumeCreateResult,
  VordrVolumeInfo,
  VordrVolumeRemoveResult,
} from './vordr-types.js';

/**
 * Per-call options.
 *
 * @example
 * ```ts
 * await client.containerList({ all: true }, { signal: AbortSignal.timeout(2_000) });
 * ```
 */
export interface VordrCallOptions {
  /** Abort the request; the promise rejects with the signal's reason. */
  readonly signal?: AbortSignal | undefined;
}

/**
 * Operations Vörðr has no tool for. The matching {@link VordrClient} methods reject with an
 * `UnsupportedOperationError` (provider `vordr`) without sending anything. `logs` and `pull` are
 * listed by `tools/list` but answer "Unknown tool".
 *
 * @example
 * ```ts
 * if (VORDR_UNSUPPORTED_OPERATIONS.includes('logs')) console.log('read logs elsewhere');
 * ```
 */
export const VORDR_UNSUPPORTED_OPERATIONS = ['logs', 'top', 'events', 'wait', 'pause', 'unpause', 'copy', 'ports', 'pull'] as const;

/**
 * One of {@link VORDR_UNSUPPORTED_OPERATIONS}.
 *
 * @example
 * ```ts
 * const op: VordrUnsupportedOperation = 'logs';
 * ```
 */
export type VordrUnsupportedOperation = (typeof VORDR_UNSUPPORTED_OPERATIONS)[number];

/**
 * A typed client for the Vörðr runtime's JSON-RPC 2.0 (MCP) interface. Every method sends one
 * request; failures reject with `VordrError` (the tool failed), `VordrProtocolError` (method not
 * found, invalid request, malformed response) or `VordrUnavailableError` (HTTP error, connection
 * refused, timeout). Container ids may be ids or names, as the server accepts.
 *
 * @example
 * ```ts
 * import { vordrClient } from '@selur/compose-selur';
 * const vordr = vordrClient({ url: process.env.VORDR_MCP_URL });
 * const { containerId } = await vordr.containerCreate({ image: 'sha256:…', name: 'shop_api_1' });
 * const running = await vordr.containerList();
 * await vordr.containerStop(containerId, { timeout: 5 });
 * await vordr.containerRemove(containerId);
 * ```
 */
export interface VordrClient {
  /** The server URL in use. */
  readonly url: string;
  /** `vordr_container_create`: create (and, with `detach` true, the default, start) a container. */
  containerCreate(params: VordrCreateParams, options?: VordrCallOptions): Promise<VordrCreateResult>;
  /** `vordr_run`: the same tool under its alias; starts the container unless `detach: false`. */
  run(params: VordrCreateParams, options?: VordrCallOptions): Promise<VordrCreateResult>;
  /** `vordr_container_start`: start a container in state `created`. */
  containerStart(containerId: string, options?: VordrCallOptions): Promise<VordrStartResult>;
  /** `vordr_container_stop`: SIGTERM, then SIGKILL after `timeout` seconds (server default 10). The container must be running. */
  containerStop(containerId: string, params?: { readonly timeout?: number | undefined }, options?: VordrCallOptions): Promise<VordrStopResult>;
  /** `vordr_container_remove`: remove a container; `force` also removes a running one. */
  containerRemove(containerId: string, params?: { readonly force?: boolean | undefined }, options?: VordrCallOptions): Promise<VordrRemoveResult>;
  /** `vordr_container_list`: running containers, or all with `all: true`. */
  containerList(params?: { readonly all?: boolean | undefined }, options?: VordrCallOptions): Promise<readonly VordrContainerSummary[]>;
  /** `vordr_container_inspect`: details, with `config` parsed. */
  containerInspect(containerId: string, options?: VordrCallOptions): Promise<VordrContainerDetails>;
  /** `vordr_exec`: start a command in a running container. Vörðr returns its pid only: no output, no exit code. */
  exec(containerId: string, command: readonly string[], options?: VordrCallOptions): Promise<VordrExecResult>;
  /** `vordr_image_list`. */
  imageList(options?: VordrCallOptions): Promise<readonly VordrImage[]>;
  /** `vordr_verify_image`. */
  verifyImage(image: string, options?: VordrCallOptions): Promise<VordrVerifyResult>;
  /** `vordr_network_ls`. */
  networkList(options?: VordrCallOptions): Promise<readonly VordrNetwork[]>;
  /** `vordr_network_create`. */
  networkCreate(params: VordrNetworkCreateParams, options?: VordrCallOptions): Promise<VordrNetworkCreateResult>;
  /** `vordr_network_rm`: rejects with `VordrError` when the network does not exist. */
  networkRemove(name: string, options?: VordrCallOptions): Promise<VordrNetworkRemoveResult>;
  /** `vordr_volume_ls`. */
  volumeList(options?: VordrCallOptions): Promise<readonly VordrVolumeInfo[]>;
  /** `vordr_volume_create` (driver `local` only). */
  volumeCreate(params: VordrVolumeCreateParams, options?: VordrCallOptions): Promise<VordrVolumeCreateResult>;
  /** `vordr_volume_rm`: succeeds also when the volume does not exist. */
  volumeRemove(name: string, options?: VordrCallOptions): Promise<VordrVolumeRemoveResult>;
  /** `GET /health`. */
  health(options?: VordrCallOptions): Promise<VordrHealth>;
  /** `tools/list`. */
  listTools(options?: VordrCallOptions): Promise<readonly VordrToolInfo[]>;
  /** Unsupported: Vörðr has no logs tool (`vordr_logs` answers "Unknown tool"). Always rejects. */
  logs(containerId: string, options?: unknown): Promise<never>;
  /** Unsupported: no process listing. Always rejects. */
  top(containerId: string): Promise<never>;
  /** Unsupported: no event stream. Always rejects. */
  events(options?: unknown): Promise<never>;
  /** Unsupported: no wait-for-exit. Always rejects. */
  wait(containerId: string): Promise<never>;
  /** Unsupported: no pause. Always rejects. */
  pause(containerId: string): Promise<never>;
  /** Unsupported: no unpause. Always rejects. */
  unpause(containerId: string): Promise<never>;
  /** Unsupported: no file copy. Always rejects. */
  copy(containerId: string, source: string, target: string): Promise<never>;
  /** Unsupported: no port query; read `config.ports` from `containerInspect`. Always rejects. */
  ports(containerId: string): Promise<never>;
  /** Unsupported: `vordr_pull` answers "Unknown tool"; deliver images as verified bundles. Always rejects. */
  pull(image: string): Promise<never>;
}
