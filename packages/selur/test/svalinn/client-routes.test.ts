import { describe, expect, it } from 'vitest';
import type { SvalinnRunRequest } from '@selur/compose';
import { parseGatekeeperPolicy } from '@selur/compose-selur';
import { readSvalinnVector } from '../servers/svalinn-schemas.js';
import { DIGEST, setup } from './helpers.js';

const mvp = parseGatekeeperPolicy(readSvalinnVector('policy/mvp-policy.json'));

const fullRun: SvalinnRunRequest = {
  imageName: 'ghcr.io/acme/api:1.2',
  imageDigest: DIGEST,
  name: 'shop_api_1',
  detach: true,
  policy: mvp,
  bundlePath: '/bundles/api.ctp',
  config: {
    env: { PORT: '80', MODE: 'prod' },
    ports: ['8080:80'],
    volumes: ['data:/var/lib/data', '/srv/app/conf:/etc/app:ro'],
    networks: ['shop_default'],
    secrets: ['/run/secrets/db_password:/run/secrets/db_password:ro'],
    command: ['node', 'server.js'],
    workdir: '/app',
    readOnlyRoot: true,
    privileged: false,
    healthcheck: { test: 'curl -f http://localhost/health', interval: '10s', timeout: '3s', retries: 3, startPeriod: '5s' },
    restart: 'unless-stopped',
  },
};

