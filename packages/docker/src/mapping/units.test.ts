import { describe, expect, it } from 'vitest';
import { durationMs, memoryBytes, msToNs } from './units.js';

describe('durations and sizes', () => {
  it('parses compose durations', () => {
    expect(durationMs('30s')).toBe(30_000);
    expect(durationMs('1m30s')).toBe(90_000);
    expect(durationMs('500ms')).toBe(500);
    expect(durationMs('2h')).toBe(7_200_000);
    expect(durationMs('1.5s')).toBe(1500);
    expect(durationMs('0s')).toBe(0);
    expect(msToNs(durationMs('5s'))).toBe(5e9);
    for (const bad of ['', 'x', '5 s', '5d', '1m 30s']) expect(() => durationMs(bad)).toThrow(/not a duration/);
  });

  it('parses memory sizes', () => {
    expect(memoryBytes('512m')).toBe(512 * 1024 ** 2);
    expect(memoryBytes('1g')).toBe(1024 ** 3);
    expect(memoryBytes('1GiB')).toBe(1024 ** 3);
    expect(memoryBytes('64MB')).toBe(64 * 1024 ** 2);
    expect(memoryBytes('1048576')).toBe(1048576);
    expect(memoryBytes('1.5k')).toBe(1536);
    expect(() => memoryBytes('lots')).toThrow(/not a memory size/);
  });
});
