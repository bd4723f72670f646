/**
 * The VordrClient against the fake Vörðr: one typed method per tool, the real result shapes, and
 * the exact requests sent.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isInvalidArgumentError, type VordrClient } from '@selur/compose';
import { vordrClient, isVordrError } from '@selur/compose-selur';
import { startVordrServer, type FakeVordrServer } from '../servers/vordr-server.js';

let vordr: FakeVordrServer;
let client: VordrClient;

beforeAll(async () => {
  vordr = await startVordrServer({
    images: [{ id: 'img1', digest: 'sha256:' + 'a'.repeat(64), repository: 'shop/api', tags: ['1.0', 'latest'], size: 2048 }],
    verify: (image) => ({ verified: image === 'shop/api', attestations: [{ type: 'slsa' }], warnings: [] }),
  });
  client = vordrClient({ url: vordr.url, timeout: 5_000 });
});
afterAll(async () => {
  await vordr.close();
});
beforeEach(() => vordr.clearRecords());

describe('vordrClient: containers', () => {
  it('creates (started by default), lists running ones, inspects with parsed config', async () => {
    const created = await client.containerCreate({
      image: 'shop/api',
      name: 'shop_api_1',
      command: ['serve', '--port', '80'],
      config: {
        env: { LOG: 'debug' },
        ports: ['8080:80', { containerPort: 9090, hostPort: 9090, protocol: 'tcp', hostIp: '127.0.0.1' }],
        volumes: ['data:/data', { source: '/srv/conf', target: '/etc/app', readOnly: true }],
        networks: ['backend'],
        restart: 'unless-stopped',
        healthcheck: { test: ['CMD', 'true'], interval: '5s', timeout: '2s', retries: 3, start_period: '10s' },
      },
    });
    expect(created).toEqual({ containerId: expect.stringMatching(/^[0-9a-f]{64}$/), name: 'shop_api_1', image: 'shop/api', status: 'running' });
    expect(vordr.toolCalls()[0]).toEqual({
      tool: 'vordr_container_create',
      canonical: 'vordr_container_create',
      arguments: expect.objectContaining({ image: 'shop/api', name: 'shop_api_1', command: ['serve', '--port', '80'] }),
    });

    const list = await client.containerList();
    expect(list).toEqual([
      { id: created.containerId, name: 'shop_api_1', image: 'shop/api', state: 'running', rawState: 'Running', created: expect.any(String) },
    ]);

    const details = await client.containerInspect(created.containerId);
    expect(details.state).toBe('running');
    expect(details.pid).toEqual(expect.any(Number));
    expect(details.bundlePath).toContain(created.containerId);
    expect(details.config).toMatchObject({ readOnlyRoot: true, restart: 'unless-stopped', env: { LOG: 'debug' } });
    expect(JSON.parse(details.rawConfig)).toEqual(details.config);
    await client.containerRemove(created.containerId, { force: true });
  });

  it('walks the lifecycle create(detach: false) → start → stop → remove with typed results', async () => {
    const { containerId, status } = await client.containerCreate({ image: 'shop/db', name: 'shop_db_1', detach: false });
    expect(status).toBe('created');
    expect(await client.containerList()).toEqual([]);
    expect((await client.containerList({ all: true })).map((c) => c.state)).toEqual(['created']);
    expect(await client.containerStart(containerId)).toEqual({ containerId, pid: expect.any(Number), status: 'running' });
    expect(await client.containerStop(containerId, { timeout: 2 })).toEqual({ containerId, status: 'stopped' });
    const stopped = await client.containerInspect('shop_db_1');
    expect([stopped.state, stopped.pid]).toEqual(['stopped', null]);
    expect(await client.containerRemove(containerId)).toEqual({ containerId, status: 'removed' });
    expect(vordr.toolCalls().map((c) => [c.tool, c.arguments])).toEqual([
      ['vordr_container_create', { image: 'shop/db', name: 'shop_db_1', detach: false }],
      ['vordr_container_list', {}],
      ['vordr_container_list', { all: true }],
      ['vordr_container_start', { containerId }],
      ['vordr_container_stop', { containerId, timeout: 2 }],
      ['vordr_container_inspect', { containerId: 'shop_db_1' }],
      ['vordr_container_remove', { containerId }],
    ]);
  });

  it('run() sends vordr_run; exec returns {containerId, execPid} only', async () => {
    const { containerId } = await client.run({ image: 'shop/worker', name: 'shop_worker_1' });
    expect(vordr.toolCalls()[0]?.tool).toBe('vordr_run');
    const exec = await client.exec(containerId, ['sh', '-c', 'echo hi']);
    expect(exec).toEqual({ containerId, execPid: expect.any(Number) });
    await client.containerRemove(containerId, { force: true });
  });

  it('surfaces tool failures as VordrError with the tool and the server message', async () => {
    const { containerId } = await client.containerCreate({ image: 'x', name: 'shop_fail_1' });
    const error = await client.containerStart(containerId).catch((e: unknown) => e);
    expect(isVordrError(error)).toBe(true);
    expect(error).toMatchObject({ name: 'VordrError', code: 'E_VORDR_TOOL', tool: 'vordr_container_start', rpcCode: -32000 });
    expect((error as Error).message).toMatch(/not in Created state/);
    await client.containerRemove(containerId, { force: true });
  });

  it('sends incrementing request ids', async () => {
    await client.containerList();
    await client.networkList();
    await client.listTools();
    const ids = vordr.rpcs.map((r) => r.id as number);
    expect(ids).toHaveLength(3);
    expect(ids[1]).toBe((ids[0] as number) + 1);
    expect(ids[2]).toBe((ids[0] as number) + 2);
  });
});

describe('vordrClient: networks, volumes, images, health, tools', () => {
  it('creates, lists and removes networks; removing a missing one is a VordrError', async () => {
    expect(await client.networkCreate({ name: 'shop_backend', subnet: '10.90.0.0/24' })).toEqual({ name: 'shop_backend', id: expect.any(String), driver: 'bridge' });
    const networks = await client.networkList();
    expect(networks.find((n) => n.name === 'vordr')?.subnets).toEqual([{ subnet: '10.89.0.0/24', gateway: '10.89.0.1' }]);
    expect(networks.find((n) => n.name === 'shop_backend')?.subnets).toEqual([{ subnet: '10.90.0.0/24' }]);
    expect(await client.networkRemove('shop_backend')).toEqual({ name: 'shop_backend', status: 'removed' });
    await expect(client.networkRemove('shop_backend')).rejects.toMatchObject({ code: 'E_VORDR_TOOL', tool: 'vordr_network_rm' });
  });

  it('creates, lists and removes volumes; removing a missing one succeeds', async () => {
    expect(await client.volumeCreate({ name: 'shop_pgdata' })).toEqual({ name: 'shop_pgdata', path: expect.stringContaining('shop_pgdata'), driver: 'local' });
    expect(await client.volumeList()).toEqual([{ name: 'shop_pgdata', path: expect.any(String) }]);
    expect(await client.volumeRemove('shop_pgdata')).toEqual({ name: 'shop_pgdata', status: 'removed' });
    expect(await client.volumeRemove('shop_pgdata')).toEqual({ name: 'shop_pgdata', status: 'removed' });
    expect(vordr.toolCalls().at(-1)).toEqual({ tool: 'vordr_volume_rm', canonical: 'vordr_volume_rm', arguments: { id: 'shop_pgdata' } });
  });

  it('lists images and verifies them', async () => {
    expect(await client.imageList()).toEqual([{ id: 'img1', digest: 'sha256:' + 'a'.repeat(64), repository: 'shop/api', tags: ['1.0', 'latest'], size: 2048 }]);
    expect(await client.verifyImage('shop/api')).toEqual({ image: 'shop/api', verified: true, attestations: [{ type: 'slsa' }], warnings: [] });
    expect((await client.verifyImage('other')).verified).toBe(false);
  });

  it('reads health and the tool list (input_schema mapped to inputSchema)', async () => {
    expect(await client.health()).toEqual({ status: 'ok', version: '0.1.0', service: 'vordr-mcp' });
    const tools = await client.listTools();
    expect(tools.map((t) => t.name)).toContain('vordr_exec');
    expect(tools.find((t) => t.name === 'vordr_exec')?.inputSchema).toMatchObject({ type: 'object', required: ['command'] });
    expect(vordr.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /health', 'POST /']);
  });

  it('checks arguments before sending: relative bind mounts, compound durations, bad ports, non-local drivers', async () => {
    const attempts = [
      client.containerCreate({ image: 'x', config: { volumes: ['./data:/data'] } }),
      client.containerCreate({ image: 'x', config: { volumes: [{ src: '../conf', dst: '/etc/app' }] } }),
      client.containerCreate({ image: 'x', config: { healthcheck: { test: 'true', interval: '1m30s' as '90s' } } }),
      client.containerCreate({ image: 'x', config: { ports: ['80'] } }),
      client.containerCreate({ image: '' }),
      client.exec('c', []),
      client.volumeCreate({ name: 'v', driver: 'nfs' as 'local' }),
    ];
    for (const attempt of attempts) {
      const error = await attempt.catch((e: unknown) => e);
      expect(isInvalidArgumentError(error), String(error)).toBe(true);
    }
    const relative = await client.containerCreate({ image: 'x', config: { volumes: ['./data:/data'] } }).catch((e: Error) => e);
    expect((relative as Error).message).toMatch(/absolute/);
    expect(vordr.rpcs).toEqual([]);
  });
});
