import http from 'node:http';
import type { Readable } from 'node:stream';
import { DockerDaemonUnreachableError } from '../errors/docker-daemon-unreachable-error.js';
import { DockerEngineError } from '../errors/docker-engine-error.js';
import { InvalidArgumentError } from '@selur/compose';
import type { EngineAddress } from './docker-host.js';

/** Query values; `undefined` entries are left out, objects are sent as JSON (filters, buildargs). */
export type Query = Readonly<Record<string, string | number | boolean | object | undefined>>;

/** Options of one engine request. */
export interface EngineRequestOptions {
  readonly query?: Query | undefined;
  /** A JSON body (serialised) or a raw stream (sent as is with `contentType`). */
  readonly body?: unknown;
  readonly stream?: Readable | undefined;
  readonly contentType?: string | undefined;
  readonly headers?: Readonly<Record<string, string>> | undefined;
  /** Abort the request after this long (ms). @default 60_000 for plain requests, none for streams */
  readonly timeoutMs?: number | undefined;
  readonly signal?: AbortSignal | undefined;
  /** Use a fresh connection instead of the keep-alive pool (long-lived or hijacked streams). */
  readonly dedicated?: boolean | undefined;
}

/** A buffered answer. */
export interface EngineResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
}

const DEFAULT_TIMEOUT_MS = 60_000;

/**
 * A minimal Docker Engine API client over node:http (unix socket or TCP), with API version
 * negotiation through `/_ping`. @internal
 */
export class EngineClient {
  private readonly agent: http.Agent;
  private version: Promise<string> | undefined;

  /** @throws {@link InvalidArgumentError} (field `apiVersion`) for a version that is not `MAJOR.MINOR`. */
  constructor(
    readonly address: EngineAddress,
    private readonly requestedVersion: string | undefined,
  ) {
    if (requestedVersion !== undefined && !/^\d+\.\d+$/.test(requestedVersion)) {
      throw new InvalidArgumentError(`apiVersion must look like '1.41', got '${requestedVersion}'`, { field: 'apiVersion' });
    }
    this.agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
  }

  /** The API version in use (`1.41`), negotiated once. */
  apiVersion(): Promise<string> {
    this.version ??= this.negotiate();
    return this.version;
  }

  /**
   * Starts the version negotiation now (its `/_ping` opens the first pooled connection), so that
   * the first request does not wait for it. A failure is not kept: the next request negotiates
   * afresh (and says why it cannot).
   *
   * @example
   * ```ts
   * const client = new EngineClient(resolveEngineAddress(undefined), undefined);
   * client.prefetch(); // the ping goes out while the caller reads its files
   * const containers = await client.json('GET', '/containers/json');
   * ```
   */
  prefetch(): void {
    if (this.version !== undefined) return;
    const negotiation = this.negotiate();
    this.version = negotiation;
    negotiation.catch(() => {
      if (this.version === negotiation) this.version = undefined;
    });
  }

  private async negotiate(): Promise<string> {
    if (this.requestedVersion !== undefined) return this.requestedVersion;
    const ping = await this.send('GET', '/_ping', { timeoutMs: 10_000 }, false);
    ping.resume();
    const header = ping.headers['api-version'];
    const server = typeof header === 'string' && /^\d+\.\d+$/.test(header) ? header : '1.41';
    return compareVersions(server, '1.41') < 0 ? server : '1.41';
  }

