/**
 * Issue 14, "one truth about health": a healthcheck whose probes are slow is given as long as
 * Docker would give it. Docker runs each probe `interval` after the previous one ended and
 * declares the container unhealthy after `retries` failed probes in a row (those started after
 * `start_period`), so slow probes stretch its budget; the engine used to give up after a fixed
 * `start_period + interval × retries` of wall time.
 *
 * Time here is a virtual clock: sleeps end at once in clock time, and each probe of the runtime
 * below moves the clock by its duration. No wall-clock assertion.
 */
import { describe, expect, test } from 'vitest';
import { Project, Wait, isHealthTimeoutError, type HealthTimeoutError, type ProbeResult, type UpOptions } from '@selur/compose';
import { MemoryRuntime, type ServiceBehaviour } from '../support/memory-runtime.js';
import { FAST, rejection } from './helpers.js';

type EngineClock = NonNullable<UpOptions['clock']>;

/** A clock whose sleeps end, earliest first, as soon as the event loop is idle; `advance` moves it. */
class VirtualClock implements EngineClock {
  #t = 0;
  readonly #timers = new Set<{ at: number; resolve: () => void }>();

  now = (): number => this.#t;

  advance(ms: number): void {
    this.#t += ms;
  }

  sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer = {
        at: this.#t + Math.max(0, ms),
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        this.#timers.delete(timer);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#timers.add(timer);
      setImmediate(() => this.#fireEarliest());
    });

  #fireEarliest(): void {
    let next: { at: number; resolve: () => void } | undefined;
    for (const t of this.#timers) if (!next || t.at < next.at) next = t;
    if (!next) return;
    this.#timers.delete(next);
    this.#t = Math.max(this.#t, next.at);
    next.resolve();
  }
}

/** A memory runtime whose healthcheck probes each take `probeMs` of the clock's time. */
class SlowProbes extends MemoryRuntime {
  /** Clock time at the end of each probe. */
  readonly probedAt: number[] = [];

  constructor(
    readonly clock: VirtualClock,
    readonly probeMs: number,
    behaviours: Record<string, ServiceBehaviour>,
  ) {
    super({ behaviours });
  }

  override async probeHealth(id: string): Promise<ProbeResult> {
    this.clock.advance(this.probeMs);
    this.probedAt.push(this.clock.now());
    return super.probeHealth(id);
  }
}

/**
 * A memory runtime during whose first probe this process stalls for `stallMs` (a machine so busy
 * that the event loop ran nothing else): the clock jumps while the liveness inspection beside the
 * probe is answered, so the probe itself stays quick.
 */
class StallOnce extends SlowProbes {
  #stalled = false;

  constructor(clock: VirtualClock, readonly stallMs: number, behaviours: Record<string, ServiceBehaviour>) {
    super(clock, 0, behaviours);
  }

  override async inspectContainer(id: string): ReturnType<MemoryRuntime['inspectContainer']> {
    await new Promise((resolve) => setImmediate(resolve)); // the probe beside it has been made
    if (!this.#stalled && this.probedAt.length === 1) {
      this.#stalled = true;
      this.clock.advance(this.stallMs);
    }
    return super.inspectContainer(id);
  }
}

const name = (prefix: string) => `${prefix}-${Math.random().toString(16).slice(2, 8)}`;
/** interval 1 s, retries 3, no start period: the old fixed budget was 3 000 ms. */
const HEALTH = { test: ['CMD', 'ready'], interval: '1s', timeout: '5s', retries: 3 };
/** Each probe takes longer than the interval: Docker would declare it unhealthy at 3 × (1 000 + 1 500) ms. */
const PROBE_MS = 1_500;
const DOCKER_UNHEALTHY_AT = 3 * (1_000 + PROBE_MS);
const OPTIONS = { ...FAST, pollFirstMs: 100, pollCapMs: 1_000 };

