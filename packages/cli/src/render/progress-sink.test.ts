import type { ComposeEvent } from '@selur/compose';
import { describe, expect, it } from 'vitest';
import { colors } from './color.js';
import { progressSink } from './progress-sink.js';

const T0 = Date.UTC(2026, 0, 1);
const event = (ms: number, fields: Record<string, unknown>) => ({ seq: ms, time: new Date(T0 + ms), project: 'p', ...fields }) as unknown as ComposeEvent;

function stream(isTTY: boolean) {
  const chunks: string[] = [];
  return { chunks, out: { isTTY, columns: 60, write: (t: string) => void chunks.push(t) } };
}

describe('progressSink', () => {
  it('tty: redraws the lines in place (cursor up, clear) on each change and once more on close', () => {
    const { chunks, out } = stream(true);
    let now = T0;
    const sink = progressSink({ mode: 'tty', out, colors: colors(false), now: () => now, redrawMs: 60_000 });
    sink.onEvent(event(0, { type: 'service.creating', service: 'db', replica: 1 }));
    now = T0 + 500;
    sink.onEvent(event(500, { type: 'service.creating', service: 'api', replica: 1 }));
    sink.onEvent(event(500, { type: 'log', service: 'api', replica: 1, stream: 'stdout', text: 'x' })); // no redraw
    now = T0 + 700;
    sink.onEvent(event(700, { type: 'service.healthy', service: 'db' }));
    sink.close();
    sink.onEvent(event(800, { type: 'service.healthy', service: 'api' })); // ignored after close
    expect(chunks).toHaveLength(4);
    expect(chunks[0]).toMatch(/^ \S db +creating +0\.0s\n$/);
    expect(chunks[1]!.startsWith('\u001b[1A\r\u001b[J')).toBe(true);
    expect(chunks[1]!.split('\n')).toHaveLength(3);
    expect(chunks[2]!.startsWith('\u001b[2A\r\u001b[J ✔ db ')).toBe(true);
    expect(chunks[3]).toMatch(/^\u001b\[2A\r\u001b\[J ✔ db +healthy +0\.7s\n \S api +creating +0\.2s\n$/);
  });

  it('plain: one line per event; json: one JSON object per event (logs left out)', () => {
    const plain = stream(false);
    const json = stream(false);
    const a = progressSink({ mode: 'plain', out: plain.out, colors: colors(false), now: () => T0 });
    const b = progressSink({ mode: 'json', out: json.out, colors: colors(false), now: () => T0 });
    for (const e of [event(1, { type: 'service.started', service: 'db', replica: 1, containerId: 'c' }), event(2, { type: 'log', service: 'db', replica: 1, stream: 'stdout', text: 'hi' })]) {
      a.onEvent(e);
      b.onEvent(e);
    }
    expect(plain.chunks).toEqual(['db  started\n']);
    expect(json.chunks.map((c) => JSON.parse(c) as unknown)).toEqual([{ seq: 1, time: '2026-01-01T00:00:00.001Z', project: 'p', type: 'service.started', service: 'db', replica: 1, containerId: 'c' }]);
  });

  it('quiet prints nothing', () => {
    const { chunks, out } = stream(true);
    const sink = progressSink({ mode: 'quiet', out, colors: colors(false), now: () => T0 });
    sink.onEvent(event(1, { type: 'service.healthy', service: 'db' }));
    sink.close();
    expect(chunks).toEqual([]);
  });
});
