import ky, { TimeoutError, type KyInstance } from 'ky';
import { SvalinnUnavailableError } from '../errors/svalinn-unavailable-error.js';
import { SvalinnTimeoutError } from '../errors/svalinn-timeout-error.js';
import { SvalinnRedirectError } from '../errors/svalinn-redirect-error.js';
import { SvalinnResponseTooLargeError } from '../errors/svalinn-response-too-large-error.js';
import { errorFromResponse, redactor, type Redact } from './svalinn-errors.js';
import type { SvalinnLogEvent } from './svalinn-client-options.js';

/** @internal Settled options of the transport. */
export interface TransportOptions {
  readonly url: string;
  readonly token: string | undefined;
  readonly apiKey: string | undefined;
  /** Other values to redact from every error (the caller's known secrets). */
  readonly secrets: readonly string[];
  /** Per-attempt timeout of calls Svalinn answers alone. */
  readonly timeout: number;
  /** Per-attempt timeout of calls Svalinn forwards to Vörðr. */
  readonly upstreamTimeout: number;
  readonly retryLimit: number;
  readonly retryDelayMs: number;
  readonly retryMaxDelayMs: number;
  /** The most bytes of one answer the client reads. */
  readonly maxResponseBytes: number;
  readonly fetch: typeof fetch | undefined;
  readonly logger: ((event: SvalinnLogEvent) => void) | undefined;
}

/** @internal One request. */
export interface TransportRequest {
  readonly method: 'GET' | 'POST' | 'DELETE';
  /** Path relative to the base URL, with a leading slash. */
  readonly path: string;
  readonly json?: unknown;
  readonly signal?: AbortSignal | undefined;
  /** Statuses returned as responses instead of thrown (e.g. 503 on `/ready`, 404 on `/api/v2/run`). */
  readonly accept?: readonly number[];
  /** Retry at all (a refused connection, and for idempotent calls a 503 or a dropped connection). @default true */
  readonly retry?: boolean;
  /**
   * Safe to send again after the server may have received it (a 503, a dropped connection).
   * `containers.create`, `containers.start`, `run` and `mcp` are not.
   * @default method is GET or DELETE
   */
  readonly idempotent?: boolean;
  /** Svalinn forwards this call to Vörðr: use the upstream timeout. @default false */
  readonly upstream?: boolean;
}

/** @internal A response body, parsed. */
export interface TransportResponse {
  readonly status: number;
  readonly text: string;
  readonly json: unknown;
  readonly isJson: boolean;
}

const REFUSED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);

/** The system error code under a fetch failure, if any (`TypeError: fetch failed` → cause.code). */
function networkCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && typeof current === 'object' && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) return code;
    const errors = (current as { errors?: unknown }).errors;
    if (Array.isArray(errors) && errors.length > 0) current = errors[0];
    else current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** A safe cause for a network failure: message and code only (no request object, no headers). */
function safeCause(error: unknown, redact: Redact): Error {
  const code = networkCode(error) ?? 'UNKNOWN';
  const message = redact(error instanceof Error ? error.message : String(error));
  return Object.assign(new Error(`${message} (${code})`), { code });
}

/** A Location header made safe to show: resolved, no userinfo, no query, no fragment. */
function safeLocation(location: string | null, base: string): string | undefined {
  if (location === null || location === '') return undefined;
  try {
    const url = new URL(location, `${base}/`);
    url.username = '';
    url.password = '';
    url.search = '';
    url.hash = '';
    return url.href;
  } catch {
    return '(an invalid URL)';
  }
}

/** Waits `ms`, or rejects with the signal's reason when it aborts first. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * @internal HTTP with ky, one attempt at a time: auth headers, no redirects followed, answers read up
 * to a byte cap, bounded retries with backoff (only what is safe to repeat), errors mapped to Svalinn
 * errors with every known secret redacted.
 */
export class SvalinnTransport {
  readonly #ky: KyInstance;
  readonly #options: TransportOptions;
  readonly #redact: Redact;

  constructor(options: TransportOptions) {
    this.#options = options;
    this.#redact = redactor([options.token, options.apiKey, ...options.secrets]);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (options.token) headers['authorization'] = `Bearer ${options.token}`;
    if (options.apiKey) headers['x-api-key'] = options.apiKey;
    this.#ky = ky.create({
      prefixUrl: options.url,
      headers,
      retry: 0,
      throwHttpErrors: false,
      // Never follow: a redirect would carry the credentials (and a POST body) elsewhere.
      redirect: 'manual',
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
  }

  /** The redactor of this transport (token, API key, extra secrets). */
  get redact(): Redact {
    return this.#redact;
  }

