import { InvalidArgumentError, type SvalinnRunApi } from '@selur/compose';
import type { SvalinnClientOptions } from './svalinn-client-options.js';
import type { TransportOptions } from './svalinn-transport.js';

/**
 * The URL a client uses when neither `url` nor `SVALINN_URL` is given: the gateway's port, 8000
 * (8080 is Vörðr's).
 *
 * @example
 * ```ts
 * svalinnClient().url === DEFAULT_SVALINN_URL; // when SVALINN_URL is unset
 * ```
 */
export const DEFAULT_SVALINN_URL = 'http://localhost:8000';

/**
 * The default per-attempt timeout, in milliseconds, of calls Svalinn forwards to Vörðr (`run`,
 * `containers.*`, `images.*`, `verify`, `mcp`): longer than Svalinn's own worst case, four tries of
 * its 30 s Vörðr timeout plus its backoff (about 120.7 s), so the client never gives up on a call the
 * gateway is still working on (and may still carry out).
 *
 * @example
 * ```ts
 * svalinnClient({ upstreamTimeout: DEFAULT_SVALINN_UPSTREAM_TIMEOUT });
 * ```
 */
export const DEFAULT_SVALINN_UPSTREAM_TIMEOUT = 135_000;

/**
 * The default cap, in bytes, of one Svalinn answer (4 MiB). A larger body is not read: the call fails
 * with `SvalinnResponseTooLargeError`.
 *
 * @example
 * ```ts
 * svalinnClient({ maxResponseBytes: 2 * DEFAULT_SVALINN_MAX_RESPONSE_BYTES });
 * ```
 */
export const DEFAULT_SVALINN_MAX_RESPONSE_BYTES = 4_194_304;

function positiveInt(value: unknown, field: string, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new InvalidArgumentError(`svalinnClient option ${field} must be an integer ≥ ${min}, got ${typeof value === 'number' ? value : typeof value}`, { field });
  }
  return value;
}

function secret(value: unknown, field: string): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw new InvalidArgumentError(`svalinnClient option ${field} must be a string, got ${typeof value}`, { field });
  if (/[\r\n]/.test(value)) throw new InvalidArgumentError(`svalinnClient option ${field} must not contain line breaks`, { field });
  return value;
}

/** @internal Settles the options: env defaults, eager validation, URL without credentials. */
export function readOptions(options: SvalinnClientOptions): TransportOptions & { runApi: 'auto' | SvalinnRunApi } {
  const env = options.env ?? process.env;
  const raw = options.url ?? env['SVALINN_URL'] ?? DEFAULT_SVALINN_URL;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new InvalidArgumentError(`svalinnClient option url must be an absolute http(s) URL such as ${DEFAULT_SVALINN_URL}`, { field: 'url' });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new InvalidArgumentError(`svalinnClient option url must use http or https, got ${parsed.protocol}`, { field: 'url' });
  }
  if (parsed.username !== '' || parsed.password !== '') {
    throw new InvalidArgumentError('svalinnClient option url must not contain credentials; pass token or apiKey (or SVALINN_TOKEN / SVALINN_API_KEY) instead', { field: 'url' });
  }
  parsed.search = '';
  parsed.hash = '';
  const retry = typeof options.retry === 'number' ? { limit: options.retry } : (options.retry ?? {});
  const runApi = options.runApi ?? 'auto';
  if (runApi !== 'auto' && runApi !== 'v1' && runApi !== 'v2') throw new InvalidArgumentError(`svalinnClient option runApi must be 'auto', 'v1' or 'v2'`, { field: 'runApi' });
  if (options.fetch !== undefined && typeof options.fetch !== 'function') throw new InvalidArgumentError('svalinnClient option fetch must be a function', { field: 'fetch' });
  if (options.secrets !== undefined && (!Array.isArray(options.secrets) || options.secrets.some((v) => typeof v !== 'string'))) {
    throw new InvalidArgumentError('svalinnClient option secrets must be an array of strings', { field: 'secrets' });
  }
  const timeout = positiveInt(options.timeout, 'timeout', 30_000, 1);
  return {
    url: parsed.href.replace(/\/+$/, ''),
    token: secret(options.token ?? env['SVALINN_TOKEN'], 'token'),
    apiKey: secret(options.apiKey ?? env['SVALINN_API_KEY'], 'apiKey'),
    secrets: [...(options.secrets ?? [])].filter((v) => v !== ''),
    timeout,
    // Given only `timeout`, the caller meant it for every call.
    upstreamTimeout: positiveInt(options.upstreamTimeout, 'upstreamTimeout', options.timeout === undefined ? DEFAULT_SVALINN_UPSTREAM_TIMEOUT : timeout, 1),
    maxResponseBytes: positiveInt(options.maxResponseBytes, 'maxResponseBytes', DEFAULT_SVALINN_MAX_RESPONSE_BYTES, 1),
    retryLimit: positiveInt(retry.limit, 'retry.limit', 2, 0),
    retryDelayMs: positiveInt(retry.delayMs, 'retry.delayMs', 200, 0),
    retryMaxDelayMs: positiveInt(retry.maxDelayMs, 'retry.maxDelayMs', 5_000, 0),
    fetch: options.fetch,
    logger: options.logger,
    runApi,
  };
}
