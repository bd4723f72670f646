/**
 * The engine on real host processes (processRuntime): node servers on $PORT, healthchecks as
 * host commands. Each test uses its own state folder and removes everything it started.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { Project, Wait, processRuntime, isHealthTimeoutError, isCancelledError, isPortConflictError, type ProcessRuntime, type ComposeEvent } from '@selur/compose';
import { rejection } from './helpers.js';

const stateDirs: string[] = [];
const runtimes: ProcessRuntime[] = [];
function runtime(dir?: string): ProcessRuntime {
  const stateDir = dir ?? mkdtempSync(join(tmpdir(), 'engine-proc-'));
  if (!dir) stateDirs.push(stateDir);
  const rt = processRuntime({ stateDir });
  runtimes.push(rt);
  return rt;
}
afterAll(async () => {
  for (const rt of runtimes) await rt.close?.();
  for (const d of stateDirs) rmSync(d, { recursive: true, force: true });
});

const NODE = process.execPath;
/** A server that listens on $PORT after `delay` ms and answers /health. */
const server = (delay = 0) => [NODE, '-e', `setTimeout(() => require('http').createServer((q, s) => { if (q.url === '/boom') process.exit(9); s.end(q.url === '/health' ? 'ok' : 'hello ' + (process.env.GREETING || '')); }).listen(+process.env.PORT, '127.0.0.1', () => console.log('listening')), ${delay})`];
const probe = `${JSON.stringify(NODE)} -e "require('net').connect(+process.env.PORT, '127.0.0.1').on('connect', () => process.exit(0)).on('error', () => process.exit(1))"`;