describe('the budget of a healthcheck whose probes are slow', () => {
  test('a service whose healthcheck passes after start_period + interval × retries, but before Docker would give up, is ready', async () => {
    const clock = new VirtualClock();
    // the 4th probe passes, ending near 4 × 1 500 ms plus the pauses: past 3 000, short of 7 500
    const runtime = new SlowProbes(clock, PROBE_MS, { web: { healthyAfterProbes: 3 } });
    const project = new Project(name('slowstart')).service('web', { command: ['web'], healthcheck: HEALTH });
    const stack = await project.up({ ...OPTIONS, runtime, clock });
    expect(runtime.probedAt).toHaveLength(4);
    expect(runtime.probedAt[2]).toBeGreaterThan(3_000);
    expect(runtime.probedAt.at(-1)).toBeLessThan(DOCKER_UNHEALTHY_AT);
    expect((await stack.ps()).map((c) => c.health)).toEqual(['healthy']);
    await stack.down();
  });

  test('a service never healthy fails with a typed health timeout once Docker would have declared it unhealthy, naming the budget', async () => {
    const clock = new VirtualClock();
    const runtime = new SlowProbes(clock, PROBE_MS, { web: { neverHealthy: true, probeOutput: 'still warming up' } });
    const project = new Project(name('slowfail')).service('web', { command: ['web'], healthcheck: HEALTH });
    const error = (await rejection(project.up({ ...OPTIONS, runtime, clock }))) as HealthTimeoutError;
    expect(isHealthTimeoutError(error)).toBe(true);
    expect(error.service).toBe('web');
    expect(error.healthOutput).toBe('still warming up');
    // not at the old fixed 3 000 ms: only once Docker's streak of 3 slow failures would be complete
    const last = runtime.probedAt.at(-1) ?? 0;
    expect(last).toBeGreaterThanOrEqual(DOCKER_UNHEALTHY_AT);
    // and promptly then: the probe before the last ended short of the budget
    expect(runtime.probedAt.at(-2)).toBeLessThan(DOCKER_UNHEALTHY_AT);
    expect(error.message).toContain(`did not pass within ${DOCKER_UNHEALTHY_AT} ms`);
    expect(error.message).toContain('Docker would have declared it unhealthy');
    expect(error.message).toContain('3 retries × (interval 1000 ms + probe 1500 ms)');
  });

  test("a probe slower than its timeout still counts as it lasted: Docker's timeout starts once the exec has started", async () => {
    const clock = new VirtualClock();
    const runtime = new SlowProbes(clock, 4_000, { web: { neverHealthy: true } });
    const project = new Project(name('slowtimeout')).service('web', { command: ['web'], healthcheck: { ...HEALTH, timeout: '2s' } });
    const error = (await rejection(project.up({ ...OPTIONS, runtime, clock }))) as HealthTimeoutError;
    expect(isHealthTimeoutError(error)).toBe(true);
    expect(error.message).toContain(`did not pass within ${3 * (1_000 + 4_000)} ms`);
    expect(runtime.probedAt.at(-1)).toBeGreaterThanOrEqual(3 * (1_000 + 4_000));
  });

  test('a stall of this process longer than the budget is not a failed streak: Docker gives up only after `retries` failed probes', async () => {
    const clock = new VirtualClock();
    // the first probe fails, then 10 s pass in one stall (budget 3 × 1 000 ms); the second passes
    const runtime = new StallOnce(clock, 10_000, { web: { healthyAfterProbes: 1 } });
    const project = new Project(name('stall')).service('web', { command: ['web'], healthcheck: HEALTH });
    const stack = await project.up({ ...OPTIONS, runtime, clock });
    expect(runtime.probedAt).toHaveLength(2);
    expect(clock.now()).toBeGreaterThan(10_000);
    expect((await stack.ps()).map((c) => c.health)).toEqual(['healthy']);
    await stack.down();
  });

  test('after such a stall, a service never healthy still fails once `retries` probes have failed', async () => {
    const clock = new VirtualClock();
    const runtime = new StallOnce(clock, 10_000, { web: { neverHealthy: true } });
    const project = new Project(name('stallfail')).service('web', { command: ['web'], healthcheck: HEALTH });
    const error = (await rejection(project.up({ ...OPTIONS, runtime, clock }))) as HealthTimeoutError;
    expect(isHealthTimeoutError(error)).toBe(true);
    expect(runtime.probedAt).toHaveLength(3); // retries: 3, and not one more
  });

  test("an explicit wait timeout stays the budget, whatever the probes' durations", async () => {
    const clock = new VirtualClock();
    const runtime = new SlowProbes(clock, PROBE_MS, { web: { neverHealthy: true } });
    const project = new Project(name('explicit')).service('web', { command: ['web'], healthcheck: HEALTH, waitFor: Wait.forHealthy().withTimeout(2_000) });
    const error = (await rejection(project.up({ ...OPTIONS, runtime, clock }))) as HealthTimeoutError;
    expect(isHealthTimeoutError(error)).toBe(true);
    expect(error.message).toContain('did not pass within 2000 ms');
    expect(error.message).not.toContain('Docker');
    expect(runtime.probedAt).toHaveLength(2); // 1 500, then 3 100 ≥ 2 000
  });
});
