import { describe, expect, it } from 'vitest';
import { isComposeError } from '@selur/compose';
import { PolicyDeniedError, SvalinnError, SvalinnTimeoutError, SvalinnUnavailableError, SvalinnValidationError, isPolicyDeniedError, isSvalinnError, isSvalinnTimeoutError, isSvalinnUnavailableError, isSvalinnValidationError, svalinnClient, type SvalinnLogEvent } from '@selur/compose-selur';
import { closedPortUrl } from '../servers/svalinn-server.js';
import { DIGEST, FAST_RETRY, rejection, setup } from './helpers.js';

const run = { imageName: 'ghcr.io/acme/api:1.2', imageDigest: DIGEST, name: 'shop_api_1' };

describe('errors are mapped to typed classes', () => {
  it('400 from the server\'s own schema check → SvalinnValidationError with the details', async () => {
    const { server, client } = await setup({}, { runApi: 'v1' });
    // trustStore must be an object per gateway-run-request.v1.json; the fake validates with ajv.
    const error = await rejection(client.run({ ...run, trustStore: 'not-an-object' as never }));
    expect(error).toBeInstanceOf(SvalinnValidationError);
    expect(isSvalinnValidationError(error)).toBe(true);
    const e = error as SvalinnValidationError;
    expect(e).toMatchObject({ status: 400, code: 'E_SVALINN_VALIDATION', serverMessage: 'Validation failed', method: 'POST', path: '/api/v1/run' });
    // As recorded: no instancePath; the field is named from schemaPath, as a person would.
    expect(e.details).toEqual([{ keyword: 'type', schemaPath: '#/properties/trustStore/type', message: 'must be object', params: { type: 'object' } }]);
    expect(e.message).toBe('Svalinn POST /api/v1/run was rejected (400): Validation failed\n  - trustStore: must be an object');
    expect(server.requests).toHaveLength(1);
  });

  it('409 → PolicyDeniedError carrying the rokur payload, never retried', async () => {
    const rokur = { allowed: false, reason: 'signer not in allowedSigners', policy: 'strict' };
    const { server, client } = await setup({ gate: () => ({ deny: rokur }) }, { runApi: 'v1', retry: { limit: 5, delayMs: 1 } });
    const error = await rejection(client.run(run));
    expect(error).toBeInstanceOf(PolicyDeniedError);
    expect(isPolicyDeniedError(error)).toBe(true);
    expect(isSvalinnError(error)).toBe(true);
    expect(error).toMatchObject({ status: 409, serverMessage: 'Rokur denied container start', rokur });
    expect(server.requests).toHaveLength(1);
    // The start route has the same gate.
    const created = await client.containers.create({ image: 'x:1' });
    await expect(client.containers.start(created.containerId ?? '')).rejects.toBeInstanceOf(PolicyDeniedError);
    expect(server.requests.filter((r) => r.path.endsWith('/start'))).toHaveLength(1);
  });

  it('503 on a GET is retried with backoff, then succeeds', async () => {
    const events: SvalinnLogEvent[] = [];
    const { server, client } = await setup({}, { logger: (e) => events.push(e) });
    server.fail({ kind: 'json', path: '/api/v1/containers', status: 503, body: { error: 'busy' }, times: 2 });
    expect(await client.containers.list()).toEqual([]);
    expect(server.requests.map((r) => r.status)).toEqual([503, 503, 200]);
    expect(events.filter((e) => e.type === 'retry')).toEqual([
      { type: 'retry', method: 'GET', path: '/api/v1/containers', attempt: 2, status: 503 },
      { type: 'retry', method: 'GET', path: '/api/v1/containers', attempt: 3, status: 503 },
    ]);
  });

  it('503 on every attempt of a GET → SvalinnUnavailableError after limit+1 attempts (bounded)', async () => {
    const { server, client } = await setup({}, { retry: { limit: 3, delayMs: 1, maxDelayMs: 2 } });
    server.fail({ kind: 'json', path: '/api/v1/images', status: 503, body: { error: 'busy', attempt: 1 }, times: 10 });
    const error = await rejection(client.images.list());
    expect(error).toBeInstanceOf(SvalinnUnavailableError);
    expect(isSvalinnUnavailableError(error)).toBe(true);
    expect(error).toMatchObject({ status: 503, reason: 'status', attempts: 4, serverMessage: 'busy' });
    expect(server.requests).toHaveLength(4);
  });

  it('the start gate\'s 503 on run is not retried: the body as recorded (attempt 1, rokurStatusCode, Rokur\'s error)', async () => {
    const { server, client } = await setup({ gate: () => ({ unavailable: { error: 'rokur backend broken' } }) }, { runApi: 'v1', retry: { limit: 3, delayMs: 1, maxDelayMs: 2 } });
    const error = await rejection(client.run(run));
    expect(error).toMatchObject({ name: 'SvalinnUnavailableError', status: 503, reason: 'status', attempts: 1, serverMessage: 'rokur backend broken' });
    expect((error as SvalinnError).data).toMatchObject({ attempt: 1, rokurStatusCode: 500, rokur: { error: 'rokur backend broken' } });
    expect(server.requests).toHaveLength(1);
  });

  it('a server Retry-After is honoured but capped by maxDelayMs', async () => {
    const { server, client } = await setup({}, { retry: { limit: 1, delayMs: 1, maxDelayMs: 5 } });
    server.fail({ kind: 'json', path: '/api/v1/policies', status: 503, body: { error: 'busy' }, headers: { 'retry-after': '3600' } });
    await expect(client.policies()).resolves.toHaveProperty('default');
    expect(server.requests).toHaveLength(2);
  });

  it('500 → SvalinnError with the server\'s message (not retried)', async () => {
    const { server, client } = await setup();
    const error = await rejection(client.containers.get('missing'));
    expect(error).toBeInstanceOf(SvalinnError);
    expect(error).toMatchObject({ status: 500, serverMessage: 'MCP call failed after 3 retries: MCP error -32000: Container not found: missing', code: 'E_SVALINN' });
    expect((error as Error).message).toBe("Svalinn GET /api/v1/containers/missing failed (500): Vörðr answered: Container not found: missing (JSON-RPC -32000, after Svalinn's 3 retries)");
    expect(server.requests).toHaveLength(1);
  });

  it('plain-text 500 (failed login, rate limiting) still gives a clear error', async () => {
    const { server, client } = await setup();
    server.fail({ kind: 'text', status: 500, text: 'Too many requests, please try again later.' });
    const error = await rejection(client.containers.list());
    expect(error).toBeInstanceOf(SvalinnError);
    expect(error).toMatchObject({ status: 500, serverMessage: 'Too many requests, please try again later.', data: undefined });
    expect((error as Error).message).toContain('with a non-JSON body: "Too many requests, please try again later."');
    expect((error as Error).message).toContain('check SVALINN_TOKEN / SVALINN_API_KEY');
  });

  it('malformed JSON on a 200 → SvalinnError naming the problem', async () => {
    const { server, client } = await setup();
    server.fail({ kind: 'malformed-json', path: '/health' });
    const error = await rejection(client.health());
    expect(isSvalinnError(error)).toBe(true);
    expect(error).toMatchObject({ status: 200, path: '/health' });
    expect((error as Error).message).toContain('a body that is not valid JSON');
    server.fail({ kind: 'malformed-json', status: 502, path: '/api/v1/images' });
    const bad = await rejection(client.images.list());
    expect(bad).toMatchObject({ status: 502 });
    expect((bad as Error).message).toContain('non-JSON body');
  });

  it('connection refused → SvalinnUnavailableError after bounded retries', async () => {
    const url = await closedPortUrl();
    const events: SvalinnLogEvent[] = [];
    const client = svalinnClient({ url, env: {}, retry: FAST_RETRY, logger: (e) => events.push(e) });
    const error = await rejection(client.run(run));
    expect(error).toBeInstanceOf(SvalinnUnavailableError);
    expect(error).toMatchObject({ reason: 'connection', attempts: 3, status: undefined, path: '/api/v2/run' });
    expect((error as Error).message).toContain('refused the connection');
    expect((error as Error).message).toContain(url);
    expect(((error as Error).cause as { code?: string }).code).toBe('ECONNREFUSED');
    expect(events.filter((e) => e.type === 'retry')).toHaveLength(2);
  });

  it('a dropped connection on a POST is not resent (it may have run)', async () => {
    const { server, client } = await setup({}, { runApi: 'v1' });
    server.fail({ kind: 'destroy', path: '/api/v1/run' });
    const error = await rejection(client.run(run));
    expect(error).toMatchObject({ name: 'SvalinnUnavailableError', reason: 'connection', attempts: 1 });
    expect(server.requests).toHaveLength(1);
  });

  it('a dropped connection on a GET is retried', async () => {
    const { server, client } = await setup();
    server.fail({ kind: 'destroy', path: '/api/v1/containers' });
    expect(await client.containers.list()).toEqual([]);
    expect(server.requests).toHaveLength(2);
  });

  it('a slow answer past the timeout → SvalinnTimeoutError, not retried', async () => {
    const { server, client } = await setup({}, { timeout: 50 });
    server.fail({ kind: 'delay', ms: 2_000, path: '/api/v1/containers', times: 5 });
    const error = await rejection(client.containers.list());
    expect(error).toBeInstanceOf(SvalinnTimeoutError);
    expect(isSvalinnTimeoutError(error)).toBe(true);
    expect(isSvalinnUnavailableError(error)).toBe(true);
    expect(error).toMatchObject({ timeoutMs: 50, reason: 'timeout', code: 'E_SVALINN_TIMEOUT', attempts: 1 });
    expect((error as Error).message).toContain('did not answer within 50 ms');
    expect(server.requests).toHaveLength(1);
  });

  it('an abort signal cancels with its reason', async () => {
    const { server, client } = await setup();
    server.fail({ kind: 'delay', ms: 2_000, path: '/api/v1/images' });
    const controller = new AbortController();
    const pending = client.images.list({ signal: controller.signal });
    setTimeout(() => controller.abort(new Error('user cancelled')), 20);
    await expect(pending).rejects.toThrow('user cancelled');
  });

  it('404 on an unknown id path keeps the flat body message', async () => {
    const { server, client } = await setup();
    server.fail({ kind: 'json', status: 404, path: '/api/v1/images', body: { error: 'Not Found', path: '/api/v1/images' } });
    await expect(client.images.list()).rejects.toMatchObject({ status: 404, serverMessage: 'Not Found' });
  });

  it('every error is a ComposeError', async () => {
    const { server, client } = await setup();
    server.fail({ kind: 'text', status: 418, text: '' });
    const error = await rejection(client.policies());
    expect(isComposeError(error)).toBe(true);
    expect((error as Error).message).toBe('Svalinn GET /api/v1/policies failed (418) with an empty body');
  });
});

describe('options are validated eagerly', () => {
  it.each([
    [{ url: 'not a url' }, 'url'],
    [{ url: 'ftp://host' }, 'url'],
    [{ url: 'http://user:hunter2@host' }, 'url'],
    [{ timeout: 0 }, 'timeout'],
    [{ retry: -1 }, 'retry.limit'],
    [{ retry: { delayMs: 1.5 } }, 'retry.delayMs'],
    [{ runApi: 'v3' as never }, 'runApi'],
  ])('%j → InvalidArgumentError on %s', (options, field) => {
    let caught: unknown;
    try {
      svalinnClient({ env: {}, ...options });
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ name: 'InvalidArgumentError', field });
    expect(String((caught as Error).message)).not.toContain('hunter2');
  });
});
