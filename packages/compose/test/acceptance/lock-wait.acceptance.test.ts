/**
 * Issue 14, "waiting is visible": a `down` while another `up` holds the project's lock used to
 * wait in silence. It now says whom it waits for (a `project.waiting` event: the holder's pid,
 * what it does, since when), which the CLI prints.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { isCancelledError, Project, type ComposeEvent } from '@selur/compose';
import { acquireProjectLock } from '../../src/engine/lock.js';
import { FAST, cleanup, idle, runtime, uniqueName } from './support.js';

afterEach(cleanup);

describe('a down that waits for the project lock says for whom (issue 14)', () => {
  test("project.waiting names the holder's pid and its operation, once, then down goes on when the lock is free", async () => {
    const rt = runtime();
    const name = uniqueName('lock-wait');
    const project = new Project(name).service('api', (s) => s.command(idle()));
    await project.up({ ...FAST, runtime: rt });
    const held = await acquireProjectLock(rt.name, name, { operation: 'up' });
    const events: ComposeEvent[] = [];
    const down = project.down({ runtime: rt, lockTimeout: 20_000, onEvent: (e) => events.push(e) });
    for (let i = 0; i < 500 && !events.some((e) => e.type === 'project.waiting'); i++) await new Promise((r) => setTimeout(r, 10));
    expect(events.filter((e) => e.type !== 'project.waiting')).toEqual([]);
    await held.release();
    await down;
    const waiting = events.filter((e) => e.type === 'project.waiting');
    expect(waiting).toHaveLength(1);
    expect(waiting[0]).toMatchObject({ holderPid: process.pid, operation: 'up', project: name });
    expect(events.at(-1)?.type).toBe('down.done');
    expect(await rt.listContainers(name)).toEqual([]);
  });

  test('down({ signal }) stops waiting when the signal aborts: CancelledError, and nothing was stopped', async () => {
    const rt = runtime();
    const name = uniqueName('lock-cancel');
    const project = new Project(name).service('api', (s) => s.command(idle()));
    await project.up({ ...FAST, runtime: rt });
    const held = await acquireProjectLock(rt.name, name, { operation: 'up' });
    try {
      const controller = new AbortController();
      const events: ComposeEvent[] = [];
      const down = project.down({ runtime: rt, lockTimeout: 20_000, signal: controller.signal, onEvent: (e) => events.push(e) });
      for (let i = 0; i < 500 && !events.some((e) => e.type === 'project.waiting'); i++) await new Promise((r) => setTimeout(r, 10));
      controller.abort();
      const error = await down.then(() => undefined, (e: unknown) => e);
      expect(isCancelledError(error)).toBe(true);
      expect(events.map((e) => e.type)).toEqual(['project.waiting']);
      expect((await rt.listContainers(name)).map((c) => c.state)).toEqual(['running']);
    } finally {
      await held.release();
    }
    await project.down({ runtime: rt });
  });
});
