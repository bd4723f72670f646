import { afterEach, describe, expect, test, vi } from 'vitest';
import { Batcher, MAX_BATCH_PATHS } from './batcher.js';

afterEach(() => vi.useRealTimers());

describe('Batcher', () => {
  test('hands over distinct paths once they are quiet for the period', () => {
    vi.useFakeTimers();
    const batches: string[][] = [];
    const b = new Batcher(100, (paths) => batches.push([...paths]));
    b.add('/a');
    vi.advanceTimersByTime(60);
    b.add('/b');
    b.add('/a');
    vi.advanceTimersByTime(60);
    expect(batches).toEqual([]);
    vi.advanceTimersByTime(50);
    expect(batches).toEqual([['/a', '/b']]);
    b.add('/c');
    vi.advanceTimersByTime(100);
    expect(batches).toEqual([['/a', '/b'], ['/c']]);
  });

  test('a steady stream of changes is still applied, at the latest ten periods after its first change', () => {
    vi.useFakeTimers();
    const batches: number[] = [];
    const b = new Batcher(100, (paths) => batches.push(paths.length));
    for (let i = 0; i < 30; i++) {
      b.add(`/f${i}`);
      vi.advanceTimersByTime(50);
    }
    expect(batches[0]).toBe(20);
    b.close();
  });

  test('holds at most MAX_BATCH_PATHS paths and counts the rest; close drops what is pending', () => {
    vi.useFakeTimers();
    const seen: [number, number][] = [];
    const b = new Batcher(10, (paths, dropped) => seen.push([paths.length, dropped]));
    for (let i = 0; i < MAX_BATCH_PATHS + 5; i++) b.add(`/f${i}`);
    vi.advanceTimersByTime(10);
    expect(seen).toEqual([[MAX_BATCH_PATHS, 5]]);
    b.add('/x');
    b.close();
    vi.advanceTimersByTime(100);
    expect(seen).toHaveLength(1);
  });
});
