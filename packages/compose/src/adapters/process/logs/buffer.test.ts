import { describe, expect, it } from 'vitest';
import { LogBuffer } from './buffer.js';

const line = (text: string) => ({ stream: 'stdout' as const, text, timestamp: new Date(0) });

describe('LogBuffer', () => {
  it('keeps the last N lines in memory, counts every line and tells subscribers', () => {
    const buffer = new LogBuffer(3);
    const seen: (string | undefined)[] = [];
    buffer.subscribe((l) => seen.push(l?.text));
    for (let i = 1; i <= 5; i++) buffer.append(line(`l${i}`));
    expect(buffer.snapshot().map((l) => l.text)).toEqual(['l3', 'l4', 'l5']);
    expect(buffer.total).toBe(5);
    expect(buffer.complete).toBe(false);
    buffer.end();
    expect(seen).toEqual(['l1', 'l2', 'l3', 'l4', 'l5', undefined]);
  });

  it('is incomplete after a reset that says the index already held lines', () => {
    const buffer = new LogBuffer(10);
    buffer.append(line('a'));
    expect(buffer.complete).toBe(true);
    buffer.reset(4);
    buffer.append(line('b'));
    expect(buffer.snapshot().map((l) => l.text)).toEqual(['b']);
    expect(buffer.complete).toBe(false);
    expect(buffer.before + buffer.total).toBe(5);
  });
});
