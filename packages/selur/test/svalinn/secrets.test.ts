import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SVALINN_URL, svalinnClient, type SvalinnLogEvent } from '@selur/compose-selur';
import { closedPortUrl } from '../servers/svalinn-server.js';
import { DIGEST, FAST_RETRY, rejection, setup } from './helpers.js';

const TOKEN = 'eyJhbGciOiJFUzI1NiJ9.c2VjcmV0LXRva2VuLXBheWxvYWQ.sig-TOKEN-7f3a9c';
const API_KEY = 'svk_live_API-KEY-5e1d0b8a2c';
const run = { imageName: 'ghcr.io/acme/api:1.2', imageDigest: DIGEST, name: 'shop_api_1' };

/** Every way a secret could leak out of an error. */
function everyRendering(error: unknown): string {
  const e = error as Error;
  return [
    JSON.stringify(error),
    JSON.stringify({ ...(error as object) }),
    inspect(error, { depth: Infinity, showHidden: true, getters: true }),
    String(error),
    e.message,
    e.stack ?? '',
    inspect(e.cause, { depth: Infinity, showHidden: true }),
    JSON.stringify(Object.getOwnPropertyNames(error).map((k) => [k, String((error as Record<string, unknown>)[k])])),
  ].join('\n');
}

function assertNoSecret(text: string): void {
  expect(text).not.toContain(TOKEN);
  expect(text).not.toContain(API_KEY);
  expect(text).not.toContain('c2VjcmV0LXRva2VuLXBheWxvYWQ'); // the token's middle part alone
}

