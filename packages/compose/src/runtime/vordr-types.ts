/**
 * Params and results of the VordrClient port, as Vörðr's tools take and return them (states
 * normalised, lists unwrapped, `config` parsed). Contracts only.
 */
import type { VordrContainerConfig } from './vordr-config.js';

/**
 * A container state, normalised from the server's `Created`/`Running`/`Paused`/`Stopped`; `unknown` for anything else.
 *
 * @example
 * ```ts
 * if (summary.state === 'running') console.log(summary.name);
 * ```
 */
export type VordrContainerState = 'created' | 'running' | 'paused' | 'stopped' | 'unknown';

/**
 * Arguments of `vordr_container_create` / `vordr_run`.
 *
 * @example
 * ```ts
 * await client.containerCreate({ image: 'sha256:…', name: 'shop_db_1', detach: false, config: { ports: ['5432:5432'] } });
 * ```
 */
export interface VordrCreateParams {
  readonly image: string;
  /** Container name; the server picks one when omitted. Use `<project>_<service>_<n>` to record project membership. */
  readonly name?: string | undefined;
  readonly command?: readonly string[] | undefined;
  /** Also start the container. @default true */
  readonly detach?: boolean | undefined;
  readonly config?: VordrContainerConfig | undefined;
}

/**
 * Result of `vordr_container_create`.
 *
 * @example
 * ```ts
 * const { containerId, status } = await vordr.containerCreate({ image: 'shop/api' }); // status: 'running'
 * ```
 */
export interface VordrCreateResult {
  /** 64 hex characters. */
  readonly containerId: string;
  readonly name: string;
  readonly image: string;
  /** `running` when it was started (`detach: true`), else `created`. */
  readonly status: 'running' | 'created';
}

/**
 * Result of `vordr_container_start`.
 *
 * @example
 * ```ts
 * const { pid } = await vordr.containerStart(containerId);
 * ```
 */
export interface VordrStartResult {
  readonly containerId: string;
  readonly pid: number;
  readonly status: 'running';
}

/**
 * Result of `vordr_container_stop`.
 *
 * @example
 * ```ts
 * await vordr.containerStop(containerId, { timeout: 5 }); // { containerId, status: 'stopped' }
 * ```
 */
export interface VordrStopResult {
  readonly containerId: string;
  readonly status: 'stopped';
}

/**
 * Result of `vordr_container_remove`.
 *
 * @example
 * ```ts
 * await vordr.containerRemove(containerId, { force: true }); // { containerId, status: 'removed' }
 * ```
 */
export interface VordrRemoveResult {
  readonly containerId: string;
  readonly status: 'removed';
}

/**
 * One entry of `vordr_container_list`.
 *
 * @example
 * ```ts
 * const mine = (await vordr.containerList({ all: true })).filter((c) => c.name.startsWith('shop_'));
 * ```
 */
export interface VordrContainerSummary {
  readonly id: string;
  readonly name: string;
  readonly image: string;
  readonly state: VordrContainerState;
  /** The state exactly as the server sent it (e.g. `Running`). */
  readonly rawState: string;
  /** Creation time as the server sent it. */
  readonly created: string;
}

/**
 * Result of `vordr_container_inspect`, with `config` parsed from the server's JSON string.
 *
 * @example
 * ```ts
 * const { config, pid } = await vordr.containerInspect('shop_api_1'); console.log(config['ports'], pid);
 * ```
 */
export interface VordrContainerDetails extends VordrContainerSummary {
  /** The main process id, or `null` when not running. */
  readonly pid: number | null;
  readonly bundlePath: string;
  /** The container's configuration, parsed. */
  readonly config: Readonly<Record<string, unknown>>;
  /** The configuration as the server sent it (a JSON string). */
  readonly rawConfig: string;
}

/**
 * Result of `vordr_exec`: Vörðr returns no output and no exit code.
 *
 * @example
 * ```ts
 * const { execPid } = await vordr.exec('shop_api_1', ['touch', '/tmp/ready']);
 * ```
 */
export interface VordrExecResult {
  readonly containerId: string;
  readonly execPid: number;
}

/**
 * One entry of `vordr_image_list`.
 *
 * @example
 * ```ts
 * for (const image of await vordr.imageList()) console.log(image.repository, image.tags, image.digest);
 * ```
 */
