import {
  InvalidArgumentError,
  type SvalinnCallOptions,
  type SvalinnClient,
  type SvalinnContainer,
  type SvalinnCreateRequest,
  type SvalinnHealth,
  type SvalinnImage,
  type SvalinnImageVerifyRequest,
  type SvalinnMcpArguments,
  type SvalinnMcpTool,
  type SvalinnPolicies,
  type SvalinnReadiness,
  type SvalinnRunApi,
  type SvalinnRunRequest,
  type SvalinnRunResult,
  type SvalinnVerdict,
  type SvalinnVerifyRequest,
} from '@selur/compose';
import { isSvalinnError } from '../errors/svalinn-error.js';
import { SvalinnMcpToolError } from '../errors/svalinn-mcp-tool-error.js';
import { checkDigest, checkPolicy, runBody, specServesV2, verifyBody } from './run-request.js';
import { badResponse, type Redact } from './svalinn-errors.js';
import { SvalinnTransport, type TransportRequest, type TransportResponse } from './svalinn-transport.js';
import { readOptions } from './svalinn-options.js';
import type { SvalinnClientOptions } from './svalinn-client-options.js';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function containerPath(id: string, suffix = ''): string {
  if (typeof id !== 'string' || id.trim() === '') throw new InvalidArgumentError(`container id must be a non-empty string, got ${typeof id === 'string' ? '""' : typeof id}`, { field: 'id' });
  return `/api/v1/containers/${encodeURIComponent(id)}${suffix}`;
}

class HttpSvalinnClient implements SvalinnClient {
  readonly url: string;
  readonly #http: SvalinnTransport;
  readonly #redact: Redact;
  #runApi: SvalinnRunApi | undefined;
  readonly #autoDetect: boolean;
  #mcpId = 0;

  readonly containers: SvalinnClient['containers'];
  readonly images: SvalinnClient['images'];

  constructor(options: SvalinnClientOptions) {
    const settled = readOptions(options);
    this.url = settled.url;
    this.#http = new SvalinnTransport(settled);
    this.#redact = this.#http.redact;
    this.#autoDetect = settled.runApi === 'auto';
    this.#runApi = settled.runApi === 'auto' ? undefined : settled.runApi;
    // Every container and image route reaches Vörðr (upstream timeout). create and start are not
    // safe to repeat; stop (of a stopped container fails harmlessly), remove and verify are.
    this.containers = {
      list: async (o) => this.#list(await this.#json({ method: 'GET', path: '/api/v1/containers', upstream: true, signal: o?.signal }, 'a container list'), 'containers'),
      get: async (id, o) => await this.#object({ method: 'GET', path: containerPath(id), upstream: true, signal: o?.signal }, 'a container'),
      create: async (request: SvalinnCreateRequest, o) => {
        if (typeof request?.image !== 'string' || request.image.trim() === '') throw new InvalidArgumentError('image must be a non-empty string', { field: 'image' });
        const json = { image: request.image, ...(request.name === undefined ? {} : { name: request.name }), ...(request.config === undefined ? {} : { config: request.config }) };
        return await this.#object({ method: 'POST', path: '/api/v1/containers', json, upstream: true, idempotent: false, signal: o?.signal }, 'a container');
      },
      start: async (id, o) => await this.#object({ method: 'POST', path: containerPath(id, '/start'), upstream: true, idempotent: false, signal: o?.signal }, 'a container'),
      stop: async (id, o) => await this.#object({ method: 'POST', path: containerPath(id, '/stop'), upstream: true, idempotent: true, signal: o?.signal }, 'a container'),
      remove: async (id, o) => await this.#object({ method: 'DELETE', path: containerPath(id), upstream: true, signal: o?.signal }, 'a container'),
    };
    this.images = {
      list: async (o) => this.#list(await this.#json({ method: 'GET', path: '/api/v1/images', upstream: true, signal: o?.signal }, 'an image list'), 'images') as unknown as readonly SvalinnImage[],
      pull: async (image: string, o) => {
        if (typeof image !== 'string' || image.trim() === '') throw new InvalidArgumentError('image must be a non-empty string', { field: 'image' });
        return this.#json({ method: 'POST', path: '/api/v1/images/pull', json: { image }, upstream: true, idempotent: true, signal: o?.signal }, 'JSON');
      },
      verify: async (request: SvalinnImageVerifyRequest, o) => {
        const digest = checkDigest(request?.digest, 'digest');
        const policy = checkPolicy(request.policy);
        const json = policy === undefined ? { digest } : { digest, policy };
        return await this.#object({ method: 'POST', path: '/api/v1/images/verify', json, upstream: true, idempotent: true, signal: o?.signal }, 'a verdict');
      },
    };
  }

