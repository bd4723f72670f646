/**
 * JSON-RPC 2.0 over HTTP for Vörðr, with ky: one POST per call, incrementing ids, and every
 * failure mapped to a typed error. Internal: used by `vordr-http-client.ts`.
 */
import ky from 'ky';
import { UnsupportedOperationError } from '@selur/compose';
import { VordrError } from '../errors/vordr-error.js';
import { VordrProtocolError, type VordrProtocolErrorReason } from '../errors/vordr-protocol-error.js';
import { VordrUnavailableError } from '../errors/vordr-unavailable-error.js';

/** What one request needs. */
interface RequestOptions {
  readonly timeoutMs: number;
  readonly signal?: AbortSignal | undefined;
}

const PROTOCOL_CODES: Readonly<Record<number, VordrProtocolErrorReason>> = {
  [-32700]: 'parse-error',
  [-32600]: 'invalid-request',
  [-32601]: 'method-not-found',
  [-32602]: 'invalid-params',
};

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const snippet = (text: string): string => (text.length > 200 ? `${text.slice(0, 200)}…` : text);

/** Sends JSON-RPC requests and GETs to one Vörðr server. */
export class VordrTransport {
  private nextId = 0;

  constructor(
    readonly url: string,
    private readonly fetchImpl: typeof globalThis.fetch | undefined,
  ) {}

  /** `tools/call` of `tool`; resolves with the `result`. */
  callTool(tool: string, args: Record<string, unknown>, options: RequestOptions): Promise<unknown> {
    return this.call('tools/call', { name: tool, arguments: args }, tool, options);
  }

  /** A JSON-RPC call; resolves with the `result`. */
  async call(method: string, params: Record<string, unknown>, tool: string | undefined, options: RequestOptions): Promise<unknown> {
    this.nextId += 1;
    const id = this.nextId;
    const text = await this.send(this.url, 'post', { jsonrpc: '2.0', id, method, params }, options);
    const envelope = this.parseJson(text, method, tool);
    return this.unwrap(envelope, id, method, tool);
  }

  /** `GET <url>/<path>`; resolves with the parsed JSON body. */
  async get(path: string, options: RequestOptions): Promise<unknown> {
    const base = this.url.endsWith('/') ? this.url : `${this.url}/`;
    const text = await this.send(new URL(path, base).href, 'get', undefined, options);
    return this.parseJson(text, `GET /${path}`, undefined);
  }

