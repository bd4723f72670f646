/** The options of `svalinnClient()`, the HTTP implementation of the core's `SvalinnClient` port. */
import type { SvalinnRunApi } from '@selur/compose';

/**
 * Retry policy for transient failures: a refused connection (the request never arrived) for every
 * call; a 503 or a dropped connection only for calls safe to repeat (GET, DELETE, stop, verify,
 * pull). `run`, `containers.create`, `containers.start` and `mcp` are never sent twice once Svalinn
 * may have received them. Timeouts and 409 denials are never retried.
 *
 * @example
 * ```ts
 * svalinnClient({ retry: { limit: 4, delayMs: 250, maxDelayMs: 4_000 } });
 * ```
 */
export interface SvalinnRetryOptions {
  /** Retries after the first attempt. Minimum `0`. @default 2 */
  readonly limit?: number | undefined;
  /** First backoff delay in milliseconds; doubles each retry. @default 200 */
  readonly delayMs?: number | undefined;
  /** Upper bound of one backoff delay (and of a server's `Retry-After`), in milliseconds. @default 5000 */
  readonly maxDelayMs?: number | undefined;
}

/**
 * What the client reports to an optional logger. Never carries headers, tokens or bodies.
 *
 * @example
 * ```ts
 * svalinnClient({ logger: (e) => e.type === 'retry' && console.warn(`retry ${e.attempt} of ${e.method} ${e.path}`) });
 * ```
 */
export type SvalinnLogEvent =
  | { readonly type: 'request'; readonly method: string; readonly path: string }
  | { readonly type: 'retry'; readonly method: string; readonly path: string; readonly attempt: number; readonly status?: number | undefined }
  | { readonly type: 'response'; readonly method: string; readonly path: string; readonly status: number };

/**
 * Options of `svalinnClient()`. Validated eagerly (an `InvalidArgumentError` names the option).
 *
 * @example
 * ```ts
 * svalinnClient({ url: 'http://127.0.0.1:8000', apiKey: process.env.MY_KEY, timeout: 10_000, retry: 3 });
 * ```
 */
export interface SvalinnClientOptions {
  /**
   * Svalinn's base URL.
   * Credentials in it (`http://user:pass@…`) are refused: pass `token` or `apiKey`.
   * @default process.env.SVALINN_URL ?? 'http://localhost:8000'
   */
  readonly url?: string | undefined;
  /** Bearer token (OIDC JWT). Never printed. @default process.env.SVALINN_TOKEN */
  readonly token?: string | undefined;
  /** API key, sent as `X-API-Key`. Never printed. @default process.env.SVALINN_API_KEY */
  readonly apiKey?: string | undefined;
  /** Per-attempt timeout in milliseconds of the calls Svalinn answers alone (health, ready, metrics, policies). @default 30000 */
  readonly timeout?: number | undefined;
  /**
   * Per-attempt timeout in milliseconds of the calls Svalinn forwards to Vörðr (`run`, `containers.*`,
   * `images.*`, `verify`, `mcp`). Longer than Svalinn's worst case (four tries of its 30 s Vörðr
   * timeout), so the client does not give up on a call the gateway may still carry out.
   * @default `timeout` when only that is given, else 135000
   */
  readonly upstreamTimeout?: number | undefined;
  /** The most bytes of one answer the client reads; a larger one fails with `SvalinnResponseTooLargeError`. @default 4194304 (4 MiB) */
  readonly maxResponseBytes?: number | undefined;
  /** More values to redact from every error message and field (the token and API key always are). */
  readonly secrets?: readonly string[] | undefined;
  /** Retry policy, or the retry count. @default { limit: 2, delayMs: 200, maxDelayMs: 5000 } */
  readonly retry?: SvalinnRetryOptions | number | undefined;
  /**
   * The run route: detect it (`auto`: v2 if `/health` says spec 2.x, else try v2 once and fall back to
   * v1 on a 404, remembered), or force one.
   * @default 'auto'
   */
  readonly runApi?: 'auto' | SvalinnRunApi | undefined;
  /** A `fetch` implementation. @default globalThis.fetch */
  readonly fetch?: typeof fetch | undefined;
  /** Receives request/retry/response events (no headers or bodies). */
  readonly logger?: ((event: SvalinnLogEvent) => void) | undefined;
  /** Where to read `SVALINN_*` defaults. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>> | undefined;
}