describe('engine on processRuntime', () => {
  test('up → endpoint → exec → logs → down', async () => {
    const rt = runtime();
    const project = new Project()
      .service('db', { command: server(30), ports: ['0:5432'], healthcheck: { test: probe, interval: '1s', start_interval: '50ms', retries: 30 } })
      .service('api', (s) => s.command(server()).port('0:8080').env({ GREETING: 'world' }).dependsOn('db', { condition: 'healthy' }).waitFor(Wait.forHttp('/health', { port: 8080, body: 'ok' })));
    const events: ComposeEvent[] = [];
    const stack = await project.up({ runtime: rt, onEvent: (e) => events.push(e) });
    try {
      const { url } = stack.service('api').endpoint(8080);
      const res = await fetch(`${url}/`, { signal: AbortSignal.timeout(5_000) });
      expect(await res.text()).toBe('hello world');
      const exec = await stack.exec('api', ['sh', '-c', 'echo out; echo err >&2; exit 3']);
      expect(exec).toEqual({ exitCode: 3, stdout: 'out\n', stderr: 'err\n' });
      const lines: string[] = [];
      for await (const l of stack.logs()) lines.push(`${l.service}:${l.text}`);
      expect(lines.sort()).toEqual(['api:listening', 'db:listening']);
      expect((await stack.ps()).map((c) => `${c.service}:${c.state}`).sort()).toEqual(['api:running', 'db:running']);
      const order = events.map((e) => ('service' in e ? `${e.type}:${e.service}` : e.type));
      expect(order.indexOf('service.healthy:db')).toBeLessThan(order.indexOf('service.starting:api'));
    } finally {
      await stack.down();
    }
    expect(await rt.listContainers(project.name)).toEqual([]);
  });

  test('a second up with nothing changed makes no mutating call; a changed service alone is recreated', async () => {
    const rt = runtime();
    const calls: string[] = [];
    for (const op of ['ensureNetwork', 'ensureVolume', 'createContainer', 'startContainer', 'stopContainer', 'removeContainer', 'removeNetwork', 'removeVolume'] as const) {
      const original = rt[op].bind(rt) as (...args: unknown[]) => Promise<unknown>;
      (rt as unknown as Record<string, unknown>)[op] = (...args: unknown[]) => {
        calls.push(op);
        return original(...args);
      };
    }
    const name = `idem-${Math.random().toString(16).slice(2, 8)}`;
    const make = (greeting: string) =>
      new Project(name)
        .service('db', (s) => s.command(server()).port('0:80').waitFor(Wait.forPort(80)))
        .service('api', (s) => s.command(server()).port('0:80').env({ GREETING: greeting }).dependsOn('db').waitFor(Wait.forPort(80)));
    const stack = await make('one').up({ runtime: rt });
    try {
      calls.length = 0;
      await make('one').up({ runtime: rt });
      expect(calls).toEqual([]);
      const plan = await make('two').plan(rt);
      expect(plan.services.map((s) => `${s.name}:${s.action}:${s.reasons.join('|')}`)).toEqual(['api:recreate:environment.GREETING changed', 'db:unchanged:']);
      const again = await make('two').up({ runtime: rt });
      expect(calls.filter((c) => c === 'createContainer')).toEqual(['createContainer']);
      const res = await fetch(again.service('api').endpoint(80).url, { signal: AbortSignal.timeout(5_000) });
      expect(await res.text()).toBe('hello two');
      // Follow the logs of the new api until its first line, then stop following.
      const controller = new AbortController();
      for await (const line of again.logs('api', { follow: true, signal: controller.signal })) {
        expect(line.text).toBe('listening');
        controller.abort();
      }
    } finally {
      await stack.down();
    }
  });

  test('a failure mid-up leaves nothing of that run', async () => {
    const rt = runtime();
    const project = new Project()
      .service('ok', { command: server(), ports: ['0:80'] })
      .service('bad', { command: [NODE, '-e', 'console.log("about to fail"); setTimeout(() => {}, 60000)'], healthcheck: { test: 'exit 1', interval: '200ms', start_interval: '20ms', retries: 5 } })
      .service('never', { command: server(), depends_on: { bad: { condition: 'service_healthy' } } });
    const error = await rejection(project.up({ runtime: rt }));
    expect(isHealthTimeoutError(error)).toBe(true);
    if (isHealthTimeoutError(error)) {
      expect(error.service).toBe('bad');
      expect(error.skipped).toEqual(['never']);
      expect(error.logs).toEqual(['about to fail']);
    }
    expect(await rt.listContainers(project.name)).toEqual([]);
    expect(await rt.listNetworks(project.name)).toEqual([]);
  });

  test('a taken host port is a PortConflictError (found in the dying service output)', async () => {
    const { createServer } = await import('node:net');
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const taken = (blocker.address() as { port: number }).port;
    try {
      const rt = runtime();
      const project = new Project().service('web', (s) => s.command(server()).port(`${taken}:80`).waitFor(Wait.forHttp('/health', { port: 80 })));
      const error = await rejection(project.up({ runtime: rt }));
      expect(isPortConflictError(error)).toBe(true);
      if (isPortConflictError(error)) expect(error.port).toBe(taken);
      expect(await rt.listContainers(project.name)).toEqual([]);
    } finally {
      blocker.close();
    }
  });

  test('abort mid-up leaves nothing', async () => {
    const rt = runtime();
    const controller = new AbortController();
    const project = new Project()
      .service('slow', (s) => s.command(server(60_000)).port('0:80').waitFor(Wait.forPort(80)))
      .service('after', { command: server(), depends_on: { slow: { condition: 'service_healthy' } } });
    const error = await rejection(project.up({ runtime: rt, signal: controller.signal, onEvent: (e) => { if (e.type === 'service.started') controller.abort(); } }));
    expect(isCancelledError(error)).toBe(true);
    expect(await rt.listContainers(project.name)).toEqual([]);
  });

  test('20 projects started concurrently in one process stay isolated', async () => {
    const rt = runtime();
    const projects = Array.from({ length: 20 }, (_, i) => new Project().service('web', (s) => s.command(server()).port('0:80').env({ GREETING: `p${i}` }).waitFor(Wait.forPort(80))));
    const stacks = await Promise.all(projects.map((p) => p.up({ runtime: rt, timeout: 30_000 })));
    try {
      const answers = await Promise.all(stacks.map(async (s) => (await fetch(s.service('web').endpoint(80).url, { signal: AbortSignal.timeout(5_000) })).text()));
      expect(answers).toEqual(projects.map((_, i) => `hello p${i}`));
      for (const [i, p] of projects.entries()) expect((await rt.listContainers(p.name)).map((c) => c.name)).toEqual([`${p.name}_web_1`]), void i;
    } finally {
      await Promise.all(stacks.map((s) => s.down()));
    }
    for (const p of projects) expect(await rt.listContainers(p.name)).toEqual([]);
  }, 60_000);

  test('two processes running up on the same project do not corrupt each other', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'engine-two-'));
    stateDirs.push(stateDir);
    const name = `two-${Math.random().toString(16).slice(2, 8)}`;
    const script = join(tmpdir(), `engine-two-${name}.mts`);
    const entry = new URL('../../src/index.ts', import.meta.url).pathname;
    const { writeFileSync } = await import('node:fs');
    writeFileSync(
      script,
      `import { Project, processRuntime } from ${JSON.stringify(entry)};
const rt = processRuntime({ stateDir: ${JSON.stringify(stateDir)} });
const p = new Project(${JSON.stringify(name)}).service('a', { command: [process.execPath, '-e', 'setInterval(() => {}, 1000)'] }).service('b', { command: [process.execPath, '-e', 'setInterval(() => {}, 1000)'], depends_on: ['a'] });
const stack = await p.up({ runtime: rt });
console.log(JSON.stringify((await stack.ps()).map((c) => c.id).sort()));
await rt.close();
`,
    );
    const run = () =>
      new Promise<string>((resolve, reject) => {
        const child = spawn(NODE, ['--import', 'tsx', script], { cwd: new URL('../../../..', import.meta.url).pathname, stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        let err = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        child.stderr.on('data', (d: Buffer) => (err += d.toString()));
        const timer = setTimeout(() => child.kill('SIGKILL'), 40_000);
        child.on('exit', (code) => {
          clearTimeout(timer);
          if (code === 0) resolve(out.trim());
          else reject(new Error(`child exited ${code}: ${err}`));
        });
      });
    try {
      const outcomes = await Promise.allSettled([run(), run()]);
      // One created them. The other either found them unchanged (the first had exited by then) or,
      // while the first still ran, refused to adopt its services (issue 14): never a second set.
      const ok = outcomes.filter((o): o is PromiseFulfilledResult<string> => o.status === 'fulfilled').map((o) => o.value);
      expect(ok.length).toBeGreaterThanOrEqual(1);
      if (ok.length === 2) expect(ok[0]).toBe(ok[1]);
      for (const o of outcomes) if (o.status === 'rejected') expect(String(o.reason)).toContain('ProjectInUseError');
      const rt = runtime(stateDir);
      const containers = await rt.listContainers(name);
      expect(containers.map((c) => `${c.name}:${c.state}`).sort()).toEqual([`${name}_a_1:running`, `${name}_b_1:running`]);
    } finally {
      const rt = runtime(stateDir);
      await new Project(name).down({ runtime: rt });
      expect(await rt.listContainers(name)).toEqual([]);
      rmSync(script, { force: true });
    }
  }, 60_000);

  test('kill -9 of the owner mid-up, then down from a new process, removes everything (stale lock taken over)', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'engine-crash-'));
    stateDirs.push(stateDir);
    const name = `crash-${Math.random().toString(16).slice(2, 8)}`;
    const script = join(tmpdir(), `engine-crash-${name}.mts`);
    const entry = new URL('../../src/index.ts', import.meta.url).pathname;
    const { writeFileSync } = await import('node:fs');
    writeFileSync(
      script,
      `import { Project, processRuntime, Wait } from ${JSON.stringify(entry)};
const rt = processRuntime({ stateDir: ${JSON.stringify(stateDir)} });
const p = new Project(${JSON.stringify(name)})
  .service('db', { command: [process.execPath, '-e', 'setInterval(() => {}, 1000)'] })
  .service('slow', (s) => s.command([process.execPath, '-e', 'setInterval(() => {}, 1000)']).port('0:80').dependsOn('db').waitFor(Wait.forPort(80)));
await p.up({ runtime: rt, onEvent: (e) => { if (e.type === 'service.started' && e.service === 'slow') console.log('STARTED'); } });
`,
    );
    const child = spawn(NODE, ['--import', 'tsx', script], { cwd: new URL('../../../..', import.meta.url).pathname, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('child never started its services')), 30_000);
        child.stdout.on('data', (d: Buffer) => {
          if (d.toString().includes('STARTED')) {
            clearTimeout(timer);
            resolve();
          }
        });
        child.on('exit', (code) => reject(new Error(`child exited early (${code})`)));
      });
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      const rt = runtime(stateDir);
      const before = await rt.listContainers(name);
      expect(before.length).toBe(2);
      const result = await new Project(name).down({ runtime: rt, lockTimeout: 10_000 });
      expect(result.removedContainers).toBe(2);
      expect(await rt.listContainers(name)).toEqual([]);
      for (const c of before) {
        if (c.pid === undefined) continue;
        let alive = true;
        try {
          process.kill(c.pid, 0);
        } catch {
          alive = false;
        }
        expect(alive).toBe(false);
      }
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(script, { force: true });
    }
  }, 60_000);
});
