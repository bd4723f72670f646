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
import { PORT_PENDING_MS } from '../../src/engine/probe-schedule.js';

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

/** Real sleeps shorter than `longMs`; longer ones end only when aborted. */
const clockStallingFrom = (longMs: number): NonNullable<UpOptions['clock']> => ({
  now: () => performance.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      const timer = ms < longMs ? setTimeout(resolve, ms) : undefined;
      signal?.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason)), { once: true });
    }),
});
/** Real short sleeps; sleeps of a second or more end only when aborted. */
const stalledClock = clockStallingFrom(1_000);

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
        // after its first probe (PORT_PENDING_MS after the start, the port still closed), which fails
        if (e.type === 'service.started' && e.service === 'web') setTimeout(later.listen, PORT_PENDING_MS * 3);
      },
    });
    expect(runtime.calls.filter((c) => c.op === 'probeHealth')).toHaveLength(2);
    expect((await stack.ps()).map((c) => c.health)).toEqual(['healthy']);
    await stack.down();
  });

  /*
   * While the published ports are closed, probes are spaced at least PORT_PENDING_MS apart: the
   * clock below never ends a sleep that long, so a second probe can only come from the port
   * opening (or from a cap shorter than that). The memory runtime's service is healthy at its
   * second probe, whatever its port says.
   */
  const pendingClock = clockStallingFrom(PORT_PENDING_MS);

  /** Up of one service whose published port opens 50 ms after it started: the probes it took. */
  async function probesWhilePortOpensLater(name: string, behaviour: { healthyAfterProbes?: number }): Promise<number> {
    const later = await laterServer();
    const runtime = memory({ web: { publish: () => later.port, ...behaviour } });
    let opened = false;
    const project = new Project(`${name}-${Math.random().toString(16).slice(2, 8)}`).service('web', {
      command: ['web'],
      ports: ['0:8080'],
      healthcheck: { test: ['CMD', 'ready'], interval: '30s', retries: 3 },
    });
    const stack = await project.up({
      runtime,
      clock: pendingClock,
      pollFirstMs: 1,
      pollCapMs: 1_000,
      onEvent: (e) => {
        if (e.type === 'service.started' && e.service === 'web') setTimeout(() => ((opened = true), later.listen()), 50);
      },
    });
    expect(opened).toBe(true);
    const probes = runtime.calls.filter((c) => c.op === 'probeHealth').length;
    await stack.down();
    return probes;
  }

  test('while the published port is closed, the first probe waits for it (a server just started is not listening yet)', async () => {
    // healthy at its first probe
    expect(await probesWhilePortOpensLater('first', {})).toBe(1);
  });

  test('while the published port is closed, no probe runs on the fast schedule; once it is open, they do', async () => {
    expect(await probesWhilePortOpensLater('pending', { healthyAfterProbes: 1 })).toBe(2);
  });

  test('a start_interval shorter than that is honoured while the port stays closed (the probe decides, not the port)', async () => {
    const later = await laterServer(); // never listens
    const runtime = memory({ web: { publish: () => later.port, healthyAfterProbes: 2 } });
    const project = new Project(`start-interval-${Math.random().toString(16).slice(2, 8)}`).service('web', {
      command: ['web'],
      ports: ['0:8080'],
      healthcheck: { test: ['CMD', 'ready'], interval: '30s', start_period: '60s', start_interval: '20ms', retries: 3 },
    });
    const stack = await project.up({ runtime, clock: pendingClock, pollFirstMs: 1, pollCapMs: 1_000 });
    expect(runtime.calls.filter((c) => c.op === 'probeHealth')).toHaveLength(3);
    await stack.down();
  });

  test('a service that publishes no TCP port keeps the fast schedule', async () => {
    const runtime = memory({ web: { healthyAfterProbes: 2 } });
    const project = new Project(`no-port-${Math.random().toString(16).slice(2, 8)}`).service('web', {
      command: ['web'],
      healthcheck: { test: ['CMD', 'ready'], interval: '30s', retries: 3 },
    });
    const stack = await project.up({ runtime, clock: pendingClock, pollFirstMs: 1, pollCapMs: 1_000 });
    expect(runtime.calls.filter((c) => c.op === 'probeHealth')).toHaveLength(3);
    await stack.down();
  });
});
