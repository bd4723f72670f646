/**
 * The parity file through the selur runtime directly (no engine): networks and volumes, then for
 * each service create → start → list → stop → remove, asserting the exact requests that reach the
 * fake Svalinn and the fake Vörðr, and that every run body passed Svalinn's own schema.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LABEL_CONFIG_HASH, loadProject, type ProjectSpec } from '@selur/compose';
import { LABEL_BUNDLE_DIGEST, LABEL_BUNDLE_PATH } from '@selur/compose-selur';
import { fileDigest, PARITY, requestFor, startStack, svalinnLines, vordrTools, type SelurStack } from './helpers.js';

let stack: SelurStack;
let spec: ProjectSpec;

beforeEach(async () => {
  stack = await startStack();
  spec = (await loadProject(PARITY, { projectName: 'parity' })).toJSON();
});
afterEach(async () => stack.close());

const bridge = { driver: 'bridge', driver_opts: {}, labels: {}, external: false };
const local = { driver: 'local', driver_opts: {}, labels: {}, external: false };

describe('parity.compose.toml through selurRuntime', () => {
  it('creates networks and volumes through Vörðr, named <project>_<name>', async () => {
    const { runtime, vordr } = stack;
    for (const name of ['back', 'front']) {
      const { created, info } = await runtime.ensureNetwork({ project: 'parity', name, runtimeName: `parity_${name}`, spec: { ...spec.networks[name], ...bridge } });
      expect(created).toBe(true);
      expect(info).toMatchObject({ name, runtimeName: `parity_${name}`, project: 'parity' });
    }
    for (const name of ['redisdata', 'webdata']) {
      expect((await runtime.ensureVolume({ project: 'parity', name, runtimeName: `parity_${name}`, spec: { ...spec.volumes[name], ...local } })).created).toBe(true);
    }
    expect((await runtime.ensureNetwork({ project: 'parity', name: 'front', runtimeName: 'parity_front', spec: bridge })).created).toBe(false);
    expect((await runtime.ensureVolume({ project: 'parity', name: 'webdata', runtimeName: 'parity_webdata', spec: local })).created).toBe(false);
    expect(vordr.toolCalls().filter((c) => c.tool.endsWith('_create'))).toEqual([
      { tool: 'vordr_network_create', canonical: 'vordr_network_create', arguments: { name: 'parity_back', driver: 'bridge' } },
      { tool: 'vordr_network_create', canonical: 'vordr_network_create', arguments: { name: 'parity_front', driver: 'bridge' } },
      { tool: 'vordr_volume_create', canonical: 'vordr_volume_create', arguments: { name: 'parity_redisdata', driver: 'local' } },
      { tool: 'vordr_volume_create', canonical: 'vordr_volume_create', arguments: { name: 'parity_webdata', driver: 'local' } },
    ]);
    expect((await runtime.listNetworks('parity')).map((n) => [n.name, n.runtimeName])).toEqual([['back', 'parity_back'], ['front', 'parity_front']]);
    expect((await runtime.listVolumes('parity')).map((v) => v.name)).toEqual(['redisdata', 'webdata']);
    expect(await runtime.listNetworks('other')).toEqual([]);
  });

  it('runs each service through Svalinn v1 with the bundle digest, lists, stops and removes it', async () => {
    const { runtime, svalinn, vordr, bundles } = stack;
    const webDigest = await fileDigest(bundles['nginx:latest.ctp'] as string);
    const redisDigest = await fileDigest(bundles['redis:latest.ctp'] as string);

    for (const service of ['web', 'redis']) {
      const request = requestFor(spec, '/srv/parity', service);
      const created = await runtime.createContainer(request);
      expect(created).toMatchObject({ id: `parity_${service}_1`, name: `parity_${service}_1`, project: 'parity', service, replica: 1, state: 'created', configHash: request.configHash });
      const started = await runtime.startContainer(created.id);
      expect(started).toMatchObject({ id: created.id, state: 'running', configHash: request.configHash, project: 'parity', service, replica: 1 });
      expect(started.startedAt).toBe([...stack.vordr.state.containers.values()].find((c) => c.name === created.name)?.created);
    }

    // Svalinn: v2 is tried once (404 on the current server), then v1 for every run.
    expect(svalinnLines(svalinn)).toEqual(['POST /api/v2/run 404', 'POST /api/v1/run 201', 'POST /api/v1/run 201']);
    const runs = svalinn.requests.filter((r) => r.path === '/api/v1/run');
    for (const r of runs) expect(r.schemaCheck).toEqual({ valid: true, errors: [] });
    const [web, redis] = runs.map((r) => r.body as Record<string, unknown>);
    const webLabels = (web?.['config'] as { labels: Record<string, string> }).labels;
    expect(web).toEqual({
      imageName: 'nginx:latest.ctp',
      image: 'nginx:latest.ctp',
      imageDigest: webDigest,
      digest: webDigest,
      name: 'parity_web_1',
      detach: true,
      config: {
        ports: ['127.0.0.1:8080:80'],
        volumes: ['parity_webdata:/usr/share/nginx/html:ro'],
        networks: ['parity_front'],
        readOnlyRoot: false,
        restart: 'always',
        healthcheck: { test: 'curl -f http://localhost/', interval: '10s', timeout: '3s', retries: 3, startPeriod: '0s', start_period: '0s' },
        labels: webLabels,
      },
    });
    expect(webLabels).toMatchObject({
      'io.selur.compose.project': 'parity',
      'io.selur.compose.service': 'web',
      'io.selur.compose.replica': '1',
      [LABEL_BUNDLE_DIGEST]: webDigest,
      [LABEL_BUNDLE_PATH]: bundles['nginx:latest.ctp'],
    });
    expect(redis).toMatchObject({
      imageName: 'redis:latest.ctp',
      image: 'redis:latest.ctp',
      imageDigest: redisDigest,
      digest: redisDigest,
      name: 'parity_redis_1',
      config: { ports: ['127.0.0.1:6379:6379'], volumes: ['parity_redisdata:/data'], networks: ['parity_back'], readOnlyRoot: false, restart: 'on-failure' },
    });
    expect((redis?.['config'] as Record<string, unknown>)['healthcheck']).toBeUndefined();

    // The run really created Vörðr containers. Svalinn's v1 route forwards no digest (recorded): the
    // local ct verification above was the only check of the bundle.
    expect(stack.forwarded.map((f) => [f.op, (f.arg as { name: string; digest: string }).name, (f.arg as { digest: string }).digest])).toEqual([
      ['run', 'parity_web_1', undefined],
      ['run', 'parity_redis_1', undefined],
    ]);
    expect([webDigest, redisDigest].every((d) => d.startsWith('sha256:'))).toBe(true);
    const created = vordr.toolCalls().filter((c) => c.canonical === 'vordr_container_create');
    // As the real gateway: create (not started), then start.
    expect(created.map((c) => [c.arguments['name'], c.arguments['image'], c.arguments['detach']])).toEqual([
      ['parity_web_1', 'nginx:latest.ctp', false],
      ['parity_redis_1', 'redis:latest.ctp', false],
    ]);
    expect([...vordr.state.containers.values()].map((c) => [c.name, c.state])).toEqual([['parity_web_1', 'Running'], ['parity_redis_1', 'Running']]);

    vordr.clearRecords();
    const listed = await runtime.listContainers('parity');
    expect(listed.map((c) => [c.name, c.service, c.replica, c.state, c.image])).toEqual([
      ['parity_redis_1', 'redis', 1, 'running', 'redis:latest.ctp'],
      ['parity_web_1', 'web', 1, 'running', 'nginx:latest.ctp'],
    ]);
    expect(listed.find((c) => c.service === 'web')?.ports).toEqual([{ target: 80, published: 8080, host: '127.0.0.1', protocol: 'tcp' }]);
    expect(listed.find((c) => c.service === 'web')?.labels[LABEL_CONFIG_HASH]).toBe(requestFor(spec, '/srv/parity', 'web').configHash);
    expect(vordrTools(vordr)).toEqual(['vordr_container_list', 'vordr_container_inspect', 'vordr_container_inspect']);
    expect(vordr.toolCalls()[0]?.arguments).toEqual({ all: true });
    expect(await runtime.listContainers('parit')).toEqual([]);

    vordr.clearRecords();
    for (const c of listed) {
      await runtime.stopContainer(c.id, { timeoutMs: 3_000 });
      expect((await runtime.inspectContainer(c.id)).state).toBe('exited');
      await runtime.removeContainer(c.id);
    }
    expect(vordr.toolCalls().filter((c) => c.canonical === 'vordr_container_stop' || c.canonical === 'vordr_container_remove').map((c) => [c.canonical, c.arguments['timeout'] ?? c.arguments['force'] ?? null])).toEqual([
      ['vordr_container_stop', 3],
      ['vordr_container_remove', null],
      ['vordr_container_stop', 3],
      ['vordr_container_remove', null],
    ]);
    expect(vordr.state.containers.size).toBe(0);
    expect(await runtime.listContainers('parity')).toEqual([]);
    // Svalinn saw the runs only: stop, remove, list and inspect go to Vörðr directly.
    expect(svalinn.requests.length).toBe(3);
  });
});