describe('SvalinnClient routes against the fake Svalinn', () => {
  it('health and ready (a 503 {ready:false} is an answer, not an error)', async () => {
    const { server, client } = await setup();
    const health = await client.health();
    expect(health).toMatchObject({ status: 'healthy', vordrConnected: true, specVersion: 'v0.1.0' });
    expect(typeof health.timestamp).toBe('string');
    expect(await client.ready()).toEqual({ ready: true });
    server.setReady(false, 'vordr unreachable');
    expect(await client.ready()).toEqual({ ready: false, reason: 'vordr unreachable' });
    expect(server.requests.filter((r) => r.path === '/ready')).toHaveLength(2); // a 503 on /ready is not retried
    expect(await client.metrics()).toContain('svalinn_requests_total');
  });

  it('run on a v1 server: the v2 probe 404s, then v1 carries imageName+image and imageDigest+digest', async () => {
    const { server, client } = await setup();
    const started = await client.run(fullRun);
    // Vörðr's start result, passed through (recorded): no name, no image.
    expect(started).toEqual({ containerId: expect.stringMatching(/^[a-f0-9]{64}$/), pid: 4000, status: 'running' });
    expect(started.containerId).toMatch(/^[a-f0-9]{64}$/);
    expect(server.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual(['POST /api/v2/run 404', 'POST /api/v1/run 201']);
    const v1 = server.requests[1];
    expect(v1?.schema).toBe('gateway-run-request.v1');
    expect(v1?.schemaCheck?.valid).toBe(true);
    expect(v1?.body).toEqual({
      imageName: 'ghcr.io/acme/api:1.2',
      image: 'ghcr.io/acme/api:1.2',
      imageDigest: DIGEST,
      digest: DIGEST,
      name: 'shop_api_1',
      detach: true,
      policy: mvp,
      bundlePath: '/bundles/api.ctp',
      config: fullRun.config,
    });
    expect(v1?.headers['content-type']).toContain('application/json');
    expect(client.runApi).toBe('v1');
  });

  it('run on a v2 server sends the camelCase v2 body, valid against gateway-run-request.v2.json', async () => {
    const { server, client } = await setup({ serveV2: true });
    await client.run(fullRun);
    expect(server.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual(['POST /api/v2/run 201']);
    const v2 = server.requests[0];
    expect(v2?.schema).toBe('gateway-run-request.v2');
    expect(v2?.schemaCheck?.valid).toBe(true);
    expect(v2?.body).toEqual({ ...fullRun });
    expect(JSON.stringify(v2?.body)).not.toMatch(/image_name|start_period|read_only/);
  });

  it('containers: create, get, list, start, stop, remove', async () => {
    const { server, client } = await setup();
    const created = await client.containers.create({ image: 'ghcr.io/acme/worker:2', name: 'shop_worker_1', config: { env: { A: '1' } } });
    expect(created).toMatchObject({ name: 'shop_worker_1', status: 'created' });
    const id = created.containerId ?? '';
    expect(await client.containers.get(id)).toMatchObject({ id, name: 'shop_worker_1', state: 'Created', config: '{"env":{"A":"1"}}' });
    expect(await client.containers.start(id)).toMatchObject({ containerId: id, status: 'running' });
    const list = await client.containers.list();
    expect(list).toEqual([expect.objectContaining({ id, name: 'shop_worker_1', image: 'ghcr.io/acme/worker:2', state: 'Running' })]);
    expect(await client.containers.stop(id)).toEqual({ containerId: id, status: 'stopped' });
    expect(await client.containers.remove(id)).toEqual({ containerId: id, status: 'removed' });
    expect(await client.containers.list()).toEqual([]);
    expect(server.requests.map((r) => `${r.method} ${r.path.replace(id, ':id')} ${r.status}`)).toEqual([
      'POST /api/v1/containers 201',
      'GET /api/v1/containers/:id 200',
      'POST /api/v1/containers/:id/start 200',
      'GET /api/v1/containers 200',
      'POST /api/v1/containers/:id/stop 200',
      'DELETE /api/v1/containers/:id 200',
      'GET /api/v1/containers 200',
    ]);
    expect(server.requests[0]?.body).toEqual({ image: 'ghcr.io/acme/worker:2', name: 'shop_worker_1', config: { env: { A: '1' } } });
  });

  it('ids are path-encoded', async () => {
    const { server, client } = await setup();
    await client.containers.get('a/b c').catch(() => undefined);
    expect(server.requests[0]?.path).toBe('/api/v1/containers/a%2Fb%20c');
  });

  it('images: pull (Vörðr has no pull tool: 500), list (Vörðr\'s records), verify', async () => {
    const { server, client } = await setup();
    await expect(client.images.pull('ghcr.io/acme/api:1.2')).rejects.toMatchObject({ status: 500, message: expect.stringContaining('Vörðr answered: Unknown tool: vordr_pull') });
    const images = await client.images.list();
    expect(images).toEqual([{ id: 'img1', digest: DIGEST, repository: 'ghcr.io/acme/api', tags: ['1.2'], size: 1024 }]);
    expect(images[0]?.tags[0]).toBe('1.2');
    expect(await client.images.verify({ digest: DIGEST, policy: mvp })).toEqual({ image: DIGEST, verified: true, attestations: [], warnings: [] });
    expect(server.requests.map((r) => r.body)).toEqual([{ image: 'ghcr.io/acme/api:1.2' }, undefined, { digest: DIGEST, policy: mvp }]);
  });

  it('verify sends both imageDigest (schema) and digest (handler)', async () => {
    const { server, client } = await setup();
    expect(await client.verify({ imageDigest: DIGEST, bundlePath: '/b/api.ctp' })).toMatchObject({ verified: true, image: DIGEST });
    expect(server.requests[0]).toMatchObject({ path: '/api/v1/verify', status: 200, schema: 'gateway-verify-request.v1', body: { imageDigest: DIGEST, digest: DIGEST, bundlePath: '/b/api.ctp' } });
    expect(server.requests[0]?.schemaCheck?.valid).toBe(true);
  });

  it('policies', async () => {
    const { client } = await setup();
    const policies = await client.policies();
    // Evaluation results, not the policy documents (recorded).
    expect(policies.default).toMatchObject({ allowed: true, mode: 'strict', logQuorumMet: true, predicatesFound: ['https://slsa.dev/provenance/v1', 'https://spdx.dev/Document'] });
    expect(policies.permissive).toMatchObject({ allowed: true, mode: 'permissive' });
  });

  it('mcp: tools/call; the JSON text content decoded; an isError result (HTTP 200) thrown as SvalinnMcpToolError', async () => {
    const { server, client } = await setup();
    await client.run({ imageName: 'ghcr.io/acme/api:1.2', imageDigest: DIGEST, name: 'shop_api_1' });
    const ps = (await client.mcp('svalinn_ps')) as { containers: { name: string }[] };
    expect(ps.containers.map((c) => c.name)).toEqual(['shop_api_1']);
    const body = server.requests.at(-1)?.body as Record<string, unknown>;
    expect(body).toMatchObject({ jsonrpc: '2.0', method: 'tools/call', params: { name: 'svalinn_ps', arguments: {} } });
    expect(typeof body['id']).toBe('number');
    await expect(client.mcp('svalinn_policy', { action: 'get' })).resolves.toMatchObject({ default: { mode: 'strict' } });
    await expect(client.mcp('svalinn_stop', { containerId: 'nope' })).rejects.toMatchObject({
      name: 'SvalinnMcpToolError',
      code: 'E_SVALINN_MCP_TOOL',
      status: 200,
      tool: 'svalinn_stop',
      toolMessage: 'svalinn_stop failed: MCP call failed after 3 retries: MCP error -32000: Container not found: nope',
      message: "Svalinn MCP tool 'svalinn_stop' failed: svalinn_stop failed: MCP call failed after 3 retries: MCP error -32000: Container not found: nope",
    });
    await expect(client.mcp('svalinn_verify', { imageDigest: DIGEST } as never)).rejects.toMatchObject({ toolMessage: 'Missing required parameter: image' });
    await expect(client.mcp('svalinn_verify', { image: DIGEST })).resolves.toMatchObject({ verified: true });
  });

  it('every request body the client sent validated against Svalinn\'s schemas', async () => {
    const { server, client } = await setup({ serveV2: false });
    await client.run(fullRun);
    await client.run({ imageName: 'ghcr.io/acme/min:1', imageDigest: DIGEST });
    await client.verify({ imageDigest: DIGEST, policy: mvp });
    const checked = server.requests.filter((r) => r.schema !== undefined);
    expect(checked.map((r) => r.schema)).toEqual(['gateway-run-request.v1', 'gateway-run-request.v1', 'gateway-verify-request.v1']);
    expect(checked.every((r) => r.schemaCheck?.valid === true && r.status !== undefined && r.status < 300)).toBe(true);
  });
});
