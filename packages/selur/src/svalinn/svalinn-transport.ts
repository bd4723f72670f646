import ky, { HTTPError, TimeoutError, type KyInstance } from 'ky';
import { SvalinnError } from '../errors/svalinn-error.js';
import { SvalinnUnavailableError } from '../errors/svalinn-unavailable-error.js';
import { SvalinnTimeoutError } from '../errors/svalinn-timeout-error.js';
import { errorFromResponse, redactor, type Redact } from './svalinn-errors.js';
import type { SvalinnLogEvent } from './svalinn-client-options.js';

/** @internal Settled options of the transport. */
export interface TransportOptions {
  readonly url: string;
  readonly token: string | undefined;
  readonly apiKey: string | undefined;
  readonly timeout: number;
  readonly retryLimit: number;
  readonly retryDelayMs: number;
  readonly retryMaxDelayMs: number;
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
  /** Retry transient failures. @default true */
  readonly retry?: boolean;
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

/** A safe cause for a network failure: code and syscall only (no request object, no headers). */
function safeCause(error: unknown): Error {
  const code = networkCode(error) ?? 'UNKNOWN';
  const message = error instanceof Error ? error.message : String(error);
  return Object.assign(new Error(`${message} (${code})`), { code });
}

/** @internal HTTP with ky: auth headers, bounded retries with backoff, errors mapped to Svalinn errors. */
export class SvalinnTransport {
  readonly #ky: KyInstance;
  readonly #options: TransportOptions;
  readonly #redact: Redact;

  constructor(options: TransportOptions) {
    this.#options = options;
    this.#redact = redactor([options.token, options.apiKey]);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (options.token) headers['authorization'] = `Bearer ${options.token}`;
    if (options.apiKey) headers['x-api-key'] = options.apiKey;
    this.#ky = ky.create({
      prefixUrl: options.url,
      headers,
      timeout: options.timeout,
      throwHttpErrors: true,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
  }

  async request(request: TransportRequest): Promise<TransportResponse> {
    const { method, path } = request;
    const log = this.#options.logger;
    let attempts = 1;
    const retryLimit = request.retry === false ? 0 : this.#options.retryLimit;
    const accept = request.accept ?? [];
    log?.({ type: 'request', method, path });
    let response: Response;
    try {
      response = await this.#ky(path.replace(/^\//, ''), {
        method,
        ...(request.json === undefined ? {} : { json: request.json }),
        ...(request.signal ? { signal: request.signal } : {}),
        throwHttpErrors: (status: number) => !accept.includes(status),
        retry: {
          limit: retryLimit,
          methods: ['get', 'post', 'put', 'patch', 'delete', 'head'],
          statusCodes: [503],
          afterStatusCodes: [503],
          maxRetryAfter: this.#options.retryMaxDelayMs,
          backoffLimit: this.#options.retryMaxDelayMs,
          delay: (n: number) => this.#options.retryDelayMs * 2 ** (n - 1),
          shouldRetry: ({ error }) => {
            if (request.signal?.aborted) return false;
            if (error instanceof HTTPError) return error.response.status === 503 ? undefined : false;
            if (error instanceof TimeoutError) return false;
            // Refused: the request never reached Svalinn, so even a POST is safe to resend.
            const code = networkCode(error);
            if (code !== undefined && REFUSED.has(code)) return true;
            return method === 'GET' ? true : false;
          },
        },
        hooks: {
          beforeRetry: [
            ({ error, retryCount }) => {
              attempts = retryCount + 1;
              log?.({ type: 'retry', method, path, attempt: attempts, status: error instanceof HTTPError ? error.response.status : undefined });
            },
          ],
        },
      });
    } catch (error) {
      throw await this.#mapError(error, method, path, attempts, request.signal);
    }
    log?.({ type: 'response', method, path, status: response.status });
    return this.#read(response, method, path);
  }

  async #read(response: Response, method: string, path: string): Promise<TransportResponse> {
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      throw new SvalinnUnavailableError(`Svalinn ${method} ${path}: the connection broke while reading the answer`, {
        reason: 'connection', attempts: 1, method, path, status: response.status, cause: safeCause(error),
      });
    }
    if (text.trim() === '') return { status: response.status, text, json: undefined, isJson: false };
    try {
      return { status: response.status, text, json: JSON.parse(text) as unknown, isJson: true };
    } catch {
      return { status: response.status, text, json: undefined, isJson: false };
    }
  }

  async #mapError(error: unknown, method: string, path: string, attempts: number, signal: AbortSignal | undefined): Promise<unknown> {
    if (signal?.aborted) return signal.reason;
    if (error instanceof HTTPError) {
      const body = await this.#read(error.response, method, path);
      return errorFromResponse(body, { method, path, attempts, redact: this.#redact });
    }
    if (error instanceof TimeoutError) {
      return new SvalinnTimeoutError(`Svalinn ${method} ${path} did not answer within ${this.#options.timeout} ms (${this.#options.url})`, {
        timeoutMs: this.#options.timeout, attempts, method, path,
      });
    }
    if (error instanceof SvalinnError) return error;
    const code = networkCode(error);
    const what = code === 'ECONNREFUSED' ? 'refused the connection' : `could not be reached${code ? ` (${code})` : ''}`;
    return new SvalinnUnavailableError(
      `Svalinn at ${this.#options.url} ${what} for ${method} ${path}${attempts > 1 ? ` after ${attempts} attempts` : ''}. Is it running? Check SVALINN_URL.`,
      { reason: 'connection', attempts, method, path, cause: safeCause(error) },
    );
  }
}