describe('authentication and secrets', () => {
  it('sends a Bearer token; the fake accepts it; recorded headers are redacted', async () => {
    const { server, client } = await setup({ auth: { tokens: [TOKEN] } }, { token: TOKEN, runApi: 'v1' });
    await client.run(run);
    expect(server.requests[0]).toMatchObject({ auth: 'bearer', status: 201, headers: { authorization: '[redacted]' } });
  });

  it('sends an API key as X-API-Key', async () => {
    const { server, client } = await setup({ auth: { apiKeys: [API_KEY] } }, { apiKey: API_KEY });
    await client.containers.list();
    expect(server.requests[0]).toMatchObject({ auth: 'api-key', status: 200, headers: { 'x-api-key': '[redacted]' } });
  });

  it('reads SVALINN_URL, SVALINN_TOKEN and SVALINN_API_KEY from the environment', async () => {
    const { server } = await setup({ auth: { tokens: [TOKEN], apiKeys: [API_KEY] } });
    const fromEnv = svalinnClient({ env: { SVALINN_URL: server.url, SVALINN_TOKEN: TOKEN }, retry: FAST_RETRY });
    expect(fromEnv.url).toBe(server.url);
    await fromEnv.policies();
    const keyOnly = svalinnClient({ env: { SVALINN_URL: server.url, SVALINN_API_KEY: API_KEY }, retry: FAST_RETRY });
    await keyOnly.policies();
    expect(server.requests.map((r) => `${r.auth} ${r.status}`)).toEqual(['bearer 200', 'api-key 200']);
    expect(svalinnClient({ env: {} }).url).toBe(DEFAULT_SVALINN_URL);
  });

  it('health, ready and metrics need no auth; a failed login is a plain-text 500', async () => {
    const { server, client } = await setup({ auth: { tokens: [TOKEN] } }, { token: 'wrong-token-value-0000' });
    await expect(client.health()).resolves.toMatchObject({ status: 'healthy' });
    await expect(client.ready()).resolves.toEqual({ ready: true });
    const error = await rejection(client.containers.list());
    expect(error).toMatchObject({ name: 'SvalinnError', status: 500, serverMessage: 'Internal Server Error' });
    expect((error as Error).message).toContain('check SVALINN_TOKEN / SVALINN_API_KEY');
    expect((error as Error).message).not.toContain('wrong-token-value-0000');
    await expect(client.mcp('svalinn_ps')).rejects.toMatchObject({ status: 500 }); // /mcp needs auth too
    expect(server.requests.at(-1)?.path).toBe('/mcp');
  });

  it('never shows the token or API key in any error, however it is rendered', async () => {
    const { server, client } = await setup({ gate: () => ({ deny: { reason: 'unsigned' } }) }, { token: TOKEN, apiKey: API_KEY, runApi: 'v1', timeout: 1_500 });
    const errors: unknown[] = [];
    errors.push(await rejection(client.run(run))); // 409
    errors.push(await rejection(client.run({ ...run, trustStore: 1 as never }))); // 400
    errors.push(await rejection(client.containers.get('missing'))); // 500 JSON
    server.fail({ kind: 'text', status: 500, text: 'Internal Server Error' });
    errors.push(await rejection(client.containers.list())); // 500 text
    // A server that echoes the credentials back must not make us print them.
    server.fail({ kind: 'json', status: 500, body: { error: `invalid token ${TOKEN} / key ${API_KEY}`, token: TOKEN, nested: [{ key: API_KEY }] } });
    errors.push(await rejection(client.policies()));
    server.fail({ kind: 'text', status: 500, text: `bad key ${API_KEY}` });
    errors.push(await rejection(client.policies()));
    server.fail({ kind: 'json', status: 503, body: { error: 'down' }, times: 3 });
    errors.push(await rejection(client.images.list())); // 503 exhausted
    server.fail({ kind: 'delay', ms: 10_000 });
    errors.push(await rejection(client.images.list())); // timeout
    server.fail({ kind: 'destroy' });
    errors.push(await rejection(client.containers.create({ image: 'x:1' }))); // dropped connection (a create is not re-sent)
    server.fail({ kind: 'json', status: 200, body: { jsonrpc: '2.0', id: 1, result: null, error: { code: -32000, message: `no ${TOKEN}` } } });
    errors.push(await rejection(client.mcp('svalinn_ps')));
    server.fail({ kind: 'json', status: 200, body: { jsonrpc: '2.0', id: 2, result: { content: [{ type: 'text', text: `echo ${API_KEY}` }], isError: true } } });
    errors.push(await rejection(client.mcp('svalinn_ps')));
    const refused = svalinnClient({ url: await closedPortUrl(), token: TOKEN, apiKey: API_KEY, env: {}, retry: FAST_RETRY });
    errors.push(await rejection(refused.health()));

    expect(errors.map((e) => (e as Error).name)).toEqual([
      'PolicyDeniedError', 'SvalinnValidationError', 'SvalinnError', 'SvalinnError', 'SvalinnError', 'SvalinnError',
      'SvalinnUnavailableError', 'SvalinnTimeoutError', 'SvalinnUnavailableError', 'SvalinnMcpToolError', 'SvalinnMcpToolError', 'SvalinnUnavailableError',
    ]);
    for (const error of errors) assertNoSecret(everyRendering(error));
    expect((errors[4] as Error).message).toContain('invalid token [redacted] / key [redacted]');
  });

  it('never shows them in log events', async () => {
    const events: SvalinnLogEvent[] = [];
    const { server, client } = await setup({}, { token: TOKEN, apiKey: API_KEY, logger: (e) => events.push(e) });
    server.fail({ kind: 'json', status: 503, body: { error: `down ${TOKEN}` } });
    await client.containers.list();
    await client.run(run);
    await client.containers.list();
    expect(events.length).toBeGreaterThanOrEqual(6);
    assertNoSecret(JSON.stringify(events));
    assertNoSecret(inspect(events, { depth: Infinity }));
  });

  it('the client object itself does not expose them', async () => {
    const client = svalinnClient({ url: 'http://127.0.0.1:9', token: TOKEN, apiKey: API_KEY, env: {} });
    assertNoSecret(JSON.stringify(client));
    assertNoSecret(inspect(client, { depth: Infinity, showHidden: true }));
    expect(Object.keys(client)).not.toContain('token');
  });
});
