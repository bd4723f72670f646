/**
 * Issue 14, "make health probes target the service's own process": stack `b` publishes the
 * fixed host port that stack `a`'s server holds; `b`'s server cannot bind it and keeps retrying.
 * A probe of 127.0.0.1:PORT is answered by `a`'s server — which must not make `b` ready. The
 * port check before the run cannot see this clash (`a` binds the port after `b`'s check, while
 * `b` waits on a dependency), so it is the probe that must tell whose socket answered.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { Project, Wait, isHealthTimeoutError, isPortConflictError, type ComposeEvent, type Service, type Stack } from '@selur/compose';
import { FAST, NODE, cleanup, rejection, runtime, server, stateDir, uniqueName } from './support.js';

afterEach(cleanup);

/** A free TCP port on 127.0.0.1 (bound to 0, then released). */
async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** A server that retries binding $PORT every 50 ms when it is taken (as many real servers do), logging each failure unless `quiet`. */
const stubbornServer = (quiet = false): string[] => [
  NODE,
  '-e',
  `const http = require('http');
   const listen = () => { const s = http.createServer((q, r) => r.end('ok from b')); s.once('error', (e) => { if (!${quiet}) console.log('bind failed: ' + e.code); setTimeout(listen, 50); }); s.listen(+process.env.PORT, '127.0.0.1', () => console.log('listening')); };
   listen();`,
];

/** A one-line node TCP check of 127.0.0.1:$PORT, as a healthcheck command. */
const connectCheck = [NODE, '-e', "require('net').connect(+process.env.PORT, '127.0.0.1').on('connect', () => process.exit(0)).on('error', () => process.exit(1))"];

/**
 * Brings `b` up with its web (made by `web`, on host port `port`) behind a gate, brings `a` up on
 * the same port once `b` is past its port check, then opens the gate: `b`'s web starts into a
 * port `a`'s server holds. Resolves with what `b`'s up() threw.
 */
async function twoStacks(web: (s: Service) => Service, quiet = false): Promise<{ error: unknown; a: string; events: ComposeEvent[] }> {
  const dir = stateDir();
  const gate = join(dir, 'gate');
  const port = await freePort();
  const a = uniqueName('own-a');
  const b = uniqueName('own-b');
  const events: ComposeEvent[] = [];
  let gateStarted!: () => void;
  const gateUp = new Promise<void>((resolve) => (gateStarted = resolve));
  const projectB = new Project(b)
    .service('gate', (s) => s.command([NODE, '-e', 'setInterval(() => {}, 1000)']).healthcheck({ test: ['CMD', NODE, '-e', `process.exit(require('fs').existsSync(${JSON.stringify(gate)}) ? 0 : 1)`], interval: '20ms', timeout: '5s', retries: 1000 }))
    .service('web', (s) => web(s.command(stubbornServer(quiet)).port(`${port}:8080`).dependsOn('gate', { condition: 'healthy' })));
  const upB = projectB.up({
    ...FAST,
    runtime: runtime(dir),
    timeout: 20_000,
    onEvent: (e) => {
      events.push(e);
      if (e.type === 'service.started' && e.service === 'gate') gateStarted();
    },
  });
  upB.catch(() => undefined);
  await gateUp;
  const stackA: Stack = await new Project(a).service('web', (s) => s.command(server()).port(`${port}:8080`).waitFor(Wait.forHttp('/health', { port: 8080 }))).up({ ...FAST, runtime: runtime(dir) });
  try {
    writeFileSync(gate, '');
    const error = await rejection(upB);
    return { error, a, events };
  } finally {
    await stackA.down();
  }
}

describe("health probes target the service's own process (issue 14)", () => {
  test("a healthcheck answered by another project's server on the same fixed port does not make the service healthy: its bind failure is the error", async () => {
    const { error, a, events } = await twoStacks((s) => s.healthcheck({ test: ['CMD', ...connectCheck], interval: '20ms', timeout: '5s', retries: 25 }));
    expect(isPortConflictError(error)).toBe(true);
    if (!isPortConflictError(error)) return;
    expect(error.service).toBe('web');
    expect(error.logs).toContain('bind failed: EADDRINUSE');
    expect(error.healthOutput).toContain(`service 'web' of project '${a}'`);
    expect(error.healthOutput).toContain("not by service 'web'");
    expect(events.some((e) => e.type === 'service.healthy' && e.service === 'web')).toBe(false);
  });

  test("Wait.forHttp answered by another project's server on the same fixed port does not make the service ready", async () => {
    const { error, a, events } = await twoStacks((s) => s.waitFor(Wait.forHttp('/', { port: 8080 }).withTimeout(1_500)), true);
    expect(isHealthTimeoutError(error)).toBe(true);
    if (!isHealthTimeoutError(error)) return;
    expect(error.healthOutput).toContain(`service 'web' of project '${a}'`);
    expect(events.some((e) => e.type === 'service.healthy' && e.service === 'web')).toBe(false);
  });

  test('a service that binds its own port is ready through the same checks (healthcheck and Wait.forPort)', async () => {
    const dir = stateDir();
    await using stack = await new Project(uniqueName('own-ok'))
      .service('hc', (s) => s.command(server()).port('0:8080').healthcheck({ test: ['CMD', ...connectCheck], interval: '20ms', timeout: '5s', retries: 100 }))
      .service('tcp', (s) => s.command(server()).port('0:8080').waitFor(Wait.forPort(8080)))
      .up({ ...FAST, runtime: runtime(dir) });
    const ps = await stack.ps();
    expect(ps.map((p) => p.service).sort()).toEqual(['hc', 'tcp']);
    expect(ps.every((p) => p.state === 'running')).toBe(true);
  });
});
