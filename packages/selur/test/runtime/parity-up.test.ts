/**
 * A full `up` → `ps` → `down` of parity.compose.toml through the engine on the selur runtime, against
 * the fake Svalinn (forwarding to the fake Vörðr): networks and volumes first, one verified run per
 * service with the bundle's digest, names `<project>_<service>_1`, and a second `up` that changes
 * nothing (the config hash comes back from Vörðr's config).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isServiceStartError, loadProject, type Project } from '@selur/compose';
import { fileDigest, PARITY, startStack, svalinnLines, type SelurStack } from './helpers.js';

let stack: SelurStack;
let project: Project;

beforeEach(async () => {
  stack = await startStack();
  project = await loadProject(PARITY, { projectName: 'parity' });
});
afterEach(async () => stack.close());

describe('up → ps → down of parity.compose.toml on selurRuntime', () => {
  it('deploys both services after their networks and volumes, then tears everything down', async () => {
    const { runtime, svalinn, vordr, bundles } = stack;
    // Vörðr reports no health: the web healthcheck cannot be awaited, so up does not wait.
    const up = await project.up({ runtime, parallel: 1, timeout: 20_000, wait: false });

    const tools = vordr.toolCalls().map((c) => `${c.canonical}${typeof c.arguments['name'] === 'string' ? ` ${c.arguments['name']}` : ''}`);
    const creates = tools.filter((t) => /_(network|volume|container)_create /.test(t));
    // Networks and volumes (ensured concurrently, so in any order among themselves), then the services.
    expect(creates.slice(0, 4).sort()).toEqual([
      'vordr_network_create parity_back',
      'vordr_network_create parity_front',
      'vordr_volume_create parity_redisdata',
      'vordr_volume_create parity_webdata',
    ]);
    expect(creates.slice(4)).toEqual(['vordr_container_create parity_redis_1', 'vordr_container_create parity_web_1']);
    // Every network and volume exists before the first container is run.
    const firstRun = tools.findIndex((t) => t.startsWith('vordr_container_create'));
    expect(tools.slice(firstRun).some((t) => /_(network|volume)_create/.test(t))).toBe(false);

    expect(svalinnLines(svalinn)).toEqual(['POST /api/v2/run 404', 'POST /api/v1/run 201', 'POST /api/v1/run 201']);
    const runs = svalinn.requests.filter((r) => r.path === '/api/v1/run');
    expect(runs.map((r) => (r.body as { name: string }).name)).toEqual(['parity_redis_1', 'parity_web_1']);
    expect(runs.map((r) => (r.body as { imageDigest: string }).imageDigest)).toEqual([await fileDigest(bundles['redis:latest.ctp'] as string), await fileDigest(bundles['nginx:latest.ctp'] as string)]);
    expect(runs.map((r) => (r.body as { digest: string }).digest)).toEqual(runs.map((r) => (r.body as { imageDigest: string }).imageDigest));
    expect(runs.map((r) => (r.body as { image: string }).image)).toEqual(['redis:latest.ctp', 'nginx:latest.ctp']);
    expect(runs.every((r) => r.schemaCheck?.valid === true)).toBe(true);

    const ps = await up.ps();
    expect(ps.map((c) => [c.name, c.service, c.replica, c.state])).toEqual([
      ['parity_redis_1', 'redis', 1, 'running'],
      ['parity_web_1', 'web', 1, 'running'],
    ]);

    // Nothing changed: a second up runs nothing and creates nothing.
    const before = svalinn.requests.length;
    const createsBefore = vordr.toolCalls().filter((c) => c.canonical?.endsWith('_create')).length;
    await project.up({ runtime, parallel: 1, timeout: 20_000, wait: false });
    expect(svalinn.requests.slice(before).filter((r) => r.method === 'POST')).toEqual([]);
    expect(vordr.toolCalls().filter((c) => c.canonical?.endsWith('_create')).length).toBe(createsBefore);
    const plan = await project.plan(runtime);
    expect(plan.hasChanges).toBe(false);
    expect(plan.services.map((s) => [s.name, s.action])).toEqual([['redis', 'unchanged'], ['web', 'unchanged']]);

    await project.down({ runtime, volumes: true });
    expect(vordr.state.containers.size).toBe(0);
    expect([...vordr.state.networks.keys()]).toEqual(['vordr']);
    expect(vordr.state.volumes.size).toBe(0);
    expect(await runtime.listContainers('parity')).toEqual([]);
  });

  it('refuses to wait on a healthcheck it cannot see, and rolls back', async () => {
    const error = await project.up({ runtime: stack.runtime, parallel: 1, timeout: 20_000 }).then(() => undefined, (e: unknown) => e);
    expect(isServiceStartError(error)).toBe(true);
    expect(String(error)).toMatch(/web: the selur runtime cannot run healthchecks/);
    expect(stack.vordr.state.containers.size).toBe(0);
    expect(await stack.runtime.listNetworks('parity')).toEqual([]);
  });

  it("waits on healthchecks from the running state with health: 'running-state'", async () => {
    await using local = await startStack({ runtime: { health: 'running-state' } });
    expect(local.runtime.capabilities.has('health')).toBe(true);
    // The fake Vörðr runs no process: nothing answers redis's published port, so only the
    // healthcheck is awaited here, not the default readiness of published ports.
    const up = await project.up({ runtime: local.runtime, parallel: 1, timeout: 20_000, waitForPorts: false });
    const web = (await up.ps()).find((c) => c.service === 'web');
    expect(web).toMatchObject({ state: 'running', health: 'healthy' });
    expect(await local.runtime.probeHealth(web?.id as string)).toMatchObject({ healthy: true, exitCode: 0 });
    await up.down();
    expect(local.vordr.state.containers.size).toBe(0);
  });
});
