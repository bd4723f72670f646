import { describe, expect, it } from 'vitest';
import { durationOr } from './duration.js';

// Cases carried over from the process runtime's former private duration reader (now durationOr).
describe('durationOr (cases of the former process-runtime reader)', () => {
  it('reads hours, fractions and surrounding blanks', () => {
    expect(durationOr('2h', 5)).toBe(7_200_000);
    expect(durationOr('1.5s', 5)).toBe(1_500);
    expect(durationOr('500ms', 5)).toBe(500);
    expect(durationOr(' 10 ', 5)).toBe(10_000);
  });

  it('reads a zero duration as zero, not as the fallback', () => {
    expect(durationOr('0s', 5)).toBe(0);
    expect(durationOr('0', 5)).toBe(0);
  });

  it('falls back for an empty text and an unknown unit', () => {
    expect(durationOr('', 5)).toBe(5);
    expect(durationOr('5x', 5)).toBe(5);
  });
});
