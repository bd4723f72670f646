import { describe, expect, it } from 'vitest';
import type { SwarmService, SwarmTask } from './mapping/swarm-types.js';
import { ProjectWatch, type ProjectView, type WatchClock } from './project-watch.js';

/** A clock that only moves when a sleep is asked for (each sleep moves it by exactly that). */
function fakeClock(): WatchClock & { sleeps: number[] } {
  let now = 1_000;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
  };
}

/** A fake engine: each read is one "request", answered with a view naming its number. */
function fakeEngine(clock: WatchClock) {
  const reads: { project: string; at: number }[] = [];
  let fail: Error | undefined;
  let gate: Promise<void> = Promise.resolve();
  const read = async (project: string): Promise<ProjectView> => {
    reads.push({ project, at: clock.now() });
    await gate;
    if (fail) throw fail;
    const n = reads.length;
    return { services: [{ ID: `read-${n}` } as unknown as SwarmService], tasks: [] as SwarmTask[] };
  };
  return {
    reads,
    read,
    failNext: (e: Error | undefined) => (fail = e),
    /** Holds the reads until the returned function is called. */
    hold: () => {
      let release = () => {};
      gate = new Promise((resolve) => (release = resolve));
      return release;
    },
  };
}

const readNumber = (view: ProjectView) => view.services[0]?.ID;

describe('ProjectWatch: one poll of a project shared by every deploy waiting on it', () => {
  it('10 services waiting at once: one read answers all of them', async () => {
    const clock = fakeClock();
    const engine = fakeEngine(clock);
    const watch = new ProjectWatch(engine.read, 100, clock);
    const views = await Promise.all(Array.from({ length: 10 }, () => watch.next('shop')));
    expect(engine.reads).toHaveLength(1);
    expect(views.map(readNumber)).toEqual(Array(10).fill('read-1'));
  });

  it('tick after tick: one read per tick for all waiters, reads begin at most every interval', async () => {
    const clock = fakeClock();
    const engine = fakeEngine(clock);
    const watch = new ProjectWatch(engine.read, 100, clock);
    const waiter = async () => {
      const seen: string[] = [];
      for (let i = 0; i < 5; i++) seen.push(readNumber(await watch.next('shop')) ?? '');
      return seen;
    };
    const all = await Promise.all(Array.from({ length: 10 }, waiter));
    expect(engine.reads).toHaveLength(5);
    for (const seen of all) expect(seen).toEqual(['read-1', 'read-2', 'read-3', 'read-4', 'read-5']);
    const starts = engine.reads.map((r) => r.at);
    for (let i = 1; i < starts.length; i++) expect((starts[i] as number) - (starts[i - 1] as number)).toBeGreaterThanOrEqual(100);
  });

  it('a waiter that asks while a read is under way gets the next read, not that one', async () => {
    const clock = fakeClock();
    const engine = fakeEngine(clock);
    const watch = new ProjectWatch(engine.read, 100, clock);
    const release = engine.hold();
    const first = watch.next('shop');
    await new Promise((resolve) => setImmediate(resolve));
    expect(engine.reads).toHaveLength(1); // under way, held
    const second = watch.next('shop');
    release();
    expect(readNumber(await first)).toBe('read-1');
    expect(readNumber(await second)).toBe('read-2');
    expect(engine.reads).toHaveLength(2);
  });

  it('projects are polled apart', async () => {
    const clock = fakeClock();
    const engine = fakeEngine(clock);
    const watch = new ProjectWatch(engine.read, 100, clock);
    await Promise.all([watch.next('shop'), watch.next('shop'), watch.next('blog')]);
    expect(engine.reads.map((r) => r.project).sort()).toEqual(['blog', 'shop']);
  });

  it('a failed read fails every waiter of that read; the next ask reads again', async () => {
    const clock = fakeClock();
    const engine = fakeEngine(clock);
    const watch = new ProjectWatch(engine.read, 100, clock);
    engine.failNext(new Error('engine down'));
    const results = await Promise.allSettled([watch.next('shop'), watch.next('shop')]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    engine.failNext(undefined);
    expect(readNumber(await watch.next('shop'))).toBe('read-2');
  });

  it('a waiter that gives up (abort) is dropped; when none is left, no read is made', async () => {
    const clock: WatchClock = { now: () => 0, sleep: () => new Promise((resolve) => setTimeout(resolve, 5)) };
    const engine = fakeEngine(clock);
    const watch = new ProjectWatch(engine.read, 100, clock);
    await watch.next('shop'); // read 1 at time 0: the next one waits out the interval (a real 5 ms sleep here)
    const abort = new AbortController();
    const gaveUp = watch.next('shop', abort.signal);
    abort.abort(new Error('cancelled'));
    await expect(gaveUp).rejects.toThrow('cancelled');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(engine.reads).toHaveLength(1);
  });
});