  /** Sends a request and buffers the answer, whatever its status. */
  async call(method: string, path: string, options: EngineRequestOptions = {}): Promise<EngineResponse> {
    const response = await this.send(method, path, { ...options, timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS });
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of response) chunks.push(chunk as Buffer);
    } catch (error) {
      throw this.connectionError(error);
    }
    return { status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) };
  }

  /** Sends a request, returns the parsed JSON answer; throws a {@link DockerEngineError} on status >= 400. */
  async json<T>(method: string, path: string, options: EngineRequestOptions = {}): Promise<T> {
    const response = await this.call(method, path, options);
    if (response.status >= 400) throw engineError(method, path, response.status, response.body);
    if (response.body.length === 0) return undefined as T;
    return JSON.parse(response.body.toString('utf8')) as T;
  }

  /** Sends a request and hands back the live response (logs, build, pull, exec); throws on status >= 400. */
  async stream(method: string, path: string, options: EngineRequestOptions = {}): Promise<http.IncomingMessage> {
    const response = await this.send(method, path, { ...options, dedicated: options.dedicated ?? true });
    const status = response.statusCode ?? 0;
    if (status >= 400) {
      const chunks: Buffer[] = [];
      for await (const chunk of response) chunks.push(chunk as Buffer);
      throw engineError(method, path, status, Buffer.concat(chunks));
    }
    return response;
  }

  private async send(method: string, path: string, options: EngineRequestOptions, versioned = true): Promise<http.IncomingMessage> {
    const prefix = versioned ? `/v${await this.apiVersion()}` : '';
    const url = prefix + path + queryString(options.query);
    const headers: Record<string, string> = { ...options.headers };
    let payload: Buffer | undefined;
    if (options.body !== undefined) {
      payload = Buffer.from(JSON.stringify(options.body), 'utf8');
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(payload.length);
    } else if (options.stream !== undefined) {
      headers['content-type'] = options.contentType ?? 'application/octet-stream';
    }
    const target =
      this.address.kind === 'unix' ? { socketPath: this.address.socketPath } : { host: this.address.host, port: this.address.port };
    return new Promise<http.IncomingMessage>((resolve, reject) => {
      const requestOptions: http.RequestOptions & { readonly servername: string } = {
        ...target,
        method,
        path: url,
        headers: { host: 'docker', ...headers },
        agent: options.dedicated ? false : this.agent,
        // A TLS server name (this client speaks plain HTTP): given, Node's agent does not derive
        // one from the host header through net.isIP, whose first call compiles a large regular
        // expression (~13 ms of a CLI process's start).
        servername: '',
        signal: options.signal,
      };
      const request = http.request(requestOptions);
      let timer: NodeJS.Timeout | undefined;
      if (options.timeoutMs !== undefined && options.timeoutMs > 0) {
        timer = setTimeout(() => request.destroy(new Error(`timed out after ${options.timeoutMs} ms`)), options.timeoutMs);
        timer.unref();
      }
      const clear = () => {
        if (timer) clearTimeout(timer);
      };
      request.on('response', (response) => {
        response.on('end', clear);
        response.on('close', clear);
        resolve(response);
      });
      request.on('error', (error) => {
        clear();
        reject(this.connectionError(error, options.signal));
      });
      if (payload !== undefined) request.end(payload);
      else if (options.stream !== undefined) {
        options.stream.on('error', (error) => request.destroy(error));
        options.stream.pipe(request);
      } else request.end();
    });
  }

  private connectionError(error: unknown, signal?: AbortSignal): unknown {
    if (signal?.aborted) return signal.reason ?? error;
    const code = (error as { code?: unknown } | null)?.code;
    if (code === 'ECONNREFUSED' || code === 'ENOENT' || code === 'EACCES' || code === 'EHOSTUNREACH' || code === 'ENOTFOUND') {
      return new DockerDaemonUnreachableError(this.address.display, { cause: error, detail: String(code) });
    }
    if (error instanceof Error && /timed out after/.test(error.message)) {
      return new DockerDaemonUnreachableError(this.address.display, { cause: error, detail: error.message });
    }
    return error;
  }

  /** Closes pooled connections. */
  close(): void {
    this.agent.destroy();
  }
}

function queryString(query: Query | undefined): string {
  if (query === undefined) return '';
  const parts: string[] = [];
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    const text = typeof value === 'object' ? JSON.stringify(value) : typeof value === 'boolean' ? (value ? '1' : '0') : String(value);
    parts.push(`${encodeURIComponent(key)}=${encodeURIComponent(text)}`);
  }
  return parts.length === 0 ? '' : `?${parts.join('&')}`;
}

/** The engine's `{"message": ...}` text, or the raw body. @internal */
export function engineMessage(body: Buffer): string {
  const text = body.toString('utf8').trim();
  try {
    const parsed = JSON.parse(text) as { message?: unknown };
    if (typeof parsed.message === 'string') return parsed.message;
  } catch {
    // not JSON
  }
  return text.slice(0, 500) || '(no message)';
}

function engineError(method: string, path: string, status: number, body: Buffer): DockerEngineError {
  return new DockerEngineError(status, `${method} ${path.split('?')[0]}`, engineMessage(body));
}

/** Compares dotted versions numerically. @internal */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
