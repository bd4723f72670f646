/** Issue 18's items that the recording shows but does not replay: Vörðr unreachable, timeouts, the default URL. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_SVALINN_UPSTREAM_TIMEOUT, DEFAULT_SVALINN_URL, isSvalinnUnavailableError, svalinnClient } from '@selur/compose-selur';
import { rejection, setup } from './helpers.js';

describe('the real gateway\'s behaviour the client must meet', () => {
  it('Vörðr unreachable behind Svalinn (500 "…fetch failed" after its retries) → SvalinnUnavailableError naming Vörðr', async () => {
    const { server, client } = await setup();
    server.fail({ kind: 'json', path: '/api/v1/containers', status: 500, body: { error: 'MCP call failed after 3 retries: fetch failed' } });
    const error = await rejection(client.containers.list());
    expect(isSvalinnUnavailableError(error)).toBe(true);
    expect(error).toMatchObject({ name: 'SvalinnUnavailableError', reason: 'vordr', status: 500, serverMessage: 'MCP call failed after 3 retries: fetch failed' });
    expect((error as Error).message).toContain('Svalinn is up but could not reach Vörðr behind it');
    expect((error as Error).message).toContain("Svalinn's VORDR_ENDPOINT");
    expect(server.requests).toHaveLength(1); // Svalinn already retried three times: no more
  });

  it('calls that reach Vörðr use upstreamTimeout, the others timeout', async () => {
    const { server, client } = await setup({}, { timeout: 50, upstreamTimeout: 5_000 });
    server.fail({ kind: 'delay', ms: 300, path: '/api/v1/containers' });
    await expect(client.containers.list()).resolves.toEqual([]);
    server.fail({ kind: 'delay', ms: 300, path: '/api/v1/policies' });
    await expect(client.policies()).rejects.toMatchObject({ name: 'SvalinnTimeoutError', timeoutMs: 50 });
    // Given only `timeout`, it applies to every call.
    const { server: s2, client: c2 } = await setup({}, { timeout: 50 });
    s2.fail({ kind: 'delay', ms: 300, path: '/api/v1/containers' });
    await expect(c2.containers.list()).rejects.toMatchObject({ name: 'SvalinnTimeoutError', timeoutMs: 50 });
  });

  it("the default upstream timeout outlasts Svalinn's worst case: four tries of its 30 s Vörðr timeout plus 100·2ⁿ ms backoff", () => {
    expect(DEFAULT_SVALINN_UPSTREAM_TIMEOUT).toBeGreaterThan(4 * 30_000 + 100 + 200 + 400);
  });

  it("the default URL is the gateway's port 8000 (8080 is Vörðr's)", () => {
    expect(DEFAULT_SVALINN_URL).toBe('http://localhost:8000');
    expect(svalinnClient({ env: {} }).url).toBe('http://localhost:8000');
  });
});
