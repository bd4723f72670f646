import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { canonicalDuration, durationOr, formatDuration, parseDuration, tryParseDuration } from './duration.js';
import { isInvalidArgumentError } from '../errors/invalid-argument-error.js';

describe('durations', () => {
  it.each([
    ['30s', 30_000],
    ['1m30s', 90_000],
    ['500ms', 500],
    ['2h', 7_200_000],
    ['1.5s', 1500],
    ['1h2m3s4ms', 3_723_004],
    ['0', 0],
    ['0s', 0],
  ])('parses %s', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', 's', '10', '-1s', '1x', '1s ', '1 s', 'soon', '1m30'])('rejects %j', (text) => {
    expect(tryParseDuration(text)).toBeUndefined();
    expect(() => parseDuration(text, 'services.api.healthcheck.interval')).toThrow(/services\.api\.healthcheck\.interval: expected a duration/);
  });

  it('formats canonically and round-trips', () => {
    expect(formatDuration(90_000)).toBe('1m30s');
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(3_723_004)).toBe('1h2m3s4ms');
    expect(canonicalDuration('90s')).toBe('1m30s');
    expect(canonicalDuration(250)).toBe('250ms');
    fc.assert(fc.property(fc.nat({ max: 10 * 24 * 3_600_000 }), (ms) => parseDuration(formatDuration(ms)) === ms));
  });

  it('throws a typed error for non-durations', () => {
    try {
      parseDuration(Number.NaN);
      expect.unreachable();
    } catch (error) {
      expect(isInvalidArgumentError(error)).toBe(true);
    }
  });
});

describe('durationOr', () => {
  it('reads canonical, numeric and bare-second forms, and falls back on the rest', () => {
    expect(durationOr('1m30s', 5)).toBe(90_000);
    expect(durationOr('250ms', 5)).toBe(250);
    expect(durationOr(1500, 5)).toBe(1500);
    expect(durationOr('10', 5)).toBe(10_000);
    expect(durationOr(undefined, 5)).toBe(5);
    expect(durationOr('soon', 5)).toBe(5);
    expect(durationOr(-1, 5)).toBe(5);
  });
});
