import type { VordrClient } from '@selur/compose';

/**
 * Options of `vordrClient()`, the HTTP {@link VordrClient}.
 *
 * @example
 * ```ts
 * const client = vordrClient({ url: 'http://127.0.0.1:8080', timeout: 5_000, maxResponseBytes: 1 << 20, secrets: [process.env.DB_PASSWORD] });
 * ```
 */
export interface VordrClientOptions {
  /**
   * The Vörðr MCP server's base URL; JSON-RPC goes to `POST <url>`, health to `GET <url>/health`.
   * @default process.env.VORDR_MCP_URL, else 'http://localhost:8080'
   */
  readonly url?: string | undefined;
  /**
   * Milliseconds to wait for a complete answer to one request. `containerStop` waits at least its
   * own stop timeout plus 5 s. Minimum: `1`.
   * @default 30000
   */
  readonly timeout?: number | undefined;
  /** A `fetch` to use instead of the global one (tests, proxies). @default globalThis.fetch */
  readonly fetch?: typeof globalThis.fetch | undefined;
  /**
   * The largest response body read, in bytes. A larger one (declared by `Content-Length`, or
   * found while reading) is not read further and rejects with `VordrProtocolError`
   * (`oversized-response`). Minimum: `1`.
   * @default 4194304 (4 MiB)
   */
  readonly maxResponseBytes?: number | undefined;
  /**
   * Values to redact from every error the client raises (message, server message, body excerpt,
   * `data`): e.g. the contents of the project's secret files. A create call's `config.env` values
   * are redacted from that call's errors without being listed here. Empty strings are ignored.
   * @example [await readFile('secrets/db_password', 'utf8')]
   * @default []
   */
  readonly secrets?: readonly (string | undefined)[] | undefined;
}
