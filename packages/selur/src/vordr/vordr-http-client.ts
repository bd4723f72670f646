/**
 * The VordrClient over JSON-RPC 2.0 / HTTP (ky). The class is private; use {@link vordrClient}.
 */
import {
  InvalidArgumentError,
  UnsupportedOperationError,
  type VordrCallOptions,
  type VordrClient,
  type VordrContainerDetails,
  type VordrContainerSummary,
  type VordrCreateParams,
  type VordrCreateResult,
  type VordrExecResult,
  type VordrHealth,
  type VordrImage,
  type VordrNetwork,
  type VordrNetworkCreateParams,
  type VordrNetworkCreateResult,
  type VordrNetworkRemoveResult,
  type VordrRemoveResult,
  type VordrStartResult,
  type VordrStopResult,
  type VordrToolInfo,
  type VordrUnsupportedOperation,
  type VordrVerifyResult,
  type VordrVolumeCreateParams,
  type VordrVolumeCreateResult,
  type VordrVolumeInfo,
  type VordrVolumeRemoveResult,
} from '@selur/compose';
import { checkCommand, checkContainerConfig, checkName, checkWholeNumber } from './vordr-config-check.js';
import {
  ResultReader,
  parseContainerDetails,
  parseContainerList,
  parseHealth,
  parseImageList,
  parseNetworkList,
  parseToolList,
  parseVerify,
  parseVolumeList,
} from './vordr-results.js';
import { VordrTransport } from './vordr-transport.js';
import type { VordrClientOptions } from './vordr-options.js';

const DEFAULT_URL = 'http://localhost:8080';
const DEFAULT_TIMEOUT_MS = 30_000;
/** The server's own stop timeout, in seconds, when none is given. */
const SERVER_STOP_TIMEOUT_S = 10;

const HINTS: Readonly<Record<VordrUnsupportedOperation, string>> = {
  logs: 'Vörðr has no logs tool (vordr_logs is listed but answers "Unknown tool"); read the logs on the host',
  top: 'Vörðr has no process listing; use exec or inspect the host',
  events: 'Vörðr has no event stream; poll containerList({ all: true })',
  wait: 'Vörðr cannot wait for a container to exit; poll containerInspect until its state is "stopped"',
  pause: 'Vörðr has no pause tool; stop the container instead',
  unpause: 'Vörðr has no unpause tool; start a new container instead',
  copy: 'Vörðr has no copy tool; use a bind mount',
  ports: 'Vörðr has no ports tool; read config.ports from containerInspect',
  pull: 'vordr_pull is listed but answers "Unknown tool"; deliver images as verified .ctp bundles through Svalinn',
};

class HttpVordrClient implements VordrClient {
  private readonly transport: VordrTransport;

  constructor(
    readonly url: string,
    private readonly timeoutMs: number,
    fetchImpl: typeof globalThis.fetch | undefined,
  ) {
    this.transport = new VordrTransport(url, fetchImpl);
  }

  private tool(name: string, args: Record<string, unknown>, options: VordrCallOptions | undefined, timeoutMs = this.timeoutMs): Promise<unknown> {
    return this.transport.callTool(name, args, { timeoutMs, signal: options?.signal });
  }

  private createArgs(params: VordrCreateParams): Record<string, unknown> {
    if (typeof params !== 'object' || params === null) throw new InvalidArgumentError('vordr: create params must be an object', { field: 'params' });
    const args: Record<string, unknown> = { image: checkName('image', params.image) };
    if (params.name !== undefined) args['name'] = checkName('name', params.name);
    if (params.command !== undefined) args['command'] = checkCommand('command', params.command, false);
    if (params.detach !== undefined) args['detach'] = params.detach;
    if (params.config !== undefined) {
      checkContainerConfig(params.config);
      args['config'] = params.config;
    }
    return args;
  }

  private async create(tool: string, params: VordrCreateParams, options: VordrCallOptions | undefined): Promise<VordrCreateResult> {
    const result = await this.tool(tool, this.createArgs(params), options);
    const r = new ResultReader(tool);
    const o = r.object(result);
    return {
      containerId: r.string(o, 'containerId'),
      name: r.string(o, 'name'),
      image: r.string(o, 'image'),
      status: r.literal(o, 'status', ['running', 'created'] as const),
    };
  }

  containerCreate(params: VordrCreateParams, options?: VordrCallOptions): Promise<VordrCreateResult> {
    return this.create('vordr_container_create', params, options);
  }

  run(params: VordrCreateParams, options?: VordrCallOptions): Promise<VordrCreateResult> {
    return this.create('vordr_run', params, options);
  }

