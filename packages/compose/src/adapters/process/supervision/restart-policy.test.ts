import { describe, expect, it } from 'vitest';
import { backoffDelay, shouldRestart } from './restart-policy.js';

describe('shouldRestart', () => {
  it.each([
    ['no', 1, 0, false],
    ['always', 0, 50, true],
    ['unless-stopped', 0, 3, true],
    ['on-failure', 0, 0, false],
    ['on-failure', 2, 100, true],
    ['on-failure:2', 1, 1, true],
    ['on-failure:2', 1, 2, false],
    ['on-failure:0', 1, 0, false],
  ] as const)('%s after exit %i with %i restarts → %s', (policy, code, restarts, expected) => {
    expect(shouldRestart(policy, code, restarts)).toBe(expected);
  });
});

describe('backoffDelay', () => {
  it('doubles from the initial delay and stops at the cap', () => {
    const backoff = { initialMs: 100, maxMs: 1_000 };
    expect([0, 1, 2, 3, 4, 60].map((n) => backoffDelay(backoff, n))).toEqual([100, 200, 400, 800, 1_000, 1_000]);
  });
});
