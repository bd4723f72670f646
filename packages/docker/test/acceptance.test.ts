/**
 * Acceptance on Docker (issue 3), through the public entries only: plan reasons and an idempotent
 * second up (no mutating Engine call), replica-aware endpoints published on 127.0.0.1, labels on
 * what it creates, exec, merged logs, a failure mid-up rolled back with a typed error, and the
 * typed error for a `.ctp` image.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  LABEL_CONFIG_HASH,
  LABEL_PROJECT,
  LABEL_REPLICA,
  LABEL_SERVICE,
  Project,
  Wait,
  isCancelledError,
  isServiceExitedError,
  isServiceFailureError,
  type Runtime,
} from '@selur/compose';
import { dockerRuntime, isBundleNotRunnableError } from '@selur/compose-docker';
import { TEST_IMAGE, ensureTestImage, sweep, uniqueProject } from './support/engine.js';

const runtime = dockerRuntime({ init: true });
const projects: string[] = [];
const fast = { pollFirstMs: 5, pollCapMs: 100 } as const;

beforeAll(async () => {
  await ensureTestImage(runtime);
});
afterEach(async () => {
  for (const p of projects.splice(0)) await sweep(runtime, p);
});
afterAll(async () => {
  await runtime.close();
});

function named(prefix: string): string {
  const name = uniqueProject(`acc-${prefix}`);
  projects.push(name);
  return name;
}

const MUTATING = new Set(['ensureNetwork', 'ensureVolume', 'createContainer', 'startContainer', 'stopContainer', 'removeContainer', 'removeNetwork', 'removeVolume', 'restartContainer', 'buildImage']);
function recording(inner: Runtime): { runtime: Runtime; calls: string[] } {
  const calls: string[] = [];
  const proxy = new Proxy(inner, {
    get(target, key, receiver) {
      const value: unknown = Reflect.get(target, key, receiver);
      if (typeof value !== 'function') return value;
      const fn = (value as (...args: unknown[]) => unknown).bind(target);
      if (!MUTATING.has(String(key))) return fn;
      return (...args: unknown[]) => {
        calls.push(String(key));
        return fn(...args);
      };
    },
  });
  return { runtime: proxy, calls };
}

function web(name: string, greeting: string): Project {
  return new Project(name)
    .service('db', (s) => s.image(TEST_IMAGE).command(['sh', '-c', 'touch /tmp/ok; exec sleep 300']).healthcheck({ test: 'test -f /tmp/ok', interval: '1s', start_interval: '50ms' }))
    .service('web', (s) =>
      s
        .image(TEST_IMAGE)
        .command(['sh', '-c', `echo ${greeting} > /www/index.html; echo serving; exec httpd -f -p 8080 -h /www`])
        .port('0:8080')
        .env({ GREETING: greeting })
        .replicas(2)
        .dependsOn('db', { condition: 'healthy' })
        .waitFor(Wait.forHttp('/', { port: 8080 })),
    );
}

describe('acceptance on Docker', () => {
  it('up, endpoints per replica on 127.0.0.1, labels, exec, logs; second up changes nothing; a changed service alone is recreated', async () => {
    const name = named('stack');
    const { runtime: rt, calls } = recording(runtime);
    const stack = await web(name, 'one').up({ ...fast, runtime: rt });
    const e1 = stack.service('web').endpoint(8080);
    const e2 = stack.service('web').endpoint(8080, { replica: 2 });
    expect(e1.host).toBe('127.0.0.1');
    expect(e2.port).not.toBe(e1.port);
    for (const e of [e1, e2]) expect((await (await fetch(e.url, { signal: AbortSignal.timeout(3_000) })).text()).trim()).toBe('one');

    const containers = await runtime.listContainers(name);
    for (const c of containers) {
      expect(c.labels[LABEL_PROJECT]).toBe(name);
      expect(c.labels[LABEL_SERVICE]).toBe(c.service);
      expect(c.labels[LABEL_REPLICA]).toBe(String(c.replica));
      expect(c.labels[LABEL_CONFIG_HASH]).toMatch(/^[0-9a-f]{16,}$/);
    }
    expect(await stack.exec('web', ['sh', '-c', 'echo $GREETING; echo err >&2; exit 2'], { replica: 2 })).toEqual({ exitCode: 2, stdout: 'one\n', stderr: 'err\n' });
    const lines: string[] = [];
    for await (const l of stack.logs('web')) lines.push(`${l.service}#${l.replica}:${l.text}`);
    expect(lines.sort()).toEqual(['web#1:serving', 'web#2:serving']);

    calls.length = 0;
    await web(name, 'one').up({ ...fast, runtime: rt });
    expect(calls).toEqual([]);

    const plan = await web(name, 'two').plan(rt);
    expect(plan.services.map((s) => `${s.name}:${s.action}:${s.reasons.join('|')}`)).toEqual(['db:unchanged:', 'web:recreate:command changed|environment.GREETING changed']);
    const dbId = containers.find((c) => c.service === 'db')?.id;
    const changed = await web(name, 'two').up({ ...fast, runtime: rt });
    expect(calls.filter((c) => c === 'createContainer')).toHaveLength(2);
    expect((await changed.ps()).find((c) => c.service === 'db')?.id).toBe(dbId);
    await changed.down({ volumes: true });
    expect(await runtime.listContainers(name)).toEqual([]);
    expect(await runtime.listNetworks(name)).toEqual([]);
  });

  it('a failure mid-up: typed error with exit code and logs; nothing of the run left', async () => {
    const name = named('fail');
    const project = new Project(name)
      .volume('scratch')
      .service('ok', { image: TEST_IMAGE, command: ['sleep', '300'] })
      .service('bad', (s) => s.image(TEST_IMAGE).command(['sh', '-c', 'echo about to fail; exit 6']).volume('scratch:/scratch').waitFor(Wait.forExitZero()))
      .service('after', { image: TEST_IMAGE, command: ['sleep', '300'], depends_on: { bad: { condition: 'service_healthy' } } });
    const error = await project.up({ ...fast, runtime }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isServiceExitedError(error)).toBe(true);
    if (!isServiceFailureError(error)) return;
    expect(error.service).toBe('bad');
    expect(error.exitCode).toBe(6);
    expect(error.logs).toEqual(['about to fail']);
    expect(error.skipped).toEqual(['after']);
    const fresh = dockerRuntime();
    try {
      expect(await fresh.listContainers(name)).toEqual([]);
      expect(await fresh.listNetworks(name)).toEqual([]);
      expect(await fresh.listVolumes(name)).toEqual([]);
    } finally {
      await fresh.close();
    }
  });

  it('abort mid-up: CancelledError, and nothing of the run is left (containers, network, volume)', async () => {
    const name = named('abort');
    const controller = new AbortController();
    const project = new Project(name)
      .volume('data')
      .service('slow', (s) => s.image(TEST_IMAGE).command(['sleep', '300']).volume('data:/data').port('0:8080').waitFor(Wait.forPort(8080)))
      .service('after', { image: TEST_IMAGE, command: ['sleep', '300'], depends_on: { slow: { condition: 'service_healthy' } } });
    const error = await project
      .up({ ...fast, runtime, signal: controller.signal, onEvent: (e) => { if (e.type === 'service.started') controller.abort(); } })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(isCancelledError(error)).toBe(true);
    expect(await runtime.listContainers(name)).toEqual([]);
    expect(await runtime.listNetworks(name)).toEqual([]);
    expect(await runtime.listVolumes(name)).toEqual([]);
  });

  it('a .ctp image is refused with a typed error naming the service and suggesting an OCI image', async () => {
    const name = named('ctp');
    const error = await new Project(name)
      .service('api', { image: 'ghcr.io/org/api:v1.ctp' })
      .up({ ...fast, runtime })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    const inner = isServiceFailureError(error) ? error.cause : error;
    expect(isBundleNotRunnableError(inner) || isBundleNotRunnableError(error)).toBe(true);
    expect(String((error as Error).message)).toMatch(/api/);
    expect(String((inner as Error).message)).toMatch(/OCI image|selur/i);
    expect(await runtime.listContainers(name)).toEqual([]);
  });
});
