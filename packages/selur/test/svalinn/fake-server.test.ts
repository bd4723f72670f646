/** The fake Svalinn itself follows the reference: raw HTTP against it, no client. */
import { describe, expect, it } from 'vitest';
import { memoryBackend, type BackendRunRequest, type SvalinnBackend } from '../servers/svalinn-server.js';
import { readSvalinnVector } from '../servers/svalinn-schemas.js';
import { DIGEST, setup } from './helpers.js';

async function call(url: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; type: string; text: string; json: unknown }> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] = 'application/json';
  }
  const response = await fetch(`${url}${path}`, init);
  const text = await response.text();
  let json: unknown;
  try { json = JSON.parse(text); } catch { json = undefined; }
  return { status: response.status, type: response.headers.get('content-type') ?? '', text, json };
}

describe('fake Svalinn: the real server\'s contract and quirks', () => {
  it('v1 run: schema requires imageName+imageDigest (400 with ajv details), then the handler needs image (500)', async () => {
    const { server } = await setup();
    const noDigest = await call(server.url, 'POST', '/api/v1/run', { imageName: 'a', image: 'a' });
    expect(noDigest.status).toBe(400);
    expect(noDigest.json).toEqual({ error: 'Validation failed', details: [expect.objectContaining({ keyword: 'required', schemaPath: '#/required', params: { missingProperty: 'imageDigest' } })] });
    const noImage = await call(server.url, 'POST', '/api/v1/run', { imageName: 'a', imageDigest: DIGEST });
    expect(noImage).toMatchObject({ status: 500, json: { error: 'Missing required field: image' } });
    const ok = await call(server.url, 'POST', '/api/v1/run', { imageName: 'a', image: 'a', imageDigest: DIGEST });
    expect(ok.status).toBe(201);
  });

  it('v2 run is a 404 with the flat body unless served', async () => {
    const { server } = await setup();
    expect(await call(server.url, 'POST', '/api/v2/run', { imageName: 'a', imageDigest: DIGEST })).toMatchObject({ status: 404, json: { error: 'Not Found', path: `${server.url}/api/v2/run` } });
    const { server: v2 } = await setup({ serveV2: true });
    const snake = await call(v2.url, 'POST', '/api/v2/run', { image_name: 'a', imageDigest: DIGEST });
    expect(snake.status).toBe(400); // the old client's snake_case fails the v2 schema
    expect(await call(v2.url, 'POST', '/api/v2/run', { imageName: 'a', imageDigest: DIGEST, config: { restart: 'always' } })).toMatchObject({ status: 201 });
    expect((await call(v2.url, 'GET', '/health')).json).toMatchObject({ specVersion: '2.0.0' });
  });

  it('a policy that is not gatekeeper v1 → 400 Invalid policy format', async () => {
    const { server } = await setup();
    const edge = readSvalinnVector('policy/slsa-level4-policy.json');
    const res = await call(server.url, 'POST', '/api/v1/verify', { imageDigest: DIGEST, digest: DIGEST, policy: edge });
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ error: 'Invalid policy format', details: expect.arrayContaining([{ keyword: 'type', schemaPath: '#/properties/version/type', message: 'must be integer', params: { type: 'integer' } }]) });
    expect(res.text).not.toContain('instancePath');
    const mvp = readSvalinnVector('policy/mvp-policy.json');
    expect((await call(server.url, 'POST', '/api/v1/verify', { imageDigest: DIGEST, digest: DIGEST, policy: mvp })).status).toBe(200);
  });

  it('a body that is not JSON → 500 {error}', async () => {
    const { server } = await setup();
    const res = await call(server.url, 'POST', '/api/v1/containers', '{not json');
    expect(res.status).toBe(500);
    expect(typeof (res.json as { error: unknown }).error).toBe('string');
  });

  it('/mcp answers 200 for everything: initialize served, tool failures as isError results', async () => {
    const { server } = await setup();
    expect(await call(server.url, 'POST', '/mcp', '{bad')).toMatchObject({ status: 200, json: { error: { code: -32700 } } });
    expect(await call(server.url, 'POST', '/mcp', { jsonrpc: '2.0', id: 1, method: 'initialize' })).toMatchObject({ status: 200, json: { id: 1, result: { serverInfo: { name: 'svalinn' } } } });
    expect(await call(server.url, 'POST', '/mcp', { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'nope' } })).toMatchObject({ status: 200, json: { result: { isError: true, content: [{ type: 'text', text: 'Unknown tool: nope' }] } } });
    const list = await call(server.url, 'POST', '/mcp', { jsonrpc: '2.0', id: 2, method: 'tools/list' });
    expect((list.json as { result: { tools: { name: string }[] } }).result.tools.map((t) => t.name)).toEqual(['svalinn_run', 'svalinn_ps', 'svalinn_stop', 'svalinn_verify', 'svalinn_policy', 'svalinn_logs', 'svalinn_exec', 'svalinn_rm']);
  });

  it('auth: a 500 without content type on a failed login, public probes open', async () => {
    const { server } = await setup({ auth: { tokens: ['t0k'] } });
    expect(await call(server.url, 'GET', '/api/v1/images')).toMatchObject({ status: 500, text: 'Internal Server Error', type: '' });
    expect(await call(server.url, 'GET', '/api/v1/images', undefined, { authorization: 'Bearer t0k' })).toMatchObject({ status: 200 });
    for (const p of ['/health', '/healthz', '/ready', '/readyz', '/metrics']) expect((await call(server.url, 'GET', p)).status).toBe(200);
  });

  it('records every request, secrets redacted', async () => {
    const { server } = await setup();
    await call(server.url, 'GET', '/api/v1/policies?x=1', undefined, { 'x-api-key': 'k3y' });
    expect(server.requests).toEqual([expect.objectContaining({ method: 'GET', path: '/api/v1/policies', auth: 'api-key', status: 200, body: undefined })]);
    expect(JSON.stringify(server.requests)).not.toContain('k3y');
  });

  it('the backend is pluggable', async () => {
    const runs: BackendRunRequest[] = [];
    const inner = memoryBackend();
    const backend: SvalinnBackend = { ...inner, connected: () => false, run: async (r) => { runs.push(r); return { containerId: 'c'.repeat(64), pid: 4000, status: 'running' }; } };
    const { server, client } = await setup({ backend }, { runApi: 'v1' });
    expect((await client.health()).status).toBe('degraded');
    await client.run({ imageName: 'ghcr.io/acme/api:1', imageDigest: DIGEST, name: 'p_api_1', config: { env: { A: 'b' } } });
    // v1 forwards neither the digest nor detach (recorded).
    expect(runs).toEqual([{ image: 'ghcr.io/acme/api:1', name: 'p_api_1', config: { env: { A: 'b' } }, detach: undefined, digest: undefined }]);
    expect(server.backend).toBe(backend);
  });

  it('faults: 503 N times then ok; a closed server refuses', async () => {
    const { server } = await setup();
    server.fail({ kind: 'json', status: 503, body: { error: 'busy' }, times: 2, path: '/api/v1/images' });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await call(server.url, 'GET', '/api/v1/images')).status);
    expect(statuses).toEqual([503, 503, 200]);
    await server.close();
    await expect(fetch(`${server.url}/health`)).rejects.toThrow();
  });
});