  async request(request: TransportRequest): Promise<TransportResponse> {
    const { method, path, signal } = request;
    const log = this.#options.logger;
    const retryLimit = request.retry === false ? 0 : this.#options.retryLimit;
    const idempotent = request.idempotent ?? (method === 'GET' || method === 'DELETE');
    const accept = request.accept ?? [];
    const timeout = request.upstream ? this.#options.upstreamTimeout : this.#options.timeout;
    log?.({ type: 'request', method, path });
    // Bounded: at most retryLimit + 1 attempts, each bounded by the timeout, each wait by maxDelayMs.
    for (let attempt = 1; ; attempt++) {
      let response: Response;
      try {
        response = await this.#ky(path.replace(/^\//, ''), {
          method,
          timeout,
          ...(request.json === undefined ? {} : { json: request.json }),
          ...(signal ? { signal } : {}),
        });
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        if (error instanceof TimeoutError) {
          throw new SvalinnTimeoutError(`Svalinn ${method} ${path} did not answer within ${timeout} ms (${this.#options.url})`, { timeoutMs: timeout, attempts: attempt, method, path });
        }
        const code = networkCode(error);
        // Refused: the request never reached Svalinn, so even a POST is safe to resend.
        const again = (code !== undefined && REFUSED.has(code)) || idempotent;
        if (again && attempt <= retryLimit) {
          log?.({ type: 'retry', method, path, attempt: attempt + 1, status: undefined });
          await sleep(this.#delay(attempt, null), signal);
          continue;
        }
        const what = code === 'ECONNREFUSED' ? 'refused the connection' : `could not be reached${code ? ` (${code})` : ''}`;
        throw new SvalinnUnavailableError(
          `Svalinn at ${this.#options.url} ${what} for ${method} ${path}${attempt > 1 ? ` after ${attempt} attempts` : ''}. Is it running? Check SVALINN_URL.`,
          { reason: 'connection', attempts: attempt, method, path, cause: safeCause(error, this.#redact) },
        );
      }
      const status = response.status;
      if (status >= 300 && status < 400) {
        await response.body?.cancel().catch(() => undefined);
        const location = this.#redact(safeLocation(response.headers.get('location'), this.#options.url));
        throw new SvalinnRedirectError(
          `Svalinn ${method} ${path} answered ${status}, a redirect to ${location ?? '(no Location)'}. The client follows no redirect ` +
            `(the token, API key and request body must not go elsewhere${method === 'POST' ? ', and a POST is never re-sent' : ''}): point SVALINN_URL at the address that serves the API.`,
          { status, location, method, path },
        );
      }
      if (status === 503 && !accept.includes(503) && idempotent && attempt <= retryLimit) {
        await response.body?.cancel().catch(() => undefined);
        log?.({ type: 'retry', method, path, attempt: attempt + 1, status });
        await sleep(this.#delay(attempt, response.headers.get('retry-after')), signal);
        continue;
      }
      log?.({ type: 'response', method, path, status });
      const body = await this.#read(response, method, path, signal);
      if (response.ok || accept.includes(status)) return body;
      throw errorFromResponse(body, { method, path, attempts: attempt, redact: this.#redact });
    }
  }

  /** The backoff before retry `attempt + 1`: doubling from delayMs, or the server's Retry-After; capped. */
  #delay(attempt: number, retryAfter: string | null): number {
    const cap = this.#options.retryMaxDelayMs;
    const seconds = retryAfter === null ? Number.NaN : Number(retryAfter);
    if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds * 1000, cap);
    return Math.min(this.#options.retryDelayMs * 2 ** (attempt - 1), cap);
  }

  /** Reads the body up to the byte cap (never more), then parses it. */
  async #read(response: Response, method: string, path: string, signal: AbortSignal | undefined): Promise<TransportResponse> {
    const limit = this.#options.maxResponseBytes;
    const tooLarge = () =>
      new SvalinnResponseTooLargeError(
        `Svalinn ${method} ${path} answered ${response.status} with a body over ${limit} bytes (the client's maxResponseBytes); it was not read`,
        { status: response.status, limitBytes: limit, method, path },
      );
    const declared = Number(response.headers.get('content-length'));
    if (Number.isFinite(declared) && declared > limit) {
      await response.body?.cancel().catch(() => undefined);
      throw tooLarge();
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    try {
      if (response.body) {
        const reader = response.body.getReader();
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          size += value.byteLength;
          if (size > limit) {
            await reader.cancel().catch(() => undefined);
            throw tooLarge();
          }
          chunks.push(value);
        }
      }
    } catch (error) {
      if (error instanceof SvalinnResponseTooLargeError) throw error;
      if (signal?.aborted) throw signal.reason;
      throw new SvalinnUnavailableError(`Svalinn ${method} ${path}: the connection broke while reading the answer`, {
        reason: 'connection', attempts: 1, method, path, status: response.status, cause: safeCause(error, this.#redact),
      });
    }
    const text = Buffer.concat(chunks).toString('utf8');
    if (text.trim() === '') return { status: response.status, text, json: undefined, isJson: false };
    try {
      return { status: response.status, text, json: JSON.parse(text) as unknown, isJson: true };
    } catch {
      return { status: response.status, text, json: undefined, isJson: false };
    }
  }
}
