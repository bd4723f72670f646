/**
 * Issue 14 on Docker (the engine observes containers through the Runtime port, so what the
 * process runtime does here Docker gets too): a service that exits right after it starts fails
 * `up()` with ServiceExitedError; after `up()` a crash is a `service.exited` event.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Project, isServiceExitedError, type ComposeEvent } from '@selur/compose';
import { dockerRuntime } from '@selur/compose-docker';
import { TEST_IMAGE, ensureTestImage, sweep, uniqueProject } from './support/engine.js';

const runtime = dockerRuntime({ init: true });
const names: string[] = [];
const project = (prefix: string) => {
  const name = uniqueProject(prefix);
  names.push(name);
  return new Project(name);
};

beforeAll(async () => {
  await ensureTestImage(runtime);
});
afterAll(async () => {
  for (const name of names) await sweep(runtime, name);
  await runtime.close();
});

describe('a service that dies is noticed, on Docker', () => {
  it('a service without a healthcheck that exits 3 right after it starts fails up() with its exit code and logs', async () => {
    const p = project('dies').service('crash', (s) => s.image(TEST_IMAGE).command(['sh', '-c', 'echo about to exit; exit 3']));
    let error: unknown;
    try {
      await p.up({ runtime, stableFor: 60_000 });
    } catch (e) {
      error = e;
    }
    expect(isServiceExitedError(error)).toBe(true);
    if (!isServiceExitedError(error)) return;
    expect(error.service).toBe('crash');
    expect(error.exitCode).toBe(3);
    expect(error.logs).toContain('about to exit');
  });

  it('after up(), a crash is a service.exited event with the exit code, and ps shows it', async () => {
    const events: ComposeEvent[] = [];
    const p = project('after').service('worker', (s) => s.image(TEST_IMAGE).command(['sh', '-c', 'while [ ! -f /tmp/die ]; do sleep 0.05; done; exit 5']));
    const stack = await p.up({ runtime, onEvent: (e) => events.push(e) });
    try {
      await stack.exec('worker', ['touch', '/tmp/die']);
      const deadline = Date.now() + 30_000;
      while (!events.some((e) => e.type === 'service.exited') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(events.find((e) => e.type === 'service.exited')).toMatchObject({ service: 'worker', exitCode: 5 });
      expect((await stack.ps())[0]).toMatchObject({ state: 'exited', exitCode: 5 });
    } finally {
      await stack.down();
    }
  });
});