  async containerStart(containerId: string, options?: VordrCallOptions): Promise<VordrStartResult> {
    const tool = 'vordr_container_start';
    const result = await this.tool(tool, { containerId: checkName('containerId', containerId) }, options);
    const r = new ResultReader(tool);
    const o = r.object(result);
    return { containerId: r.string(o, 'containerId'), pid: r.number(o, 'pid'), status: r.literal(o, 'status', ['running'] as const) };
  }

  async containerStop(containerId: string, params: { readonly timeout?: number | undefined } = {}, options?: VordrCallOptions): Promise<VordrStopResult> {
    const tool = 'vordr_container_stop';
    const args: Record<string, unknown> = { containerId: checkName('containerId', containerId) };
    if (params.timeout !== undefined) args['timeout'] = checkWholeNumber('timeout', params.timeout);
    // The server waits up to the stop timeout before SIGKILL; do not give up before it does.
    const stopSeconds = params.timeout ?? SERVER_STOP_TIMEOUT_S;
    const result = await this.tool(tool, args, options, Math.max(this.timeoutMs, (stopSeconds + 5) * 1000));
    const r = new ResultReader(tool);
    const o = r.object(result);
    return { containerId: r.string(o, 'containerId'), status: r.literal(o, 'status', ['stopped'] as const) };
  }

  async containerRemove(containerId: string, params: { readonly force?: boolean | undefined } = {}, options?: VordrCallOptions): Promise<VordrRemoveResult> {
    const tool = 'vordr_container_remove';
    const args: Record<string, unknown> = { containerId: checkName('containerId', containerId) };
    if (params.force !== undefined) args['force'] = params.force;
    const result = await this.tool(tool, args, options);
    const r = new ResultReader(tool);
    const o = r.object(result);
    return { containerId: r.string(o, 'containerId'), status: r.literal(o, 'status', ['removed'] as const) };
  }

  async containerList(params: { readonly all?: boolean | undefined } = {}, options?: VordrCallOptions): Promise<readonly VordrContainerSummary[]> {
    const tool = 'vordr_container_list';
    return parseContainerList(await this.tool(tool, params.all === undefined ? {} : { all: params.all }, options), tool);
  }

  async containerInspect(containerId: string, options?: VordrCallOptions): Promise<VordrContainerDetails> {
    const tool = 'vordr_container_inspect';
    return parseContainerDetails(await this.tool(tool, { containerId: checkName('containerId', containerId) }, options), tool);
  }

  async exec(containerId: string, command: readonly string[], options?: VordrCallOptions): Promise<VordrExecResult> {
    const tool = 'vordr_exec';
    const args = { containerId: checkName('containerId', containerId), command: checkCommand('command', command, true) };
    const r = new ResultReader(tool);
    const o = r.object(await this.tool(tool, args, options));
    return { containerId: r.string(o, 'containerId'), execPid: r.number(o, 'execPid') };
  }

  async imageList(options?: VordrCallOptions): Promise<readonly VordrImage[]> {
    return parseImageList(await this.tool('vordr_image_list', {}, options), 'vordr_image_list');
  }

  async verifyImage(image: string, options?: VordrCallOptions): Promise<VordrVerifyResult> {
    return parseVerify(await this.tool('vordr_verify_image', { image: checkName('image', image) }, options), 'vordr_verify_image');
  }

  async networkList(options?: VordrCallOptions): Promise<readonly VordrNetwork[]> {
    return parseNetworkList(await this.tool('vordr_network_ls', {}, options), 'vordr_network_ls');
  }

  async networkCreate(params: VordrNetworkCreateParams, options?: VordrCallOptions): Promise<VordrNetworkCreateResult> {
    const tool = 'vordr_network_create';
    const args: Record<string, unknown> = { name: checkName('name', params?.name) };
    if (params.driver !== undefined) args['driver'] = checkName('driver', params.driver);
    if (params.subnet !== undefined) args['subnet'] = checkName('subnet', params.subnet);
    const r = new ResultReader(tool);
    const o = r.object(await this.tool(tool, args, options));
    return { name: r.string(o, 'name'), id: r.string(o, 'id'), driver: r.string(o, 'driver') };
  }

  async networkRemove(name: string, options?: VordrCallOptions): Promise<VordrNetworkRemoveResult> {
    const tool = 'vordr_network_rm';
    const r = new ResultReader(tool);
    const o = r.object(await this.tool(tool, { name: checkName('name', name) }, options));
    return { name: r.string(o, 'name'), status: r.literal(o, 'status', ['removed'] as const) };
  }

