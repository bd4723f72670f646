import type { VordrClient } from '@selur/compose';

/**
 * Options of `vordrClient()`, the HTTP {@link VordrClient}.
 *
 * @example
 * ```ts
 * const client = vordrClient({ url: 'http://127.0.0.1:8080', timeout: 5_000 });
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
}
