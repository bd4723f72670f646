import type { LogLine } from '@selur/compose';
import { describe, expect, it } from 'vitest';
import { mergeLogStreams, type PrefixedLine } from './log-stream.js';

const line = (ms: number, text: string): LogLine => ({ stream: 'stdout', text, timestamp: new Date(ms) });
async function* from(lines: LogLine[]): AsyncIterable<LogLine> {
  for (const l of lines) yield l;
}

describe('mergeLogStreams', () => {
  it('orders a finite read by timestamp, keeping source order for equal times', async () => {
    const out: string[] = [];
    await mergeLogStreams(
      [
        { service: 'api', label: 'api', lines: from([line(1, 'a1'), line(5, 'a5'), line(7, 'a7')]) },
        { service: 'db', label: 'db', lines: from([line(1, 'd1'), line(6, 'd6')]) },
      ],
      { ordered: true },
      (l: PrefixedLine) => out.push(`${l.label}:${l.line.text}`),
    );
    expect(out).toEqual(['api:a1', 'db:d1', 'api:a5', 'db:d6', 'api:a7']);
  });

  it('stops following when the signal aborts, even if a source never ends', async () => {
    const controller = new AbortController();
    const out: string[] = [];
    async function* endless(): AsyncIterable<LogLine> {
      yield line(1, 'first');
      await new Promise(() => {}); // never resolves, like a follow with no new output
    }
    const done = mergeLogStreams([{ service: 'api', label: 'api', lines: endless() }], { ordered: false, signal: controller.signal }, (l) => {
      out.push(l.line.text);
      controller.abort();
    });
    await expect(done).resolves.toBeUndefined();
    expect(out).toEqual(['first']);
  });

  it('passes a source failure on', async () => {
    async function* broken(): AsyncIterable<LogLine> {
      yield line(1, 'x');
      throw new Error('log file vanished');
    }
    await expect(mergeLogStreams([{ service: 'a', label: 'a', lines: broken() }], { ordered: true }, () => {})).rejects.toThrow('log file vanished');
  });
});