  async volumeList(options?: VordrCallOptions): Promise<readonly VordrVolumeInfo[]> {
    return parseVolumeList(await this.tool('vordr_volume_ls', {}, options), 'vordr_volume_ls');
  }

  async volumeCreate(params: VordrVolumeCreateParams, options?: VordrCallOptions): Promise<VordrVolumeCreateResult> {
    const tool = 'vordr_volume_create';
    const args: Record<string, unknown> = { name: checkName('name', params?.name) };
    if (params.driver !== undefined) {
      if (params.driver !== 'local') {
        throw new InvalidArgumentError(`vordr: driver must be "local" (the only volume driver Vörðr has), received ${JSON.stringify(params.driver)}`, { field: 'driver' });
      }
      args['driver'] = params.driver;
    }
    const r = new ResultReader(tool);
    const o = r.object(await this.tool(tool, args, options));
    return { name: r.string(o, 'name'), path: r.string(o, 'path'), driver: r.string(o, 'driver') };
  }

  async volumeRemove(name: string, options?: VordrCallOptions): Promise<VordrVolumeRemoveResult> {
    const tool = 'vordr_volume_rm';
    const r = new ResultReader(tool);
    const o = r.object(await this.tool(tool, { id: checkName('name', name) }, options));
    return { name: r.string(o, 'id'), status: r.literal(o, 'status', ['removed'] as const) };
  }

  async health(options?: VordrCallOptions): Promise<VordrHealth> {
    return parseHealth(await this.transport.get('health', { timeoutMs: this.timeoutMs, signal: options?.signal }));
  }

  async listTools(options?: VordrCallOptions): Promise<readonly VordrToolInfo[]> {
    const result = await this.transport.call('tools/list', {}, undefined, { timeoutMs: this.timeoutMs, signal: options?.signal });
    return parseToolList(result, 'tools/list');
  }

  private unsupported(operation: VordrUnsupportedOperation): Promise<never> {
    return Promise.reject(new UnsupportedOperationError('vordr', operation, { hint: HINTS[operation] }));
  }

  logs(): Promise<never> {
    return this.unsupported('logs');
  }
  top(): Promise<never> {
    return this.unsupported('top');
  }
  events(): Promise<never> {
    return this.unsupported('events');
  }
  wait(): Promise<never> {
    return this.unsupported('wait');
  }
  pause(): Promise<never> {
    return this.unsupported('pause');
  }
  unpause(): Promise<never> {
    return this.unsupported('unpause');
  }
  copy(): Promise<never> {
    return this.unsupported('copy');
  }
  ports(): Promise<never> {
    return this.unsupported('ports');
  }
  pull(): Promise<never> {
    return this.unsupported('pull');
  }
}

/**
 * Creates a {@link VordrClient} that speaks JSON-RPC 2.0 over HTTP to a Vörðr MCP server.
 * Options are checked at once: a bad `url` or `timeout` throws `InvalidArgumentError`.
 *
 * @example
 * ```ts
 * import { vordrClient } from '@selur/compose-selur';
 * const vordr = vordrClient(); // VORDR_MCP_URL, else http://localhost:8080
 * console.log(await vordr.health()); // { status: 'ok', version: '0.1.0', service: 'vordr-mcp' }
 * for (const c of await vordr.containerList({ all: true })) console.log(c.name, c.state);
 * ```
 */
export function vordrClient(options: VordrClientOptions = {}): VordrClient {
  const env = process.env['VORDR_MCP_URL'];
  const url = options.url ?? (env !== undefined && env !== '' ? env : DEFAULT_URL);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (error) {
    throw new InvalidArgumentError(`vordrClient: url must be an absolute http(s) URL such as "http://127.0.0.1:8080", received ${JSON.stringify(url)}`, { field: 'url', cause: error });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new InvalidArgumentError(`vordrClient: url must use http or https, received ${JSON.stringify(url)}`, { field: 'url' });
  }
  const timeout = options.timeout ?? DEFAULT_TIMEOUT_MS;
  if (typeof timeout !== 'number' || !Number.isFinite(timeout) || timeout < 1) {
    throw new InvalidArgumentError(`vordrClient: timeout must be a number of milliseconds ≥ 1, received ${JSON.stringify(timeout)}`, { field: 'timeout' });
  }
  if (options.fetch !== undefined && typeof options.fetch !== 'function') {
    throw new InvalidArgumentError('vordrClient: fetch must be a function', { field: 'fetch' });
  }
  return new HttpVordrClient(url, timeout, options.fetch);
}
