import { describe, expect, it } from 'vitest';
import { Slices } from './slices.js';

/** A clock that moves only when a piece of work says it took time. */
function fakeClock(): { now: () => number; spend: (ms: number) => void } {
  let t = 0;
  return { now: () => t, spend: (ms) => void (t += ms) };
}

/** Counts turns of the event loop (check phases) until stopped. */
function turnCounter(): { readonly turns: () => number; stop: () => void } {
  let turns = 0;
  let stopped = false;
  const tick = () => {
    turns++;
    if (!stopped) setImmediate(tick);
  };
  setImmediate(tick);
  return { turns: () => turns, stop: () => void (stopped = true) };
}

describe('Slices', () => {
  it('starts pieces at once while the slice has budget, then a slice of them per turn of the event loop, in order', async () => {
    const clock = fakeClock();
    const slices = new Slices(10, clock.now);
    const counter = turnCounter();
    const started: { piece: number; turn: number }[] = [];
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, piece) =>
        slices.run(async () => {
          started.push({ piece, turn: counter.turns() });
          clock.spend(3); // four pieces fill a slice of 10 ms (0, 3, 6, 9 < 10)
          await Promise.resolve();
          return piece * 2;
        }),
      ),
    );
    counter.stop();
    expect(results).toEqual(Array.from({ length: 20 }, (_, i) => i * 2));
    expect(started.map((s) => s.piece)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    const perTurn = new Map<number, number>();
    for (const s of started) perTurn.set(s.turn, (perTurn.get(s.turn) ?? 0) + 1);
    // the first four ran synchronously (turn 0), the rest four a turn
    expect(started.slice(0, 4).every((s) => s.turn === 0)).toBe(true);
    expect([...perTurn.values()]).toEqual([4, 4, 4, 4, 4]);
    expect(slices.waiting).toBe(0);
  });

  it('starts a piece at once again once the event loop has turned, with a fresh budget', async () => {
    const clock = fakeClock();
    const slices = new Slices(10, clock.now);
    let ran = false;
    await slices.run(async () => void clock.spend(50)); // one piece over the budget: the slice is spent
    const late = slices.run(async () => void (ran = true));
    expect(ran).toBe(false); // queued: the slice has no budget left
    await late;
    expect(ran).toBe(true);
    await new Promise((resolve) => setImmediate(resolve));
    let now = false;
    void slices.run(async () => void (now = true));
    expect(now).toBe(true); // a new slice: started synchronously
  });

  it('passes on a piece that throws or rejects, and goes on with the rest', async () => {
    const clock = fakeClock();
    const slices = new Slices(1, clock.now);
    clock.spend(0);
    const outcomes = await Promise.allSettled([
      slices.run(async () => void clock.spend(5)),
      slices.run(() => {
        throw new Error('sync');
      }),
      slices.run(() => Promise.reject(new Error('async'))),
      slices.run(async () => 'last'),
    ]);
    expect(outcomes.map((o) => (o.status === 'fulfilled' ? o.value : (o.reason as Error).message))).toEqual([undefined, 'sync', 'async', 'last']);
  });
});
