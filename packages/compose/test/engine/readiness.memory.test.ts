/**
 * Issue 14, default readiness: a service with published ports and neither a healthcheck nor a wait
 * strategy is ready once its published TCP ports accept connections (testcontainers' default);
 * `up({ waitForPorts: false })` and `Wait.none()` opt out. The memory runtime publishes the port of
 * a real server of the test, which listens only when the test says so.
 */
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import { Project, Wait, isHealthTimeoutError, type HealthTimeoutError } from '@selur/compose';
import { FAST, memory, rejection } from './helpers.js';

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

/** A free port on 127.0.0.1 and a server that will listen on it once `listen()` is called. */
async function laterServer(): Promise<{ port: number; server: Server; listen: () => void; connections: () => number }> {
  const probe = createServer();
  const port = await new Promise<number>((resolve) => probe.listen(0, '127.0.0.1', () => resolve((probe.address() as { port: number }).port)));
  await new Promise((r) => probe.close(r));
  let connections = 0;
  const server = createServer((socket) => {
    connections += 1;
    socket.end();
  });
  servers.push(server);
  return { port, server, listen: () => server.listen(port, '127.0.0.1'), connections: () => connections };
}

const WAIT = { ...FAST, waitForPorts: true };

describe('default readiness of published ports', () => {
  test('up resolves only once the published port accepts connections', async () => {
    const later = await laterServer();
    const runtime = memory({ web: { publish: () => later.port } });
    const project = new Project(`ports-${Math.random().toString(16).slice(2, 8)}`).service('web', { command: ['web'], ports: ['0:8080'] });
    const stack = await project.up({
      ...WAIT,
      runtime,
      // The port starts answering a little after the service has started, not before.
      onEvent: (e) => {
        if (e.type === 'service.started' && e.service === 'web') setTimeout(later.listen, 50);
      },
    });
    expect(later.server.listening).toBe(true);
    expect(later.connections()).toBeGreaterThan(0);
    await stack.down();
  });

  test('a port that never answers fails the run with a HealthTimeoutError naming it', async () => {
    const later = await laterServer();
    const runtime = memory({ web: { publish: () => later.port } });
    const project = new Project(`ports-${Math.random().toString(16).slice(2, 8)}`).service('web', { command: ['web'], ports: ['0:8080'] });
    const error = (await rejection(project.up({ ...WAIT, runtime, timeout: 300 }))) as HealthTimeoutError;
    expect(isHealthTimeoutError(error)).toBe(true);
    expect(error.service).toBe('web');
    expect(error.message).toContain('port 8080');
  });

  test('up({ waitForPorts: false }) and Wait.none() take the service as ready once started', async () => {
    const later = await laterServer(); // never listens
    for (const [options, wait] of [[{ waitForPorts: false }, undefined], [{}, Wait.none()]] as const) {
      const runtime = memory({ web: { publish: () => later.port } });
      const project = new Project(`ports-${Math.random().toString(16).slice(2, 8)}`).service('web', { command: ['web'], ports: ['0:8080'], ...(wait ? { waitFor: wait } : {}) });
      const stack = await project.up({ ...WAIT, ...options, runtime, timeout: 5_000 });
      expect((await stack.ps()).map((c) => c.state)).toEqual(['running']);
      await stack.down();
    }
    expect(later.connections()).toBe(0);
  });

  test('a healthcheck, not the ports, decides when there is one', async () => {
    const later = await laterServer(); // never listens
    const runtime = memory({ web: { publish: () => later.port, healthyAfterProbes: 2 } });
    const project = new Project(`ports-${Math.random().toString(16).slice(2, 8)}`).service('web', { command: ['web'], ports: ['0:8080'], healthcheck: { test: 'check', interval: '10ms', retries: 5 } });
    const stack = await project.up({ ...WAIT, runtime, timeout: 5_000 });
    expect((await stack.ps())[0]?.health).toBe('healthy');
    await stack.down();
  });
});
