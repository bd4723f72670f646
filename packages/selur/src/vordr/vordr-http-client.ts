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
import { envValues, redactorFor, scrubError } from './vordr-redact.js';
import { VordrTransport } from './vordr-transport.js';
import type { VordrClientOptions } from './vordr-options.js';

const DEFAULT_URL = 'http://localhost:8080';
const DEFAULT_TIMEOUT_MS = 30_000;
/** The default of `maxResponseBytes`: far above any real Vörðr answer, far below what would hurt. */
const DEFAULT_MAX_RESPONSE_BYTES = 4 * 1024 * 1024;
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
    maxResponseBytes: number,
    private readonly secrets: readonly string[],
  ) {
    this.transport = new VordrTransport(url, fetchImpl, maxResponseBytes);
  }

  /** Runs one call; whatever typed error it rejects with has every known secret redacted. */
  private async guarded<T>(work: () => Promise<T>, extraSecrets: readonly string[] = []): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw scrubError(error, redactorFor(this.secrets, extraSecrets));
    }
  }

  private tool(name: string, args: Record<string, unknown>, options: VordrCallOptions | undefined, timeoutMs = this.timeoutMs, extraSecrets: readonly string[] = []): Promise<unknown> {
    return this.transport.callTool(name, args, { timeoutMs, signal: options?.signal, redact: redactorFor(this.secrets, extraSecrets) });
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

  /** `vordr_container_create` / `vordr_run`: not idempotent, sent once; errors redact every `config.env` value. */
  private create(tool: string, params: VordrCreateParams, options: VordrCallOptions | undefined): Promise<VordrCreateResult> {
    return this.guarded(async () => {
      const result = await this.tool(tool, this.createArgs(params), options, this.timeoutMs, envValues(params));
      const r = new ResultReader(tool);
      const o = r.object(result);
      return {
        containerId: r.string(o, 'containerId'),
        name: r.string(o, 'name'),
        image: r.string(o, 'image'),
        status: r.literal(o, 'status', ['running', 'created'] as const),
      };
    }, envValues(params));
  }

  containerCreate(params: VordrCreateParams, options?: VordrCallOptions): Promise<VordrCreateResult> {
    return this.create('vordr_container_create', params, options);
  }

  run(params: VordrCreateParams, options?: VordrCallOptions): Promise<VordrCreateResult> {
    return this.create('vordr_run', params, options);
  }

  containerStart(containerId: string, options?: VordrCallOptions): Promise<VordrStartResult> {
    return this.guarded(async () => {
      const tool = 'vordr_container_start';
      const result = await this.tool(tool, { containerId: checkName('containerId', containerId) }, options);
      const r = new ResultReader(tool);
      const o = r.object(result);
      return { containerId: r.string(o, 'containerId'), pid: r.number(o, 'pid'), status: r.literal(o, 'status', ['running'] as const) };
    });
  }

  containerStop(containerId: string, params: { readonly timeout?: number | undefined } = {}, options?: VordrCallOptions): Promise<VordrStopResult> {
    return this.guarded(async () => {
      const tool = 'vordr_container_stop';
      const args: Record<string, unknown> = { containerId: checkName('containerId', containerId) };
      if (params.timeout !== undefined) args['timeout'] = checkWholeNumber('timeout', params.timeout);
      // The server waits up to the stop timeout before SIGKILL; do not give up before it does.
      const stopSeconds = params.timeout ?? SERVER_STOP_TIMEOUT_S;
      const result = await this.tool(tool, args, options, Math.max(this.timeoutMs, (stopSeconds + 5) * 1000));
      const r = new ResultReader(tool);
      const o = r.object(result);
      return { containerId: r.string(o, 'containerId'), status: r.literal(o, 'status', ['stopped'] as const) };
    });
  }

  containerRemove(containerId: string, params: { readonly force?: boolean | undefined } = {}, options?: VordrCallOptions): Promise<VordrRemoveResult> {
    return this.guarded(async () => {
      const tool = 'vordr_container_remove';
      const args: Record<string, unknown> = { containerId: checkName('containerId', containerId) };
      if (params.force !== undefined) args['force'] = params.force;
      const result = await this.tool(tool, args, options);
      const r = new ResultReader(tool);
      const o = r.object(result);
      return { containerId: r.string(o, 'containerId'), status: r.literal(o, 'status', ['removed'] as const) };
    });
  }

  containerList(params: { readonly all?: boolean | undefined } = {}, options?: VordrCallOptions): Promise<readonly VordrContainerSummary[]> {
    return this.guarded(async () => {
      const tool = 'vordr_container_list';
      return parseContainerList(await this.tool(tool, params.all === undefined ? {} : { all: params.all }, options), tool);
    });
  }

  containerInspect(containerId: string, options?: VordrCallOptions): Promise<VordrContainerDetails> {
    return this.guarded(async () => {
      const tool = 'vordr_container_inspect';
      return parseContainerDetails(await this.tool(tool, { containerId: checkName('containerId', containerId) }, options), tool);
    });
  }

  exec(containerId: string, command: readonly string[], options?: VordrCallOptions): Promise<VordrExecResult> {
    return this.guarded(async () => {
      const tool = 'vordr_exec';
      const args = { containerId: checkName('containerId', containerId), command: checkCommand('command', command, true) };
      const r = new ResultReader(tool);
      const o = r.object(await this.tool(tool, args, options));
      return { containerId: r.string(o, 'containerId'), execPid: r.number(o, 'execPid') };
    });
  }

  imageList(options?: VordrCallOptions): Promise<readonly VordrImage[]> {
    return this.guarded(async () => {
      return parseImageList(await this.tool('vordr_image_list', {}, options), 'vordr_image_list');
    });
  }

  verifyImage(image: string, options?: VordrCallOptions): Promise<VordrVerifyResult> {
    return this.guarded(async () => {
      return parseVerify(await this.tool('vordr_verify_image', { image: checkName('image', image) }, options), 'vordr_verify_image');
    });
  }

  networkList(options?: VordrCallOptions): Promise<readonly VordrNetwork[]> {
    return this.guarded(async () => {
      return parseNetworkList(await this.tool('vordr_network_ls', {}, options), 'vordr_network_ls');
    });
  }

  networkCreate(params: VordrNetworkCreateParams, options?: VordrCallOptions): Promise<VordrNetworkCreateResult> {
    return this.guarded(async () => {
      const tool = 'vordr_network_create';
      const args: Record<string, unknown> = { name: checkName('name', params?.name) };
      if (params.driver !== undefined) args['driver'] = checkName('driver', params.driver);
      if (params.subnet !== undefined) args['subnet'] = checkName('subnet', params.subnet);
      const r = new ResultReader(tool);
      const o = r.object(await this.tool(tool, args, options));
      return { name: r.string(o, 'name'), id: r.string(o, 'id'), driver: r.string(o, 'driver') };
    });
  }

  networkRemove(name: string, options?: VordrCallOptions): Promise<VordrNetworkRemoveResult> {
    return this.guarded(async () => {
      const tool = 'vordr_network_rm';
      const r = new ResultReader(tool);
      const o = r.object(await this.tool(tool, { name: checkName('name', name) }, options));
      return { name: r.string(o, 'name'), status: r.literal(o, 'status', ['removed'] as const) };
    });
  }

  volumeList(options?: VordrCallOptions): Promise<readonly VordrVolumeInfo[]> {
    return this.guarded(async () => {
      return parseVolumeList(await this.tool('vordr_volume_ls', {}, options), 'vordr_volume_ls');
    });
  }

  volumeCreate(params: VordrVolumeCreateParams, options?: VordrCallOptions): Promise<VordrVolumeCreateResult> {
    return this.guarded(async () => {
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
    });
  }

  volumeRemove(name: string, options?: VordrCallOptions): Promise<VordrVolumeRemoveResult> {
    return this.guarded(async () => {
      const tool = 'vordr_volume_rm';
      const r = new ResultReader(tool);
      const o = r.object(await this.tool(tool, { id: checkName('name', name) }, options));
      return { name: r.string(o, 'id'), status: r.literal(o, 'status', ['removed'] as const) };
    });
  }

  health(options?: VordrCallOptions): Promise<VordrHealth> {
    return this.guarded(async () => {
      return parseHealth(await this.transport.get('health', { timeoutMs: this.timeoutMs, signal: options?.signal, redact: redactorFor(this.secrets) }));
    });
  }

  listTools(options?: VordrCallOptions): Promise<readonly VordrToolInfo[]> {
    return this.guarded(async () => {
      const result = await this.transport.call('tools/list', {}, undefined, { timeoutMs: this.timeoutMs, signal: options?.signal, redact: redactorFor(this.secrets) });
      return parseToolList(result, 'tools/list');
    });
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
 * Options are checked at once: a bad `url` or `timeout` throws `InvalidArgumentError`, and so does a
 * URL with a user name or password (Vörðr has no authentication; the URL in the error is redacted).
 *
 * Against a misbehaving server: each call sends exactly one request and is never retried (a 503
 * is reported, so a `container_create` or `container_start` is never sent twice); a redirect is never
 * followed (`VordrUnavailableError`, reason `redirect`, naming the location); a body larger than
 * `maxResponseBytes` is not read whole (`VordrProtocolError`, reason `oversized-response`); and every
 * error has the `secrets` option's values, and a create call's `config.env` values, redacted from
 * its message and fields (the core's `secretRedactor`, marker `[redacted]`).
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
  if (parsed.username !== '' || parsed.password !== '') {
    // Refused, not stripped: Vörðr has no authentication, so credentials here are a mistake (or meant for a
    // proxy that fetch would not send them to), and they must not travel on, nor appear in errors.
    parsed.username = '';
    parsed.password = '';
    throw new InvalidArgumentError(
      `vordrClient: url must not contain a user name or password (Vörðr has no authentication, and credentials in a URL end up in logs and errors); received "${parsed.protocol}//[redacted]@${parsed.host}${parsed.pathname}"`,
      { field: 'url' },
    );
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
  const maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  if (!Number.isSafeInteger(maxResponseBytes) || maxResponseBytes < 1) {
    throw new InvalidArgumentError(`vordrClient: maxResponseBytes must be a whole number of bytes ≥ 1, received ${JSON.stringify(maxResponseBytes)}`, { field: 'maxResponseBytes' });
  }
  const secrets = options.secrets ?? [];
  if (!Array.isArray(secrets) || secrets.some((value) => value !== undefined && typeof value !== 'string')) {
    throw new InvalidArgumentError('vordrClient: secrets must be an array of strings (the values to redact from errors)', { field: 'secrets' });
  }
  return new HttpVordrClient(url, timeout, options.fetch, maxResponseBytes, secrets.filter((value): value is string => typeof value === 'string' && value !== ''));
}
