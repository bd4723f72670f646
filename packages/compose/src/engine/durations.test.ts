import { expect, test } from 'vitest';
import { durationMs } from './durations.js';

test('durationMs reads compose durations', () => {
  expect(durationMs('1m30s', 0)).toBe(90_000);
  expect(durationMs('500ms', 0)).toBe(500);
  expect(durationMs('2h', 0)).toBe(7_200_000);
  expect(durationMs('1.5s', 0)).toBe(1_500);
  expect(durationMs('10', 0)).toBe(10_000);
  expect(durationMs(250, 0)).toBe(250);
  expect(durationMs(undefined, 7)).toBe(7);
  expect(durationMs('soon', 7)).toBe(7);
});
