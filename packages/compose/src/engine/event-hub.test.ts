import { describe, expect, test } from 'vitest';
import type { ComposeEvent } from './events.js';
import { EventHub } from './event-hub.js';

describe('EventHub', () => {
  test('stamps monotonic seq, time and project; a throwing listener breaks nothing', async () => {
    const clock = new Date('2026-01-01T00:00:00Z');
    const hub = new EventHub(() => clock);
    const seen: ComposeEvent[] = [];
    hub.listen(() => {
      throw new Error('bad sink');
    });
    hub.listen((e) => seen.push(e));
    hub.emit('p', { type: 'service.healthy', service: 'a' });
    hub.emit('p', { type: 'service.healthy', service: 'b' });
    expect(seen.map((e) => [e.seq, e.project, e.time])).toEqual([[1, 'p', clock], [2, 'p', clock]]);
  });

  test('a subscriber buffer is bounded: the oldest events are dropped, the engine never waits', async () => {
    const hub = new EventHub();
    const stream = hub.stream({ bufferSize: 2 });
    for (let i = 0; i < 5; i++) hub.emit('p', { type: 'service.healthy', service: `s${i}` });
    const a = await stream.next();
    const b = await stream.next();
    expect([a.value?.seq, b.value?.seq]).toEqual([4, 5]);
    await stream.return?.();
    expect((await stream.next()).done).toBe(true);
  });

  test('until ends the stream after the matching event; filter drops others; signal ends it', async () => {
    const hub = new EventHub();
    const controller = new AbortController();
    const stream = hub.stream({ until: (e) => e.type === 'down.done', filter: (e) => e.type !== 'log' });
    const aborted = hub.stream({ signal: controller.signal });
    hub.emit('p', { type: 'log', service: 'a', replica: 1, stream: 'stdout', text: 'x' });
    hub.emit('p', { type: 'service.healthy', service: 'a' });
    hub.emit('p', { type: 'down.done', removedContainers: 1, removedNetworks: 0, removedVolumes: 0 });
    hub.emit('p', { type: 'service.healthy', service: 'late' });
    const types: string[] = [];
    for await (const e of stream) types.push(e.type);
    expect(types).toEqual(['service.healthy', 'down.done']);
    controller.abort();
    hub.emit('p', { type: 'service.healthy', service: 'after-abort' });
    const rest: number[] = [];
    for await (const e of aborted) rest.push(e.seq);
    // What was buffered before the abort is still delivered; nothing after it.
    expect(rest).toEqual([1, 2, 3, 4]);
  });
});