  get runApi(): SvalinnRunApi | undefined {
    return this.#runApi;
  }

  async health(options?: SvalinnCallOptions): Promise<SvalinnHealth> {
    const body = await this.#object({ method: 'GET', path: '/health', signal: options?.signal }, 'a health status');
    if (this.#autoDetect && this.#runApi === undefined && specServesV2(body['specVersion'])) this.#runApi = 'v2';
    return body as unknown as SvalinnHealth;
  }

  async ready(options?: SvalinnCallOptions): Promise<SvalinnReadiness> {
    const response = await this.#http.request({ method: 'GET', path: '/ready', accept: [503], retry: false, signal: options?.signal });
    const body = this.#expectRecord(response, 'GET', '/ready', '{ready, reason?}');
    return { ready: body['ready'] === true, ...(typeof body['reason'] === 'string' ? { reason: body['reason'] } : {}) };
  }

  async metrics(options?: SvalinnCallOptions): Promise<string> {
    return (await this.#http.request({ method: 'GET', path: '/metrics', signal: options?.signal })).text;
  }

  async run(request: SvalinnRunRequest, options?: SvalinnCallOptions): Promise<SvalinnRunResult> {
    if (!isRecord(request)) throw new InvalidArgumentError('run() needs a request object with imageName and imageDigest', { field: 'request' });
    const v2Body = runBody(request, 'v2'); // validates locally before anything is sent
    if (this.#runApi !== 'v1') {
      let response: TransportResponse;
      try {
        response = await this.#http.request({ method: 'POST', path: '/api/v2/run', json: v2Body, upstream: true, idempotent: false, signal: options?.signal, accept: this.#runApi === undefined ? [404] : [] });
      } catch (error) {
        // Any HTTP answer but 404 (a 400, a 409 denial…) shows the v2 route exists.
        if (isSvalinnError(error) && error.status !== undefined) this.#runApi = 'v2';
        throw error;
      }
      if (response.status !== 404) {
        this.#runApi = 'v2';
        return this.#runResult(response, '/api/v2/run');
      }
      this.#runApi = 'v1';
    }
    const response = await this.#http.request({ method: 'POST', path: '/api/v1/run', json: runBody(request, 'v1'), upstream: true, idempotent: false, signal: options?.signal });
    return this.#runResult(response, '/api/v1/run');
  }

  /** Vörðr's start result as Svalinn passes it through: `{containerId, pid, status}`. */
  #runResult(response: TransportResponse, path: string): SvalinnRunResult {
    const expected = "Vörðr's start result {containerId, pid, status}";
    const body = this.#expectRecord(response, 'POST', path, expected);
    if (typeof body['containerId'] !== 'string' || body['containerId'] === '') throw badResponse(response, { method: 'POST', path, expected, redact: this.#redact });
    return body as SvalinnRunResult;
  }

  async verify(request: SvalinnVerifyRequest, options?: SvalinnCallOptions): Promise<SvalinnVerdict> {
    if (!isRecord(request)) throw new InvalidArgumentError('verify() needs a request object with imageDigest', { field: 'request' });
    return await this.#object({ method: 'POST', path: '/api/v1/verify', json: verifyBody(request), upstream: true, idempotent: true, signal: options?.signal }, 'a verdict');
  }

  async policies(options?: SvalinnCallOptions): Promise<SvalinnPolicies> {
    return await this.#object({ method: 'GET', path: '/api/v1/policies', signal: options?.signal }, '{default, permissive}') as unknown as SvalinnPolicies;
  }

  async mcp<T extends SvalinnMcpTool>(tool: T, args?: SvalinnMcpArguments[T], options?: SvalinnCallOptions): Promise<unknown> {
    if (typeof tool !== 'string' || (tool as string) === '') throw new InvalidArgumentError('tool must be a Svalinn MCP tool name such as svalinn_ps', { field: 'tool' });
    if (args !== undefined && !isRecord(args)) throw new InvalidArgumentError(`the arguments of ${tool} must be an object`, { field: 'args' });
    const id = ++this.#mcpId;
    const json = { jsonrpc: '2.0', id, method: 'tools/call', params: { name: tool, arguments: args ?? {} } };
    const response = await this.#http.request({ method: 'POST', path: '/mcp', json, upstream: true, signal: options?.signal, retry: false });
    const body = this.#expectRecord(response, 'POST', '/mcp', 'a JSON-RPC 2.0 response');
    const error = body['error'];
    if (error !== undefined && error !== null) {
      const rpc = isRecord(error) ? error : {};
      const message = this.#redact(typeof rpc['message'] === 'string' ? rpc['message'] : JSON.stringify(error));
      const code = typeof rpc['code'] === 'number' ? rpc['code'] : undefined;
      throw new SvalinnMcpToolError(`Svalinn MCP tool '${tool}' failed${code === undefined ? '' : ` (JSON-RPC ${code})`}: ${message}`, {
        tool, toolMessage: message, rpcCode: code, status: response.status, data: this.#redact(error),
      });
    }
    const result = body['result'];
    if (!isRecord(result)) throw badResponse(response, { method: 'POST', path: '/mcp', expected: 'a JSON-RPC result', redact: this.#redact });
    const text = Array.isArray(result['content'])
      ? (result['content'] as unknown[]).filter((c): c is Record<string, unknown> => isRecord(c) && c['type'] === 'text' && typeof c['text'] === 'string').map((c) => c['text'] as string).join('\n')
      : undefined;
    if (result['isError'] === true) {
      const message = this.#redact(text !== undefined && text !== '' ? text : 'no message');
      throw new SvalinnMcpToolError(`Svalinn MCP tool '${tool}' failed: ${message}`, { tool, toolMessage: message, status: response.status, data: this.#redact(result) });
    }
    // Successes are MCP content: one text item holding JSON. Decode it; keep text that is not JSON.
    if (text === undefined) return result;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }

  async #json(request: TransportRequest, expected: string): Promise<unknown> {
    const response = await this.#http.request(request);
    if (!response.isJson) throw badResponse(response, { method: request.method, path: request.path, expected, redact: this.#redact });
    return response.json;
  }

  #expectRecord(response: TransportResponse, method: string, path: string, expected: string): Record<string, unknown> {
    if (!response.isJson || !isRecord(response.json)) throw badResponse(response, { method, path, expected, redact: this.#redact });
    return response.json;
  }

  async #object(request: TransportRequest, expected: string): Promise<Record<string, unknown>> {
    return this.#expectRecord(await this.#http.request(request), request.method, request.path, expected);
  }

  /** Lists come wrapped (`{containers: [...]}`) or bare; both are accepted. */
  #list(value: unknown, key: string): readonly Record<string, unknown>[] {
    const items = Array.isArray(value) ? value : isRecord(value) && Array.isArray(value[key]) ? (value[key] as unknown[]) : [];
    return items.filter(isRecord);
  }
}

/**
 * Creates a client for the Svalinn gateway over HTTP (ky). Defaults come from `SVALINN_URL`,
 * `SVALINN_TOKEN` and `SVALINN_API_KEY`; the token and key are sent as `Authorization: Bearer` and
 * `X-API-Key` and never appear in errors or logs. Transient failures (503, refused connections) are
 * retried with exponential backoff; a 409 policy denial never is.
 *
 * @example
 * ```ts
 * import { svalinnClient, isPolicyDeniedError } from '@selur/compose-selur';
 * const svalinn = svalinnClient({ url: 'http://127.0.0.1:8000', retry: { limit: 3 } });
 * try {
 *   await svalinn.run({ imageName: 'ghcr.io/acme/api:1.2', imageDigest, name: 'shop_api_1', config: { env: { PORT: '80' } } });
 * } catch (error) {
 *   if (isPolicyDeniedError(error)) console.error('refused by policy', error.rokur);
 * }
 * ```
 */
export function svalinnClient(options: SvalinnClientOptions = {}): SvalinnClient {
  return new HttpSvalinnClient(options);
}
