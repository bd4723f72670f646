import { describe, expect, it } from 'vitest';
import { ProbePacer, probeSpacing, probesPerCore, PROBES_PER_CORE } from './probe-pacer.js';

describe('the pace of probes that start a process', () => {
  const base = { baseMs: 10, cores: 2, capMs: 1_000 };

  it('keeps the schedule for the first probe of a check (nothing is known of its cost yet)', () => {
    expect(probeSpacing({ ...base, probeMs: undefined, concurrent: 40 })).toBe(10);
  });

  it('keeps the schedule when the probes are cheap for the checks running', () => {
    // 12 checks × 5 ms = 60 ms of probing per round, 8 slots on 2 cores: a round every 7.5 ms.
    expect(probeSpacing({ ...base, probeMs: 5, concurrent: 12 })).toBe(10);
  });

  it('spaces costly probes so that all checks keep at most PROBES_PER_CORE per core running', () => {
    const slots = PROBES_PER_CORE * 2;
    const delay = probeSpacing({ ...base, probeMs: 40, concurrent: 40 });
    expect(delay).toBe(Math.round((40 * 40) / slots - 40));
    // On average each check has probeMs / (probeMs + delay) of a probe running: all together ≤ slots.
    expect((40 * 40) / (40 + delay)).toBeLessThanOrEqual(slots + 1e-9);
  });

  it('probes less often as a probe costs more, as more checks probe, and more often with more cores', () => {
    const at = (probeMs: number, concurrent: number, cores: number) => probeSpacing({ ...base, probeMs, concurrent, cores });
    expect(at(80, 40, 2)).toBeGreaterThan(at(40, 40, 2));
    expect(at(40, 80, 2)).toBeGreaterThan(at(40, 40, 2));
    expect(at(40, 40, 8)).toBeLessThan(at(40, 40, 2));
  });

  it('never waits longer than the cap, nor less than the schedule', () => {
    expect(probeSpacing({ ...base, probeMs: 500, concurrent: 200 })).toBe(1_000);
    expect(probeSpacing({ ...base, baseMs: 300, probeMs: 40, concurrent: 40 })).toBe(300);
    expect(probeSpacing({ ...base, baseMs: 5_000, probeMs: undefined, concurrent: 1 })).toBe(1_000);
  });

  it('treats a machine that reports no core as one core', () => {
    expect(probeSpacing({ ...base, cores: 0, probeMs: 40, concurrent: 40 })).toBe(probeSpacing({ ...base, cores: 1, probeMs: 40, concurrent: 40 }));
  });
});

describe('ProbePacer', () => {
  it('counts the checks probing, and each check paces by its own measured cost', () => {
    const pacer = new ProbePacer(2);
    const turns = Array.from({ length: 40 }, () => pacer.join());
    expect(pacer.active).toBe(40);
    const [cheap, costly] = turns as [ReturnType<ProbePacer['join']>, ReturnType<ProbePacer['join']>];
    expect(costly.delay(10, 1_000)).toBe(10); // not measured yet
    costly.measured(40);
    cheap.measured(1);
    expect(costly.delay(10, 1_000)).toBe(probeSpacing({ baseMs: 10, probeMs: 40, concurrent: 40, cores: 2, capMs: 1_000 }));
    expect(cheap.delay(10, 1_000)).toBe(10);
  });

  it('follows the cost as it changes (a running mean), and frees the slot of a check that left, once', () => {
    const pacer = new ProbePacer(1, 1);
    const a = pacer.join();
    const b = pacer.join();
    a.measured(100);
    const before = a.delay(1, 10_000); // 2 checks × 100 ms on 1 slot: every 200 ms, so 100 ms apart
    expect(before).toBe(100);
    a.measured(20); // mean 60
    expect(a.delay(1, 10_000)).toBe(60);
    b.leave();
    b.leave();
    expect(pacer.active).toBe(1);
    expect(a.delay(1, 10_000)).toBe(1); // alone: 60 ms per 60 ms, no wait beyond the schedule
  });

  it('ignores a duration that is not a number of milliseconds', () => {
    const turn = new ProbePacer(2).join();
    turn.measured(Number.NaN);
    turn.measured(-5);
    expect(turn.delay(10, 1_000)).toBe(10);
  });
});

describe("the pace a runtime's probes cost", () => {
  it("takes the runtime's probes per core when it gives a positive number, else the default", () => {
    expect(probesPerCore(1)).toBe(1);
    expect(probesPerCore(0.5, 4)).toBe(0.5);
    expect(probesPerCore(undefined)).toBe(PROBES_PER_CORE);
    expect(probesPerCore(0, 4)).toBe(4);
    expect(probesPerCore(-1, 4)).toBe(4);
    expect(probesPerCore(Number.NaN, 4)).toBe(4);
    expect(probesPerCore(Number.POSITIVE_INFINITY, 4)).toBe(4);
  });

  it('spaces the probes of a runtime that declares one probe per core four times as widely as a process probe', () => {
    // 6 checks probing, each probe 100 ms (a Docker exec on an idle machine), 2 cores: one per
    // core leaves 2 slots, so a check probes every 300 ms, 200 ms after its last ended; at 4 per
    // core (8 slots) every 75 ms, so at the schedule's own 10 ms after the last.
    const pacer = new ProbePacer(2);
    const docker = Array.from({ length: 6 }, () => pacer.join(1));
    for (const t of docker) t.measured(100);
    expect(docker[0]?.delay(10, 1_000)).toBe(200);
    expect(docker[0]?.probeMs).toBe(100);
    const processes = new ProbePacer(2);
    const turns = Array.from({ length: 6 }, () => processes.join());
    for (const t of turns) t.measured(100);
    expect(turns[0]?.delay(10, 1_000)).toBe(10);
    expect(probeSpacing({ baseMs: 10, probeMs: 100, concurrent: 12, cores: 2, perCore: 1, capMs: 1_000 })).toBe(500);
  });

  it('counts a CPU-paced probe as the least duration of the run (its CPU), not the waits of a busy machine', () => {
    // the same 100 ms of engine CPU, lasting 600 ms on a loaded machine: 6 checks × 100 ms on 2
    // slots is a probe every 300 ms, less than one probe lasts, so no wait beyond the schedule's
    expect(probeSpacing({ baseMs: 10, probeMs: 600, cpuMs: 100, concurrent: 6, cores: 2, perCore: 1, capMs: 1_000 })).toBe(10);
    expect(probeSpacing({ baseMs: 10, probeMs: 600, concurrent: 6, cores: 2, perCore: 1, capMs: 1_000 })).toBe(1_000);
    // a cost above the duration is no cost: the duration bounds it
    expect(probeSpacing({ baseMs: 10, probeMs: 100, cpuMs: 900, concurrent: 6, cores: 2, perCore: 1, capMs: 1_000 })).toBe(200);
    const pacer = new ProbePacer(2);
    const fast = pacer.join(1);
    const slow = Array.from({ length: 5 }, () => pacer.join(1));
    fast.measured(100);
    for (const t of slow) t.measured(600);
    expect(slow[0]?.delay(10, 1_000)).toBe(10);
    expect(fast.delay(10, 1_000)).toBe(200);
    // a process-runtime check of another pacer keeps pacing by its own mean duration
    const processes = new ProbePacer(2, 1);
    const p = Array.from({ length: 6 }, () => processes.join());
    p[0]?.measured(100);
    for (const t of p.slice(1)) t.measured(600);
    expect(p[1]?.delay(10, 1_000)).toBe(1_000);
  });
});
