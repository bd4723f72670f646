import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Project } from '@selur/compose';
import { dockerRuntime } from '@selur/compose-docker';
import { TEST_IMAGE, ensureTestImage, sweep, uniqueProject } from './support/engine.js';

const runtime = dockerRuntime({ init: true });
const name = uniqueProject('engine');
let dir: string;

beforeAll(async () => {
  await ensureTestImage(runtime);
  dir = await mkdtemp(path.join(tmpdir(), 'selur-docker-engine-'));
  await writeFile(path.join(dir, 'token.txt'), 'tok-123');
});
afterAll(async () => {
  await sweep(runtime, name);
  await runtime.close();
  await rm(dir, { recursive: true, force: true });
});

describe('the engine on Docker', () => {
  it('brings a stack up (healthy dependency, replicas, secret, volume), is idempotent, and tears it down', async () => {
    const project = new Project(name)
      .volume('data')
      .secret('token', { file: path.join(dir, 'token.txt') })
      .service('db', (s) =>
        s
          .image(TEST_IMAGE)
          .command(['sh', '-c', 'sleep 0.3; touch /tmp/ok; exec sleep 300'])
          .healthcheck({ test: 'test -f /tmp/ok', interval: '1s' })
          .volume('data:/data'),
      )
      .service('web', (s) =>
        s
          .image(TEST_IMAGE)
          .command(['sh', '-c', 'cat /run/secrets/token > /www/index.html; exec httpd -f -p 8080 -h /www'])
          .port('0:8080')
          .secret('token')
          .dependsOn('db', { condition: 'healthy' })
          .replicas(2),
      );
    const stack = await project.up({ runtime });
    const endpoint = stack.service('web').endpoint(8080);
    expect(endpoint.host).toBe('127.0.0.1');
    expect(await (await fetch(endpoint.url, { signal: AbortSignal.timeout(2_000) })).text()).toBe('tok-123');
    const containers = await runtime.listContainers(name);
    expect(containers.map((c) => [c.service, c.replica, c.state])).toEqual([
      ['db', 1, 'running'],
      ['web', 1, 'running'],
      ['web', 2, 'running'],
    ]);
    expect(containers[0]?.configHash).toMatch(/\S/);
    await project.plan(runtime, { expectNoChanges: true });
    await stack.down({ volumes: true });
    expect(await runtime.listContainers(name)).toEqual([]);
    expect(await runtime.listNetworks(name)).toEqual([]);
    expect(await runtime.listVolumes(name)).toEqual([]);
  });
});
