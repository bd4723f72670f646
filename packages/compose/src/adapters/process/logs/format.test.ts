import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatIndexLine, MAX_LINE_BYTES, parseIndexLines, splitRaw } from './format.js';

describe('index lines', () => {
  it('round-trip through the index format', () => {
    fc.assert(
      fc.property(fc.string().filter((s) => !s.includes('\n')), fc.constantFrom('stdout' as const, 'stderr' as const), fc.nat(), (text, stream, end) => {
        const line = { text, stream, timestamp: new Date(1_700_000_000_000) };
        expect(parseIndexLines(formatIndexLine(line, end))).toEqual([{ line, end }]);
      }),
    );
  });

  it('skips malformed lines', () => {
    expect(parseIndexLines('garbage\nnot-a-date o 3 x\n2026-01-01T00:00:00.000Z o x y\n')).toEqual([]);
  });
});

describe('splitRaw', () => {
  it('finds the same lines and offsets whatever the chunking', () => {
    fc.assert(
      fc.property(fc.array(fc.string().filter((s) => !s.includes('\n') && !s.endsWith('\r'))), fc.array(fc.nat(50)), (lines, cuts) => {
        const bytes = Buffer.from(lines.map((l) => `${l}\n`).join(''));
        const seen: { text: string; end: number }[] = [];
        let pending: Buffer = Buffer.alloc(0);
        let indexed = 0;
        let at = 0;
        for (const cut of [...cuts, bytes.length]) {
          const chunk = bytes.subarray(at, at + cut);
          at += chunk.length;
          const { lines: found, rest } = splitRaw(Buffer.concat([pending, chunk]), indexed, false);
          seen.push(...found);
          pending = rest;
          indexed = found.at(-1)?.end ?? indexed;
        }
        expect(seen.map((l) => l.text)).toEqual(lines);
        expect(seen.at(-1)?.end ?? 0).toBe(bytes.length);
        expect(pending.length).toBe(0);
      }),
    );
  });

  it('keeps a partial line unless final, drops a trailing \\r and cuts very long lines', () => {
    expect(splitRaw(Buffer.from('a\r\nbc'), 10, false)).toEqual({ lines: [{ text: 'a', end: 13 }], rest: Buffer.from('bc') });
    expect(splitRaw(Buffer.from('a\r\nbc'), 10, true).lines).toEqual([{ text: 'a', end: 13 }, { text: 'bc', end: 15 }]);
    const long = splitRaw(Buffer.alloc(MAX_LINE_BYTES + 5, 'x'), 0, false);
    expect(long.lines.map((l) => [l.text.length, l.end])).toEqual([[MAX_LINE_BYTES, MAX_LINE_BYTES]]);
    expect(long.rest.length).toBe(5);
  });
});
