import { describe, expect, it } from 'vitest';
import { durationMs } from './duration.js';

describe('durationMs', () => {
  it('reads compose durations', () => {
    expect(durationMs('1m30s')).toBe(90_000);
    expect(durationMs('500ms')).toBe(500);
    expect(durationMs('2h')).toBe(7_200_000);
    expect(durationMs('1.5s')).toBe(1_500);
    expect(durationMs('10')).toBe(10_000);
  });
  it('returns undefined for what it cannot read', () => {
    expect(durationMs('')).toBeUndefined();
    expect(durationMs('soon')).toBeUndefined();
    expect(durationMs('5x')).toBeUndefined();
    expect(durationMs(undefined)).toBeUndefined();
  });
});
