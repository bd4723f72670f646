/**
 * Issue 14, "a stack that is not up must never be reported up", on processRuntime with node
 * one-liners: a service that dies before `up()` resolves fails it with ServiceExitedError (its
 * logs and exit code) unless its restart policy brings it back; `stableFor` holds ready services;
 * after `up()` a crash is a `service.exited` event and shows in `stack.ps()`.
 * Every wait is bounded and waits for a condition, never for a span of time.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, test } from 'vitest';
import { Project, Wait, isPortConflictError, isProjectInUseError, isServiceExitedError, type ComposeEvent, type Stack } from '@selur/compose';
import { FAST, NODE, cleanup, idle, recording, rejection, runtime, server, stateDir, uniqueName } from './support.js';

const scratch: string[] = [];
afterEach(async () => {
  await cleanup();
  for (const d of scratch.splice(0)) rmSync(d, { recursive: true, force: true });
});

function scratchDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'truth-'));
  scratch.push(dir);
  return dir;
}

/** Prints a line, then exits with `code` (on the next turn, so the line is flushed). */
const dies = (code: number): string[] => [NODE, '-e', `console.log('about to exit ${code}'); setImmediate(() => process.exit(${code}))`];

/** Waits (bounded) until `check` holds, polling `read`. */
async function until<T>(read: () => Promise<T>, check: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('a service that dies is noticed (issue 14)', () => {
  test('a service without a healthcheck that exits 3 right after it starts fails up() with ServiceExitedError, its logs and exit code', async () => {
    const project = new Project(uniqueName('dies')).service('crash', { command: dies(3) }).service('steady', { command: idle() });
    // The window is long on purpose: it ends at once when the service exits, so a slow machine only makes it safer.
    const error = await rejection(project.up({ ...FAST, runtime: runtime(), stableFor: 60_000 }));
    expect(isServiceExitedError(error)).toBe(true);
    if (!isServiceExitedError(error)) return;
    expect(error.service).toBe('crash');
    expect(error.exitCode).toBe(3);
    expect(error.logs).toContain('about to exit 3');
    expect(error.rolledBack).toBe(true);
  });

  test('without stableFor, a service found exited when up() is about to resolve fails it', async () => {
    const dir = scratchDir();
    const pidFile = join(dir, 'crash.pid');
    // `gate` only becomes ready once the crash's process is gone: the crash happens before the last look.
    const gate = [NODE, '-e', `const fs = require('fs'); const t = setInterval(() => { let pid; try { pid = +fs.readFileSync(${JSON.stringify(pidFile)}, 'utf8'); } catch { return; } try { process.kill(pid, 0); } catch { console.log('crash is gone'); clearInterval(t); setInterval(() => {}, 1000); } }, 10)`];
    const crash = [NODE, '-e', `require('fs').writeFileSync(${JSON.stringify(pidFile)}, String(process.pid)); setImmediate(() => process.exit(3))`];
    const project = new Project(uniqueName('sweep'))
      .service('crash', { command: crash })
      .service('gate', (s) => s.command(gate).waitFor(Wait.forLog('crash is gone').withTimeout(30_000)));
    const error = await rejection(project.up({ ...FAST, runtime: runtime() }));
    expect(isServiceExitedError(error)).toBe(true);
    if (!isServiceExitedError(error)) return;
    expect(error.service).toBe('crash');
    expect(error.exitCode).toBe(3);
  });

  test('exit 0 of a long-running service fails too; a one-shot awaited with service_completed_successfully does not', async () => {
    const zero = new Project(uniqueName('zero')).service('server', { command: dies(0) });
    const error = await rejection(zero.up({ ...FAST, runtime: runtime(), stableFor: 60_000 }));
    expect(isServiceExitedError(error)).toBe(true);
    if (isServiceExitedError(error)) expect(error.exitCode).toBe(0);

    const job = new Project(uniqueName('job')).service('init', { command: dies(0) }).service('app', { command: idle(), depends_on: { init: { condition: 'service_completed_successfully' } } });
    await using stack = await job.up({ ...FAST, runtime: runtime(), stableFor: 200 });
    const init = (await stack.ps()).find((c) => c.service === 'init');
    expect(init).toMatchObject({ state: 'exited', exitCode: 0 });
  });

  test("a one-shot that finished shows 'completed (0)' in stack.ps(), not a health", async () => {
    const job = new Project(uniqueName('done'))
      .service('init', { command: dies(0), healthcheck: { test: 'exit 0', interval: '100ms', start_interval: '20ms', retries: 1 } })
      .service('app', { command: idle(), depends_on: { init: { condition: 'service_completed_successfully' } } });
    await using stack = await job.up({ ...FAST, runtime: runtime() });
    const byService = new Map((await stack.ps()).map((c) => [c.service, c]));
    expect(byService.get('init')).toMatchObject({ status: 'completed (0)', health: 'none', exitCode: 0 });
    expect(byService.get('app')?.status).toBe('running');
  });

  test('a service its restart policy brings back does not fail up(); ps shows its restarts', async () => {
    const project = new Project(uniqueName('restarts')).service('flaky', { command: dies(3), restart: 'always' });
    await using stack = await project.up({ ...FAST, runtime: runtime(), stableFor: 200 });
    const [flaky] = await until(() => stack.ps(), (list) => (list[0]?.restartCount ?? 0) >= 1);
    expect(flaky?.service).toBe('flaky');
  });

  test('after up(), a crash is a service.exited event with the exit code, and stack.ps() shows it', async () => {
    const dir = scratchDir();
    const trigger = join(dir, 'die');
    const worker = [NODE, '-e', `const fs = require('fs'); setInterval(() => { if (fs.existsSync(${JSON.stringify(trigger)})) process.exit(5); }, 10)`];
    const project = new Project(uniqueName('after')).service('worker', { command: worker });
    const events: ComposeEvent[] = [];
    await using stack: Stack = await project.up({ ...FAST, runtime: runtime(), onEvent: (e) => events.push(e) });
    writeFileSync(trigger, '');
    await until(async () => events.filter((e) => e.type === 'service.exited'), (list) => list.length > 0);
    expect(events.find((e) => e.type === 'service.exited')).toMatchObject({ type: 'service.exited', service: 'worker', replica: 1, exitCode: 5, restartCount: 0 });
    expect((await stack.ps())[0]).toMatchObject({ state: 'exited', exitCode: 5, restartCount: 0 });
  });
});

/** A free TCP port on 127.0.0.1 (bound to 0, then released). */
async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

describe('a port clash is never a success (issue 14)', () => {
  test("stack b with the same fixed host port as running stack a fails with PortConflictError naming both projects, before anything of b is created", async () => {
    const dir = stateDir();
    const port = await freePort();
    const web = (name: string) => new Project(name).service('web', (s) => s.command(server()).port(`${port}:8080`).waitFor(Wait.forHttp('/health', { port: 8080 })));
    const a = uniqueName('clash-a');
    const b = uniqueName('clash-b');
    await using stackA = await web(a).up({ ...FAST, runtime: runtime(dir) });
    const rtB = recording(runtime(dir));
    const error = await rejection(web(b).up({ ...FAST, runtime: rtB.runtime }));
    expect(isPortConflictError(error)).toBe(true);
    if (!isPortConflictError(error)) return;
    expect(error.port).toBe(port);
    expect(error.service).toBe('web');
    expect(error.project).toBe(b);
    expect(error.heldBy).toEqual({ project: a, service: 'web' });
    expect(error.message).toContain(`'${a}'`);
    expect(error.message).toContain(`'${b}'`);
    expect(rtB.calls).toEqual([]);
    expect(await rtB.runtime.listContainers(b)).toEqual([]);
    expect((await stackA.ps())[0]?.state).toBe('running');
  });

  test('a fixed host port held by something outside any stack fails with PortConflictError on that port, nothing created', async () => {
    const { createServer } = await import('node:net');
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    try {
      const address = squatter.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      const rt = recording(runtime());
      const name = uniqueName('squat');
      const error = await rejection(new Project(name).service('web', (s) => s.command(server()).port(`${port}:8080`)).up({ ...FAST, runtime: rt.runtime }));
      expect(isPortConflictError(error)).toBe(true);
      if (isPortConflictError(error)) {
        expect(error.port).toBe(port);
        expect(error.heldBy).toBeUndefined();
      }
      expect(rt.calls).toEqual([]);
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  });
});

const ownerScript = fileURLToPath(new URL('./fixtures/up-owner.ts', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

/** Runs `up` of `project` in another process; resolves with that process once its stack is up. */
function upInAnotherProcess(dir: string, project: string): Promise<{ child: ChildProcess; pid: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', ownerScript, dir, project], { cwd: repoRoot, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the other process did not come up within 60 s: ${stderr}`));
    }, 60_000);
    createInterface({ input: child.stdout! }).once('line', (line) => {
      clearTimeout(timer);
      resolve({ child, pid: (JSON.parse(line) as { pid: number }).pid });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the other process exited (${code}): ${stderr}`));
    });
  });
}

/** Lets the other process take its stack down and exit (bounded: killed after 30 s). */
async function finish(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  child.stdin?.end();
  await exited;
  clearTimeout(timer);
}

describe('two runs of one named file do not destroy each other (issue 14)', () => {
  test('an up of a named project whose services another live process started fails with ProjectInUseError naming its pid, and changes nothing; reuse: true shares it', async () => {
    const dir = stateDir();
    const name = uniqueName('owned');
    const other = await upInAnotherProcess(dir, name);
    try {
      const rt = recording(runtime(dir));
      const before = await rt.runtime.listContainers(name);
      const error = await rejection(new Project(name).service('api', { command: idle() }).up({ ...FAST, runtime: rt.runtime }));
      expect(isProjectInUseError(error)).toBe(true);
      if (!isProjectInUseError(error)) return;
      expect(error.ownerPid).toBe(other.pid);
      expect(error.project).toBe(name);
      expect(error.services).toEqual(['api']);
      expect(error.message).toContain(`pid ${other.pid}`);
      expect(rt.calls).toEqual([]);
      expect((await rt.runtime.listContainers(name)).map((c) => `${c.id}:${c.state}`)).toEqual(before.map((c) => `${c.id}:${c.state}`));

      // Told to share: it adopts the running stack (same container, nothing recreated) and leaves it running on dispose.
      const shared = await new Project(name).service('api', { command: [NODE, '-e', 'setInterval(() => {}, 1000)'] }).up({ ...FAST, runtime: rt.runtime, reuse: true });
      expect((await shared.ps()).map((c) => c.id)).toEqual(before.map((c) => c.id));
      await shared[Symbol.asyncDispose]();
      expect((await rt.runtime.listContainers(name))[0]?.state).toBe('running');
    } finally {
      await finish(other.child);
    }
  });
});