  private async send(url: string, verb: 'get' | 'post', json: unknown, options: RequestOptions): Promise<string> {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new Error('timeout'));
    }, options.timeoutMs);
    const onAbort = (): void => controller.abort(options.signal?.reason);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      options.signal?.throwIfAborted();
      const response = await ky(url, {
        method: verb,
        ...(json === undefined ? {} : { json }),
        headers: { accept: 'application/json' },
        signal: controller.signal,
        timeout: false,
        retry: 0,
        throwHttpErrors: false,
        ...(this.fetchImpl === undefined ? {} : { fetch: this.fetchImpl }),
      });
      const text = await response.text();
      if (!response.ok) throw this.httpError(url, response.status, text);
      return text;
    } catch (error) {
      if (error instanceof VordrUnavailableError) throw error;
      if (timedOut) {
        throw new VordrUnavailableError(
          `Vörðr at ${url} did not answer within ${options.timeoutMs} ms: check that the server is healthy, or raise the client's \`timeout\` option`,
          { reason: 'timeout', url, timeoutMs: options.timeoutMs, cause: error },
        );
      }
      if (options.signal?.aborted) throw options.signal.reason;
      throw this.connectionError(url, error);
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
    }
  }

  private httpError(url: string, status: number, body: string): VordrUnavailableError {
    let hint: string;
    if (status === 404 || status === 405) {
      hint = 'nothing serves JSON-RPC there: set VORDR_MCP_URL (or `url`) to the root of the Vörðr MCP server (it has no REST API)';
    } else if (status === 400 || status === 415 || status === 422) {
      hint = 'the server rejected the request body; this is a client bug, please report it with the body below';
    } else if (status >= 500) {
      hint = "the server failed; check Vörðr's logs and retry";
    } else {
      hint = 'unexpected HTTP status; check that VORDR_MCP_URL points at Vörðr';
    }
    const shown = body.trim() === '' ? '' : ` (body: ${snippet(body.trim())})`;
    return new VordrUnavailableError(`Vörðr at ${url} answered HTTP ${status}: ${hint}${shown}`, {
      reason: 'http',
      url,
      status,
      body: snippet(body),
    });
  }

  private connectionError(url: string, error: unknown): VordrUnavailableError {
    const cause = isRecord(error) && isRecord(error['cause']) ? error['cause'] : undefined;
    const code = cause !== undefined && typeof cause['code'] === 'string' ? cause['code'] : undefined;
    const detail = code ?? (error instanceof Error ? error.message : String(error));
    return new VordrUnavailableError(
      `cannot reach Vörðr at ${url} (${detail}): start the server (vordr serve) or set VORDR_MCP_URL to its address`,
      { reason: 'connection', url, cause: error },
    );
  }

  private parseJson(text: string, method: string, tool: string | undefined): unknown {
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      throw new VordrProtocolError(
        `Vörðr at ${this.url} answered ${method} with a body that is not JSON (${snippet(JSON.stringify(text))}): check that VORDR_MCP_URL points at Vörðr`,
        { reason: 'malformed-response', method, tool, cause: error },
      );
    }
  }

  private unwrap(envelope: unknown, id: number, method: string, tool: string | undefined): unknown {
    const malformed = (what: string): VordrProtocolError =>
      new VordrProtocolError(`Vörðr answered ${tool ?? method} with a malformed JSON-RPC response: ${what}`, {
        reason: 'malformed-response',
        method,
        tool,
      });
    if (!isRecord(envelope)) throw malformed('expected a JSON object');
    if (envelope['jsonrpc'] !== '2.0') throw malformed(`"jsonrpc" is ${JSON.stringify(envelope['jsonrpc'])}, expected "2.0"`);
    const error = envelope['error'];
    // Both keys are always present, one of them null: test the value, not the key.
    if (error != null) throw this.rpcError(error, method, tool, malformed);
    if (envelope['id'] !== id) throw malformed(`"id" is ${JSON.stringify(envelope['id'])}, expected ${id}`);
    if (!('result' in envelope) || envelope['result'] === undefined) throw malformed('neither "result" nor "error" is set');
    return envelope['result'];
  }

  private rpcError(error: unknown, method: string, tool: string | undefined, malformed: (what: string) => VordrProtocolError): Error {
    if (!isRecord(error) || typeof error['code'] !== 'number' || typeof error['message'] !== 'string') {
      return malformed('"error" is not {code: number, message: string}');
    }
    const code = error['code'];
    const message = error['message'];
    const reason = PROTOCOL_CODES[code];
    if (reason !== undefined) {
      const what =
        reason === 'method-not-found'
          ? `Vörðr does not serve the JSON-RPC method '${method}' (it serves only tools/list and tools/call)`
          : `Vörðr rejected the '${method}' request as ${reason.replace('-', ' ')}`;
      return new VordrProtocolError(
        `${what} (JSON-RPC ${code}: ${message}): check that VORDR_MCP_URL points at Vörðr and that client and server versions match`,
        { reason, method, tool, rpcCode: code },
      );
    }
    const toolName = tool ?? method;
    const failure = new VordrError(toolName, code, message, { data: error['data'] });
    if (tool !== undefined && /unknown tool/i.test(message)) {
      return new UnsupportedOperationError('vordr', tool, {
        hint: `the server does not implement the tool (${message})`,
        cause: failure,
      });
    }
    return failure;
  }
}
