/**
 * Issue 14, command healthchecks: a probe that starts a process runs at a pace its cost allows,
 * so a service can be ready long before its next probe. Its published TCP ports are polled
 * cheaply beside it, and the healthcheck is probed as soon as one accepts a connection.
 *
 * The clock's long sleeps never end here: without that hint, the second probe would never come
 * (no wall-clock assertion: the test would time out).
 */
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import { Project, type UpOptions } from '@selur/compose';
import { memory } from './helpers.js';

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

/** Real short sleeps; sleeps of a second or more end only when aborted. */
const stalledClock: NonNullable<UpOptions['clock']> = {
  now: () => performance.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      const timer = ms < 1_000 ? setTimeout(resolve, ms) : undefined;
      signal?.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason)), { once: true });
    }),
};

async function laterServer(): Promise<{ port: number; listen: () => void }> {
  const probe = createServer();
  const port = await new Promise<number>((resolve) => probe.listen(0, '127.0.0.1', () => resolve((probe.address() as { port: number }).port)));
  await new Promise((r) => probe.close(r));
  const server = createServer((socket) => socket.end());
  servers.push(server);
  return { port, listen: () => server.listen(port, '127.0.0.1') };
}

describe('a healthcheck and the published ports of its service', () => {
  test('the healthcheck is probed again as soon as a published port accepts connections, not a schedule later', async () => {
    const later = await laterServer();
    const runtime = memory({ web: { publish: () => later.port, healthyAfterProbes: 1 } });
    const project = new Project(`hint-${Math.random().toString(16).slice(2, 8)}`).service('web', {
      command: ['web'],
      ports: ['0:8080'],
      healthcheck: { test: ['CMD', 'ready'], interval: '30s', retries: 3 },
    });
    const stack = await project.up({
      runtime,
      clock: stalledClock,
      pollFirstMs: 60_000,
      pollCapMs: 60_000,
      onEvent: (e) => {
        if (e.type === 'service.started' && e.service === 'web') setTimeout(later.listen, 30);
      },
    });
    expect(runtime.calls.filter((c) => c.op === 'probeHealth')).toHaveLength(2);
    expect((await stack.ps()).map((c) => c.health)).toEqual(['healthy']);
    await stack.down();
  });
});
