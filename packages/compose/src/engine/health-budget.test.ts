import { describe, expect, it } from 'vitest';
import { DOCKER_EXEC_START_MS, healthBudget } from './health-budget.js';

describe("a healthcheck's budget: when Docker would declare the container unhealthy", () => {
  const base = { startPeriodMs: 0, intervalMs: 1_000, retries: 3, timeoutMs: 5_000 };

  it('is start_period + interval × retries while no probe duration is known (the old budget)', () => {
    expect(healthBudget({ ...base, probeMs: undefined }).ms).toBe(3_000);
    expect(healthBudget({ ...base, startPeriodMs: 2_000, probeMs: undefined }).ms).toBe(5_000);
  });

  it('grows by each counted probe\'s duration: the next probe runs `interval` after one ends', () => {
    expect(healthBudget({ ...base, probeMs: 400 }).ms).toBe(3 * 1_400);
    expect(healthBudget({ ...base, probeMs: 1_500 }).ms).toBe(3 * 2_500);
  });

  it('adds one probe more with a start period (the last uncounted probe may end past it)', () => {
    expect(healthBudget({ ...base, startPeriodMs: 2_000, probeMs: 400 }).ms).toBe(2_000 + 3 * 1_400 + 400);
  });

  it("counts a probe longer than its timeout as it was: Docker's timeout starts once the exec has started", () => {
    expect(healthBudget({ ...base, timeoutMs: 300, probeMs: 2_000 }).ms).toBe(3 * 3_000);
  });

  it('counts a probe as at most the timeout plus the exec start Docker waits for', () => {
    const b = healthBudget({ ...base, timeoutMs: 300, probeMs: 120_000 });
    expect(b.ms).toBe(3 * (1_000 + 300 + DOCKER_EXEC_START_MS));
    expect(b.why).toContain(`probe ${300 + DOCKER_EXEC_START_MS} ms, the longest a probe of Docker lasts`);
  });

  it("uses Docker's defaults for 0: 3 retries, 30 s interval and timeout", () => {
    expect(healthBudget({ startPeriodMs: 0, intervalMs: 0, retries: 0, timeoutMs: 0, probeMs: 100 }).ms).toBe(3 * 30_100);
  });

  it('says what the budget was made of', () => {
    expect(healthBudget({ ...base, probeMs: 1_500 }).why).toBe('start_period 0 ms + 3 retries × (interval 1000 ms + probe 1500 ms)');
  });
});
