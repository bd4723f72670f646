/**
 * JSON-RPC 2.0 over HTTP for Vörðr, with ky: one POST per call, incrementing ids, and every
 * failure mapped to a typed error. Internal: used by `vordr-http-client.ts`.
 *
 * Hostile-server rules: exactly one HTTP request per call — nothing is retried (a `tools/call` of
 * `vordr_container_create` or `vordr_container_start` is not idempotent, and the client cannot tell
 * which calls the server already acted on), so a 503 is reported, never repeated; redirects are
 * never followed (a 3xx is a typed error naming the location: following would re-send a POST body,
 * or turn it into a GET, at another address); a body is read only up to `maxResponseBytes` (a
 * declared or actual larger one is a typed error, the rest is not read); every request is bounded
 * by the timeout, body included.
 */
import ky from 'ky';
import { UnsupportedOperationError, type Redactor } from '@selur/compose';
import { VordrError } from '../errors/vordr-error.js';
import { VordrProtocolError, type VordrProtocolErrorReason } from '../errors/vordr-protocol-error.js';
import { VordrUnavailableError } from '../errors/vordr-unavailable-error.js';

/** What one request needs. */
interface RequestOptions {
  readonly timeoutMs: number;
  readonly signal?: AbortSignal | undefined;
  /** Redacts known secrets; applied to server text before it is cut to an excerpt (so no secret is cut in half and half shown). */
  readonly redact?: Redactor | undefined;
}

/** How much of an HTTP error body is read (only its start is shown). */
const ERROR_BODY_BYTES = 64 * 1024;

/** A body read up to a limit. */
interface CappedBody {
  readonly text: string;
  /** False when the body was longer than the limit (the rest was not read). */
  readonly complete: boolean;
}

/** Reads at most `max` bytes of a body, then cancels it. Bounded in bytes here, in time by the request's abort signal. */
async function readCapped(response: Response, max: number): Promise<CappedBody> {
  const reader = response.body?.getReader();
  if (reader === undefined) return { text: '', complete: true };
  const chunks: Uint8Array[] = [];
  let total = 0;
  let complete = true;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (total + value.length > max) {
      chunks.push(value.subarray(0, max - total));
      complete = false;
      await reader.cancel().catch(() => undefined);
      break;
    }
    chunks.push(value);
    total += value.length;
  }
  return { text: Buffer.concat(chunks).toString('utf8'), complete };
}

const PROTOCOL_CODES: Readonly<Record<number, VordrProtocolErrorReason>> = {
  [-32700]: 'parse-error',
  [-32600]: 'invalid-request',
  [-32601]: 'method-not-found',
  [-32602]: 'invalid-params',
};

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Cut to 200 characters: always applied after redaction. */
const snippet = (text: string): string => (text.length > 200 ? `${text.slice(0, 200)}…` : text);
const same: Redactor = (text) => text;

/** Sends JSON-RPC requests and GETs to one Vörðr server. */
export class VordrTransport {
  private nextId = 0;

  constructor(
    readonly url: string,
    private readonly fetchImpl: typeof globalThis.fetch | undefined,
    private readonly maxResponseBytes: number,
  ) {}

  /** `tools/call` of `tool`; resolves with the `result`. */
  callTool(tool: string, args: Record<string, unknown>, options: RequestOptions): Promise<unknown> {
    return this.call('tools/call', { name: tool, arguments: args }, tool, options);
  }

  /** A JSON-RPC call; resolves with the `result`. */
  async call(method: string, params: Record<string, unknown>, tool: string | undefined, options: RequestOptions): Promise<unknown> {
    this.nextId += 1;
    const id = this.nextId;
    const text = await this.send(this.url, 'post', { jsonrpc: '2.0', id, method, params }, options, { method, tool });
    const envelope = this.parseJson(text, method, tool, options.redact);
    return this.unwrap(envelope, id, method, tool, options.redact);
  }

  /** `GET <url>/<path>`; resolves with the parsed JSON body. */
  async get(path: string, options: RequestOptions): Promise<unknown> {
    const base = this.url.endsWith('/') ? this.url : `${this.url}/`;
    const text = await this.send(new URL(path, base).href, 'get', undefined, options, { method: `GET /${path}`, tool: undefined });
    return this.parseJson(text, `GET /${path}`, undefined, options.redact);
  }

