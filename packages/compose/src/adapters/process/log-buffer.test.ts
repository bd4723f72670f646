import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatLogLine, lineSplitter, LogBuffer, parseLogLines } from './log-buffer.js';

describe('log lines', () => {
  it('round-trips through the file format', () => {
    fc.assert(
      fc.property(fc.string().filter((s) => !s.includes('\n')), fc.constantFrom('stdout' as const, 'stderr' as const), (text, stream) => {
        const line = { text, stream, timestamp: new Date(1_700_000_000_000) };
        expect(parseLogLines(formatLogLine(line))).toEqual([line]);
      }),
    );
  });

  it('splits chunks into lines whatever the chunking', () => {
    fc.assert(
      fc.property(fc.array(fc.string().filter((s) => !s.includes('\n') && !s.endsWith('\r'))), fc.array(fc.nat(50)), (lines, cuts) => {
        const text = lines.map((l) => `${l}\n`).join('');
        const seen: string[] = [];
        const splitter = lineSplitter((l) => seen.push(l));
        let at = 0;
        for (const cut of cuts) {
          splitter.push(text.slice(at, at + cut));
          at += cut;
        }
        splitter.push(text.slice(at));
        splitter.flush();
        expect(seen).toEqual(lines);
      }),
    );
  });

  it('keeps the last N lines in memory and every line in the file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'log-buffer-'));
    try {
      const buffer = new LogBuffer(3, join(dir, 'x.log'));
      for (let i = 1; i <= 5; i++) buffer.append(i % 2 ? 'stdout' : 'stderr', `l${i}`);
      expect(buffer.snapshot().map((l) => l.text)).toEqual(['l3', 'l4', 'l5']);
      expect(buffer.complete).toBe(false);
      await buffer.close();
      expect(parseLogLines(await readFile(join(dir, 'x.log'), 'utf8')).map((l) => `${l.stream}:${l.text}`)).toEqual(['stdout:l1', 'stderr:l2', 'stdout:l3', 'stderr:l4', 'stdout:l5']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
