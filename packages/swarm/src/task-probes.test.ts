import { describe, expect, it } from 'vitest';
import type { WatchClock } from './project-watch.js';
import { TaskProbes } from './task-probes.js';

function manualClock(): WatchClock & { advance(ms: number): void } {
  let now = 0;
  return { now: () => now, sleep: async () => undefined, advance: (ms) => (now += ms) };
}

/** A probe under the test's control: each run waits until the test ends it, passing or not. */
function controlledProbe() {
  const runs: { id: string; end: (ok: boolean) => void }[] = [];
  const probe = (id: string) => new Promise<boolean>((resolve) => runs.push({ id, end: resolve }));
  return { runs, probe };
}

describe('TaskProbes: our own healthcheck runs while a deploy waits', () => {
  it('one run at a time per container; a passed container is not run again', async () => {
    const clock = manualClock();
    const probes = new TaskProbes(100, 1000, clock);
    const { runs, probe } = controlledProbe();
    probes.poke(['a', 'b'], probe);
    probes.poke(['a', 'b'], probe); // still under way: no second run
    expect(runs.map((r) => r.id)).toEqual(['a', 'b']);
    const ended = probes.runEnds();
    runs[0]?.end(true);
    await ended;
    expect(probes.passed('a')).toBe(true);
    expect(probes.passed('b')).toBe(false);
    clock.advance(10_000);
    probes.poke(['a'], probe);
    expect(runs).toHaveLength(2);
  });

  it('after a failure the next run waits, the pause doubling up to the cap', async () => {
    const clock = manualClock();
    const probes = new TaskProbes(100, 300, clock);
    const { runs, probe } = controlledProbe();
    const failOnce = async (expectedPause: number) => {
      const before = runs.length;
      probes.poke(['a'], probe);
      expect(runs).toHaveLength(before + 1);
      const ended = probes.runEnds();
      runs.at(-1)?.end(false);
      await ended;
      clock.advance(expectedPause - 1);
      probes.poke(['a'], probe); // not due yet
      expect(runs).toHaveLength(before + 1);
      clock.advance(1);
    };
    await failOnce(100);
    await failOnce(200);
    await failOnce(300);
    await failOnce(300);
    probes.poke(['a'], probe);
    expect(runs).toHaveLength(5);
    expect(probes.passed('a')).toBe(false);
  });

  it('a run that throws counts as failed; runEnds is undefined when nothing is under way', async () => {
    const probes = new TaskProbes(100, 1000, manualClock());
    expect(probes.runEnds()).toBeUndefined();
    probes.poke(['a'], () => Promise.reject(new Error('exec: container not running')));
    const ended = probes.runEnds();
    expect(ended).toBeDefined();
    await ended;
    expect(probes.passed('a')).toBe(false);
    expect(probes.runEnds()).toBeUndefined();
  });

  it('forget drops what it knew of the containers', async () => {
    const probes = new TaskProbes(100, 1000, manualClock());
    probes.poke(['a'], async () => true);
    await probes.runEnds();
    expect(probes.passed('a')).toBe(true);
    probes.forget(['a']);
    expect(probes.passed('a')).toBe(false);
  });
});
