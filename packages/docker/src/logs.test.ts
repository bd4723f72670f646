import { PassThrough } from 'node:stream';
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { encodeFrame } from './client/demux.js';
import { parseTimestamped, responseLines } from './logs.js';

describe('log lines', () => {
  it('parses RFC 3339 nanosecond timestamps', () => {
    const { timestamp, text } = parseTimestamped('2026-11-26T01:14:52.123456789Z hello world');
    expect(timestamp.toISOString()).toBe('2026-11-26T01:14:52.123Z');
    expect(text).toBe('hello world');
    expect(parseTimestamped('no timestamp here').text).toBe('no timestamp here');
  });

  it('demultiplexes frames into per-stream lines (TTY=false), and passes raw output through with a TTY', async () => {
    const lines = async (tty: boolean, chunks: Buffer[]) => {
      const stream = new PassThrough();
      for (const chunk of chunks) stream.write(chunk);
      stream.end();
      const out: [string, string, string][] = [];
      for await (const line of responseLines(stream as unknown as IncomingMessage, tty, true)) out.push([line.stream, line.text, line.timestamp.toISOString()]);
      return out;
    };
    const t = '2026-01-01T00:00:00.5Z';
    const muxed = Buffer.concat([encodeFrame('stdout', `${t} one\n`), encodeFrame('stderr', `${t} two\n`), encodeFrame('stdout', `${t} thr`), encodeFrame('stdout', 'ee\n')]);
    expect(await lines(false, [muxed.subarray(0, 3), muxed.subarray(3)])).toEqual([
      ['stdout', 'one', '2026-01-01T00:00:00.500Z'],
      ['stderr', 'two', '2026-01-01T00:00:00.500Z'],
      ['stdout', 'three', '2026-01-01T00:00:00.500Z'],
    ]);
    expect(await lines(true, [Buffer.from(`${t} raw\r\n`)])).toEqual([['stdout', 'raw', '2026-01-01T00:00:00.500Z']]);
  });
});