  private async send(url: string, verb: 'get' | 'post', json: unknown, options: RequestOptions, call: { method: string; tool: string | undefined }): Promise<string> {
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
        redirect: 'manual',
        throwHttpErrors: false,
        ...(this.fetchImpl === undefined ? {} : { fetch: this.fetchImpl }),
      });
      if (response.status >= 300 && response.status < 400) {
        await response.body?.cancel().catch(() => undefined);
        throw this.redirectError(url, verb, response);
      }
      if (!response.ok) throw this.httpError(url, response.status, (options.redact ?? same)((await readCapped(response, ERROR_BODY_BYTES)).text));
      const declared = Number(response.headers.get('content-length') ?? Number.NaN);
      if (declared > this.maxResponseBytes) {
        await response.body?.cancel().catch(() => undefined);
        throw this.oversized(url, `declares ${declared} bytes, more`, call);
      }
      const body = await readCapped(response, this.maxResponseBytes);
      if (!body.complete) throw this.oversized(url, 'is longer', call);
      return body.text;
    } catch (error) {
      if (error instanceof VordrUnavailableError || error instanceof VordrProtocolError) throw error;
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

  private redirectError(url: string, verb: 'get' | 'post', response: Response): VordrUnavailableError {
    const location = withoutUserinfo(response.headers.get('location') ?? '', url);
    const to = location === '' ? 'without a Location' : `to ${location}`;
    return new VordrUnavailableError(
      `Vörðr at ${url} answered ${verb.toUpperCase()} with HTTP ${response.status}, a redirect ${to}: the client never follows redirects ` +
        '(a POST would be re-sent, or turned into a GET, at another address); set VORDR_MCP_URL (or `url`) to the server\'s own address if you trust it',
      { reason: 'redirect', url, status: response.status, location },
    );
  }

  private oversized(url: string, what: string, call: { method: string; tool: string | undefined }): VordrProtocolError {
    return new VordrProtocolError(
      `Vörðr at ${url} sent a response that ${what} than the client's limit of ${this.maxResponseBytes} bytes; it was not read whole. ` +
        'Check that VORDR_MCP_URL points at Vörðr, or raise the `maxResponseBytes` option',
      { reason: 'oversized-response', method: call.method, tool: call.tool },
    );
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

  private parseJson(text: string, method: string, tool: string | undefined, redact: Redactor = same): unknown {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      // No cause: JSON.parse's message quotes the body, and the snippet below is all that is shown of it.
      throw new VordrProtocolError(
        `Vörðr at ${this.url} answered ${method} with a body that is not JSON (${snippet(JSON.stringify(redact(text.slice(0, ERROR_BODY_BYTES))))}): check that VORDR_MCP_URL points at Vörðr`,
        { reason: 'malformed-response', method, tool },
      );
    }
  }

  private unwrap(envelope: unknown, id: number, method: string, tool: string | undefined, redact: Redactor = same): unknown {
    const shown = (value: unknown): string => snippet(redact(JSON.stringify(value) ?? 'undefined'));
    const malformed = (what: string): VordrProtocolError =>
      new VordrProtocolError(`Vörðr answered ${tool ?? method} with a malformed JSON-RPC response: ${what}`, {
        reason: 'malformed-response',
        method,
        tool,
      });
    if (!isRecord(envelope)) throw malformed('expected a JSON object');
    if (envelope['jsonrpc'] !== '2.0') throw malformed(`"jsonrpc" is ${shown(envelope['jsonrpc'])}, expected "2.0"`);
    const error = envelope['error'];
    // Both keys are always present, one of them null: test the value, not the key.
    if (error != null) throw this.rpcError(error, method, tool, malformed);
    if (envelope['id'] !== id) throw malformed(`"id" is ${shown(envelope['id'])}, expected ${id}`);
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

/** A Location header resolved against the request URL, without user name or password. */
function withoutUserinfo(location: string, base: string): string {
  if (location === '') return '';
  try {
    const parsed = new URL(location, base);
    parsed.username = '';
    parsed.password = '';
    return parsed.href;
  } catch {
    return snippet(location.replace(/\/\/[^/@]*@/, '//'));
  }
}
