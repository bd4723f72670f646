/**
 * A one-shot job's end is known on Docker when it happens, not at the next poll: `waitContainer`
 * is the engine's `wait` long-poll, and the engine wakes on it (issue 14). No wall-clock
 * assertion: the engine is given a clock whose sleeps never end, so a run that completes can only
 * have learned of the job's exit from the wait.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Project, isContainerNotFoundError, type ComposeEvent, type UpOptions } from '@selur/compose';
import { dockerRuntime } from '@selur/compose-docker';
import { TEST_IMAGE, ensureTestImage, sweep, uniqueProject } from './support/engine.js';

const runtime = dockerRuntime({ init: true });
const projects: string[] = [];
const named = (prefix: string): string => {
  const name = uniqueProject(prefix);
  projects.push(name);
  return name;
};

/** A clock whose sleeps end only when aborted: nothing that polls ever gets a second look. */
const frozenSleeps: NonNullable<UpOptions['clock']> = {
  now: () => performance.now(),
  sleep: (_ms, signal) => new Promise<void>((_resolve, reject) => signal?.addEventListener('abort', () => reject(signal.reason), { once: true })),
};

beforeAll(async () => {
  await ensureTestImage(runtime);
});
afterAll(async () => {
  for (const name of projects) await sweep(runtime, name);
  await runtime.close();
});

describe('waitContainer on Docker: a container that exits is known at once (issue 14)', () => {
  it('settles with the exit code once the container stopped for good: a restart (on-failure) is not the end', async () => {
    const name = named('wait');
    await using stack = await new Project(name)
      .service('job', (s) => s.image(TEST_IMAGE).command(['sh', '-c', 'sleep 1; exit 6']).restart('on-failure:1'))
      .up({ runtime });
    const [info] = await stack.ps();
    const code = await runtime.waitContainer(info?.id ?? '', { signal: AbortSignal.timeout(20_000) });
    expect(code).toBe(6);
    expect(await runtime.inspectContainer(info?.id ?? '')).toMatchObject({ state: 'exited', exitCode: 6, restartCount: 1 });
    // an exited container answers at once, with the same code
    await expect(runtime.waitContainer(info?.id ?? '', { signal: AbortSignal.timeout(10_000) })).resolves.toBe(6);
  });

  it('an aborted wait rejects with the reason, and the container runs on; a missing container is not found', async () => {
    const name = named('wait-abort');
    await using stack = await new Project(name).service('steady', (s) => s.image(TEST_IMAGE).command(['sleep', '300'])).up({ runtime });
    const [steady] = await stack.ps();
    const controller = new AbortController();
    const waiting = runtime.waitContainer(steady?.id ?? '', { signal: controller.signal });
    controller.abort(new Error('enough'));
    await expect(waiting).rejects.toThrow('enough');
    expect((await runtime.inspectContainer(steady?.id ?? '')).state).toBe('running');
    const missing = await runtime.waitContainer('selur-no-such-container', { signal: AbortSignal.timeout(10_000) }).catch((error: unknown) => error);
    expect(isContainerNotFoundError(missing)).toBe(true);
  });

  it('the engine starts the dependants of a one-shot job when the job exits, without polling for it', async () => {
    const name = named('wait-engine');
    const events: ComposeEvent[] = [];
    await using stack = await new Project(name)
      .service('init', (s) => s.image(TEST_IMAGE).command(['sh', '-c', 'sleep 0.3; exit 0']))
      .service('app', (s) => s.image(TEST_IMAGE).command(['sleep', '300']).dependsOn('init', { condition: 'completed_successfully' }))
      .up({ runtime, clock: frozenSleeps, waitForPorts: false, onEvent: (e) => events.push(e) });
    const order = events.filter((e) => e.type === 'service.healthy' || e.type === 'service.started').map((e) => `${e.type}:${'service' in e ? e.service : ''}`);
    expect(order.indexOf('service.healthy:init')).toBeGreaterThan(-1);
    expect(order.indexOf('service.started:app')).toBeGreaterThan(order.indexOf('service.healthy:init'));
    const byService = new Map((await stack.ps()).map((c) => [c.service, c]));
    expect(byService.get('init')).toMatchObject({ state: 'exited', exitCode: 0 });
    expect(byService.get('app')?.state).toBe('running');
  });
});
