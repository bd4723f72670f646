/**
 * Checks that the fake Vörðr behaves as `docs/reference/vordr-mcp.md` says the real server does,
 * with raw HTTP (no client), so the client tests that rely on it can be trusted.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FAKE_TOOL_NAMES, startVordrServer, type FakeVordrServer } from '../servers/vordr-server.js';

let vordr: FakeVordrServer;
let nextId = 0;

async function rpc(method: string, params?: unknown, extra: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  nextId += 1;
  const res = await fetch(vordr.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: nextId, method, ...(params === undefined ? {} : { params }), ...extra }),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown>;
}

async function call(name: string, args: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  const body = await rpc('tools/call', { name, arguments: args });
  if (body['error'] != null) throw new Error(`unexpected error: ${JSON.stringify(body['error'])}`);
  return body['result'] as Record<string, unknown>;
}

async function callError(name: string, args: Record<string, unknown> = {}): Promise<{ code: number; message: string }> {
  const body = await rpc('tools/call', { name, arguments: args });
  expect(body['result']).toBeNull();
  return body['error'] as { code: number; message: string };
}

beforeAll(async () => {
  vordr = await startVordrServer();
});
afterAll(async () => {
  await vordr.close();
});
beforeEach(() => vordr.clearRecords());

describe('fake vordr: transport', () => {
  it('always sends both result and error, one of them null', async () => {
    const ok = await rpc('tools/list');
    expect(Object.keys(ok).sort()).toEqual(['error', 'id', 'jsonrpc', 'result']);
    expect(ok['error']).toBeNull();
    const bad = await rpc('ping');
    expect(Object.keys(bad).sort()).toEqual(['error', 'id', 'jsonrpc', 'result']);
    expect(bad['result']).toBeNull();
  });

  it.each(['initialize', 'ping', 'resources/list'])('answers %s with -32601', async (method) => {
    const body = await rpc(method);
    expect((body['error'] as { code: number }).code).toBe(-32601);
  });

  it('answers jsonrpc other than "2.0" with -32600, echoing the id', async () => {
    const body = await rpc('tools/list', undefined, { jsonrpc: '1.0' });
    expect(body['id']).toBe(nextId);
    expect((body['error'] as { code: number }).code).toBe(-32600);
  });

  it('returns a missing id as null', async () => {
    const res = await fetch(vordr.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"jsonrpc":"2.0","method":"tools/list"}' });
    const body = (await res.json()) as Record<string, unknown>;
    expect(body['id']).toBeNull();
    expect(body['error']).toBeNull();
  });

  it('answers bad JSON, a missing content type and a wrong body at the HTTP layer', async () => {
    const post = (body: string, headers: Record<string, string>) => fetch(vordr.url, { method: 'POST', headers, body });
    expect((await post('{nope', { 'content-type': 'application/json' })).status).toBe(400);
    expect((await post('{"jsonrpc":"2.0","id":1,"method":"tools/list"}', {})).status).toBe(415);
    expect((await post('{"id":1}', { 'content-type': 'application/json' })).status).toBe(422);
    expect((await fetch(`${vordr.url}/api/v1/containers`)).status).toBe(404);
  });

  it('answers tools/call without a tool name with -32602, and GET / with 405', async () => {
    expect(((await rpc('tools/call', { arguments: {} }))['error'] as { code: number }).code).toBe(-32602);
    expect((await fetch(vordr.url)).status).toBe(405);
  });

  it('serves GET /health and GET /tools', async () => {
    expect(await (await fetch(`${vordr.url}/health`)).json()).toEqual({ status: 'ok', version: '0.1.0', service: 'vordr-mcp' });
    const tools = (await (await fetch(`${vordr.url}/tools`)).json()) as { tools: { name: string }[] };
    expect(tools.tools.map((t) => t.name)).toEqual(FAKE_TOOL_NAMES);
  });

  it('lists tools with snake_case input_schema, including vordr_logs and vordr_pull, which answer "Unknown tool"', async () => {
    const { tools } = (await rpc('tools/list'))['result'] as { tools: Record<string, unknown>[] };
    for (const tool of tools) expect(tool).toHaveProperty('input_schema.type', 'object');
    expect(tools.map((t) => t['name'])).toEqual(expect.arrayContaining(['vordr_logs', 'vordr_pull', 'vordr_container_create', 'vordr_volume_rm']));
    for (const name of ['vordr_logs', 'vordr_pull', 'vordr_top']) {
      expect(await callError(name, { containerId: 'x' })).toEqual({ code: -32000, message: `Unknown tool: ${name}` });
    }
  });
});

describe('fake vordr: containers', () => {
  it('creates and starts by default, lists only running ones unless all, with capitalised states', async () => {
    const running = await call('vordr_container_create', { image: 'shop/api', name: 'c_api_1' });
    expect(running).toEqual({ containerId: expect.stringMatching(/^[0-9a-f]{64}$/), name: 'c_api_1', image: 'shop/api', status: 'running' });
    const created = await call('vordr_run', { image: 'shop/db', name: 'c_db_1', detach: false });
    expect(created['status']).toBe('created');
    const ps = (await call('vordr_ps')) as { containers: Record<string, unknown>[] };
    expect(ps.containers.map((c) => [c['name'], c['state']])).toEqual([['c_api_1', 'Running']]);
    expect(Object.keys(ps.containers[0] ?? {}).sort()).toEqual(['created', 'id', 'image', 'name', 'state']);
    const all = (await call('vordr_container_list', { all: true })) as { containers: Record<string, unknown>[] };
    expect(all.containers.map((c) => c['state']).sort()).toEqual(['Created', 'Running']);
  });

  it('starts only Created containers, stops only running ones, and accepts `container` for `containerId`', async () => {
    const { containerId } = await call('vordr_container_create', { image: 'x', name: 'c_start', detach: false });
    expect(await call('vordr_container_start', { container: containerId })).toEqual({ containerId, pid: expect.any(Number), status: 'running' });
    expect((await callError('vordr_container_start', { containerId })).message).toMatch(/Created/);
    expect(await call('vordr_stop', { containerId, timeout: 1 })).toEqual({ containerId, status: 'stopped' });
    expect((await callError('vordr_container_stop', { containerId })).code).toBe(-32000);
    expect((await call('vordr_inspect', { containerId }))['state']).toBe('Stopped');
  });

  it('inspects with config as a JSON string, with readOnlyRoot defaulting to true', async () => {
    const config = { env: { A: '1' }, ports: ['8080:80', { containerPort: 53, protocol: 'udp' }], restart: 'always', healthcheck: { test: 'true', interval: '5s', start_period: '1m' } };
    const { containerId } = await call('vordr_container_create', { image: 'x', name: 'c_inspect', config });
    const details = await call('vordr_container_inspect', { containerId });
    expect(Object.keys(details).sort()).toEqual(['bundlePath', 'config', 'created', 'id', 'image', 'name', 'pid', 'state']);
    expect(typeof details['config']).toBe('string');
    expect(JSON.parse(details['config'] as string)).toMatchObject({ ...config, readOnlyRoot: true, privileged: false });
  });

  it('rejects relative volume sources and bad healthcheck durations as tool failures', async () => {
    expect((await callError('vordr_container_create', { image: 'x', config: { volumes: ['./data:/data'] } })).message).toMatch(/relative/);
    expect((await callError('vordr_container_create', { image: 'x', config: { healthcheck: { test: 'true', interval: '1m30s' } } })).code).toBe(-32000);
    expect((await callError('vordr_container_create', { name: 'no-image' })).message).toMatch(/image/);
  });

  it('execs into running containers with {containerId, execPid} only, and removes with force', async () => {
    const { containerId } = await call('vordr_container_create', { image: 'x', name: 'c_exec' });
    const exec = await call('vordr_exec', { containerId, command: ['ls'] });
    expect(exec).toEqual({ containerId, execPid: expect.any(Number) });
    expect((await callError('vordr_rm', { containerId })).message).toMatch(/force/);
    expect(await call('vordr_container_remove', { containerId, force: true })).toEqual({ containerId, status: 'removed' });
    expect((await callError('vordr_container_inspect', { containerId })).message).toMatch(/not found/i);
  });
});

describe('fake vordr: networks, volumes, images', () => {
  it('has the default vordr network; network_rm errors when the network is missing', async () => {
    const { networks } = (await call('vordr_network_ls')) as { networks: Record<string, unknown>[] };
    expect(networks[0]).toMatchObject({ name: 'vordr', driver: 'bridge', subnets: [{ subnet: '10.89.0.0/24', gateway: '10.89.0.1' }] });
    expect(await call('vordr_network_create', { name: 'n1' })).toEqual({ name: 'n1', id: expect.any(String), driver: 'bridge' });
    const after = (await call('vordr_network_ls')) as { networks: Record<string, unknown>[] };
    expect(after.networks.find((n) => n['name'] === 'n1')?.['subnets']).toBeNull();
    expect(await call('vordr_network_rm', { name: 'n1' })).toEqual({ name: 'n1', status: 'removed' });
    expect((await callError('vordr_network_rm', { name: 'n1' })).code).toBe(-32000);
  });

  it('volume_rm succeeds when the volume is missing; only the local driver exists', async () => {
    expect(await call('vordr_volume_create', { name: 'v1' })).toEqual({ name: 'v1', path: expect.any(String), driver: 'local' });
    expect(await call('vordr_volume_ls')).toEqual({ volumes: [{ name: 'v1', path: expect.any(String) }] });
    expect(await call('vordr_volume_rm', { id: 'v1' })).toEqual({ id: 'v1', status: 'removed' });
    expect(await call('vordr_volume_rm', { id: 'v1' })).toEqual({ id: 'v1', status: 'removed' });
    expect((await callError('vordr_volume_create', { name: 'v2', driver: 'nfs' })).message).toMatch(/local/);
  });

  it('lists images wrapped and verifies with {image, verified, attestations, warnings}', async () => {
    expect(await call('vordr_images')).toEqual({ images: [] });
    expect(await call('vordr_verify_image', { image: 'x' })).toEqual({ image: 'x', verified: false, attestations: [], warnings: [expect.any(String)] });
  });

  it('records every call with the tool as sent and its canonical name', async () => {
    await call('vordr_ps', { all: true });
    expect(vordr.toolCalls()).toEqual([{ tool: 'vordr_ps', canonical: 'vordr_container_list', arguments: { all: true } }]);
  });
});
