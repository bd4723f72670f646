import { describe, expect, it } from 'vitest';
import { PollRing, type RingTimer } from './poll-ring.js';

/** A timer driven by hand: counts how many timers run and ticks on demand. */
function manualTimer(): RingTimer & { running: number; fire(): void } {
  let tick: (() => void) | undefined;
  const timer = {
    running: 0,
    start(fn: () => void) {
      timer.running++;
      tick = fn;
      return { stop: () => ((timer.running--), (tick = undefined)) };
    },
    fire() {
      tick?.();
    },
  };
  return timer;
}

function members(n: number): { polls: number[]; list: { poll(): void }[] } {
  const polls = new Array<number>(n).fill(0);
  return { polls, list: polls.map((_, i) => ({ poll: () => void polls[i]!++ })) };
}

describe('PollRing (one timer for every tailer, bounded work per tick)', () => {
  it('runs one timer however many members it has, and none once empty', () => {
    const timer = manualTimer();
    const ring = new PollRing(100, 64, timer);
    const { list } = members(2_000);
    for (const m of list) ring.add(m);
    expect(timer.running).toBe(1);
    for (const m of list) ring.delete(m);
    expect(timer.running).toBe(0);
    expect(ring.size).toBe(0);
  });

  it('polls at most perTick members per tick at any size, so a tick costs the same with 50 or 2,000 services', () => {
    for (const n of [50, 400, 2_000]) {
      const timer = manualTimer();
      const ring = new PollRing(100, 64, timer);
      const { polls, list } = members(n);
      for (const m of list) ring.add(m);
      timer.fire();
      expect(polls.reduce((a, b) => a + b, 0)).toBe(Math.min(n, 64));
    }
  });

  it('with no more than perTick members, polls each on every tick (as a timer of its own did)', () => {
    const timer = manualTimer();
    const ring = new PollRing(100, 64, timer);
    const { polls, list } = members(64);
    for (const m of list) ring.add(m);
    for (let i = 0; i < 3; i++) timer.fire();
    expect(polls).toEqual(new Array(64).fill(3));
  });

  it('visits every member once per round of ⌈size / perTick⌉ ticks, fairly, across removals', () => {
    const timer = manualTimer();
    const ring = new PollRing(100, 64, timer);
    const { polls, list } = members(2_000);
    for (const m of list) ring.add(m);
    const rounds = Math.ceil(2_000 / 64);
    for (let i = 0; i < rounds; i++) timer.fire();
    expect(Math.min(...polls)).toBe(1);
    expect(Math.max(...polls)).toBeLessThanOrEqual(2);
    // a quarter leave: the rest are still all reached within a round of the smaller ring
    for (const m of list.slice(0, 500)) ring.delete(m);
    const before = polls.slice(500);
    for (let i = 0; i < Math.ceil(1_500 / 64); i++) timer.fire();
    expect(polls.slice(500).every((p, i) => p > (before[i] as number))).toBe(true);
    expect(polls.slice(0, 500).every((p) => p <= 2)).toBe(true);
  });

  it('a member that throws does not stop the others', () => {
    const timer = manualTimer();
    const ring = new PollRing(100, 64, timer);
    const { polls, list } = members(3);
    ring.add({ poll: () => { throw new Error('gone'); } });
    for (const m of list) ring.add(m);
    timer.fire();
    expect(polls).toEqual([1, 1, 1]);
  });
});