export interface VordrImage {
  readonly id: string;
  readonly digest: string;
  readonly repository: string;
  readonly tags: readonly string[];
  /** Bytes. */
  readonly size: number;
}

/**
 * Result of `vordr_verify_image`.
 *
 * @example
 * ```ts
 * const { verified, warnings } = await vordr.verifyImage('shop/api'); if (!verified) console.warn(warnings);
 * ```
 */
export interface VordrVerifyResult {
  readonly image: string;
  readonly verified: boolean;
  readonly attestations: readonly unknown[];
  readonly warnings: readonly string[];
}

/**
 * A subnet of a {@link VordrNetwork}.
 *
 * @example
 * ```ts
 * const [first] = (await vordr.networkList())[0]?.subnets ?? []; console.log(first?.subnet, first?.gateway);
 * ```
 */
export interface VordrSubnet {
  readonly subnet: string;
  readonly gateway?: string | undefined;
}

/**
 * One entry of `vordr_network_ls`.
 *
 * @example
 * ```ts
 * const exists = (await vordr.networkList()).some((n) => n.name === 'shop_default');
 * ```
 */
export interface VordrNetwork {
  readonly name: string;
  readonly id: string;
  readonly driver: string;
  /** `null` when the server reports none. */
  readonly subnets: readonly VordrSubnet[] | null;
}

/**
 * Arguments of `vordr_network_create`.
 *
 * @example
 * ```ts
 * await client.networkCreate({ name: 'shop_backend', subnet: '10.90.0.0/24' });
 * ```
 */
export interface VordrNetworkCreateParams {
  readonly name: string;
  /** @default 'bridge' */
  readonly driver?: string | undefined;
  readonly subnet?: string | undefined;
}

/**
 * Result of `vordr_network_create`.
 *
 * @example
 * ```ts
 * const { id } = await vordr.networkCreate({ name: 'shop_default' });
 * ```
 */
export interface VordrNetworkCreateResult {
  readonly name: string;
  readonly id: string;
  readonly driver: string;
}

/**
 * Result of `vordr_network_rm`.
 *
 * @example
 * ```ts
 * await vordr.networkRemove('shop_default'); // { name: 'shop_default', status: 'removed' }
 * ```
 */
export interface VordrNetworkRemoveResult {
  readonly name: string;
  readonly status: 'removed';
}

/**
 * One entry of `vordr_volume_ls`.
 *
 * @example
 * ```ts
 * const paths = (await vordr.volumeList()).map((v) => v.path);
 * ```
 */
export interface VordrVolumeInfo {
  readonly name: string;
  readonly path: string;
}

/**
 * Arguments of `vordr_volume_create`.
 *
 * @example
 * ```ts
 * await client.volumeCreate({ name: 'shop_pgdata' });
 * ```
 */
export interface VordrVolumeCreateParams {
  readonly name: string;
  /** Vörðr only has the `local` driver. @default 'local' */
  readonly driver?: 'local' | undefined;
}

/**
 * Result of `vordr_volume_create`.
 *
 * @example
 * ```ts
 * const { path } = await vordr.volumeCreate({ name: 'shop_pgdata' });
 * ```
 */
export interface VordrVolumeCreateResult {
  readonly name: string;
  readonly path: string;
  readonly driver: string;
}

/**
 * Result of `vordr_volume_rm` (also when the volume did not exist).
 *
 * @example
 * ```ts
 * await vordr.volumeRemove('shop_pgdata'); // { name: 'shop_pgdata', status: 'removed' }
 * ```
 */
export interface VordrVolumeRemoveResult {
  /** The volume's name. */
  readonly name: string;
  readonly status: 'removed';
}

/**
 * Result of `GET /health`.
 *
 * @example
 * ```ts
 * const { status, version } = await vordr.health(); // 'ok', '0.1.0'
 * ```
 */
export interface VordrHealth {
  readonly status: string;
  readonly version: string;
  readonly service: string;
}

/**
 * One tool from `tools/list`.
 *
 * @example
 * ```ts
 * const names = (await vordr.listTools()).map((t) => t.name);
 * ```
 */
export interface VordrToolInfo {
  readonly name: string;
  readonly description: string;
  /** The JSON Schema of the arguments (the server's `input_schema`). */
  readonly inputSchema: Readonly<Record<string, unknown>>;
}

