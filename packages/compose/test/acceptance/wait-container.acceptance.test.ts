/**
 * A one-shot job's end is known when it happens, not at the next poll: the process runtime's
 * `waitContainer` settles with the exit code as its supervisor handles the exit, and the engine
 * wakes on it (issue 14: the real stack's `pg-init` ran for seconds, and its end was noticed up to
 * a poll interval — hundreds of ms — late, while a script running initdb in the foreground
 * continues at once). No wall-clock assertion: the engine is given a clock whose sleeps never end,
 * so a run that completes can only have learned of the exit from the wait.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { Project, type ComposeEvent, type UpOptions } from '@selur/compose';
import { FAST, NODE, cleanup, idle, runtime, stateDir, uniqueName } from './support.js';

afterEach(cleanup);

/** Exits with `code` after `ms`. */
const job = (code: number, ms = 50): string[] => [NODE, '-e', `setTimeout(() => process.exit(${code}), ${ms})`];

/** A clock whose sleeps end only when aborted: nothing that polls ever gets a second look. */
const frozenSleeps: NonNullable<UpOptions['clock']> = {
  now: () => performance.now(),
  sleep: (_ms, signal) => new Promise<void>((_resolve, reject) => signal?.addEventListener('abort', () => reject(signal.reason), { once: true })),
};

describe('waitContainer: a container that exits is known at once (issue 14)', () => {
  test('settles with the exit code of a process this runtime supervises, and of one another runtime object started; a restart is not the end', async () => {
    const dir = stateDir();
    const rt = runtime(dir);
    await using stack = await new Project(uniqueName('wait')).service('job', { command: job(6, 1_000), restart: 'on-failure:1' }).up({ ...FAST, runtime: rt });
    const [info] = await stack.ps();
    expect(['running', 'restarting']).toContain(info?.state); // its first run may be over on a slow machine
    const ours = rt.waitContainer(info?.id ?? ''); // supervised here: its supervisor says when it exits
    const other = runtime(dir).waitContainer(info?.id ?? ''); // another object on the same state reads the record
    await expect(ours).resolves.toBe(6);
    await expect(other).resolves.toBe(6);
    expect(await rt.inspectContainer(info?.id ?? '')).toMatchObject({ state: 'exited', exitCode: 6, restartCount: 1 });
  });

  test('an aborted wait rejects with the reason, and the container runs on', async () => {
    const rt = runtime();
    await using stack = await new Project(uniqueName('wait-abort')).service('steady', { command: idle() }).up({ ...FAST, runtime: rt });
    const [steady] = await stack.ps();
    const controller = new AbortController();
    const waiting = rt.waitContainer(steady?.id ?? '', { signal: controller.signal });
    controller.abort(new Error('enough'));
    await expect(waiting).rejects.toThrow('enough');
    expect((await rt.inspectContainer(steady?.id ?? '')).state).toBe('running');
  });

  test('the engine starts the dependants of a one-shot job when the job exits, without polling for it', async () => {
    const events: ComposeEvent[] = [];
    await using stack = await new Project(uniqueName('wait-engine'))
      .service('init', { command: job(0, 200) })
      .service('app', { command: idle(), depends_on: { init: { condition: 'service_completed_successfully' } } })
      .up({ ...FAST, runtime: runtime(), clock: frozenSleeps, waitForPorts: false, onEvent: (e) => events.push(e) });
    const order = events.filter((e) => e.type === 'service.healthy' || e.type === 'service.started').map((e) => `${e.type}:${'service' in e ? e.service : ''}`);
    expect(order.indexOf('service.healthy:init')).toBeGreaterThan(-1);
    expect(order.indexOf('service.started:app')).toBeGreaterThan(order.indexOf('service.healthy:init'));
    const byService = new Map((await stack.ps()).map((c) => [c.service, c]));
    expect(byService.get('init')).toMatchObject({ state: 'exited', exitCode: 0 });
    expect(byService.get('app')?.state).toBe('running');
  });
});
