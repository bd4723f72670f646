/**
 * Issue 13, `develop.watch` on the process runtime through `stack.watch()`: sync (initial sync,
 * ignore patterns, editors' temporary files, new folders, removals), restart (a new pid),
 * sync+exec, rebuild (a new container), a failed exec reported and watching going on, and the
 * typed refusals.
 */
import { mkdirSync, mkdtempSync, readFileSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { Project, isUnsupportedFieldError, isUnsupportedOperationError, isWatchActionError, isWatchConfigError, type ComposeEvent, type Runtime, type ServiceInput, type Stack } from '@selur/compose';
import { FAST, NODE, cleanup, runtime, uniqueName } from './support.js';

const folders: string[] = [];
afterEach(async () => {
  await cleanup();
  for (const f of folders.splice(0)) rmSync(f, { recursive: true, force: true });
});

function projectFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'watch-acc-'));
  folders.push(dir);
  return dir;
}

const get = async (url: string) => (await fetch(url, { signal: AbortSignal.timeout(5_000) })).text();

/** A server answering with the content of `file` (relative to its working folder), or its pid for `/pid`. */
const fileServer = (file: string): string[] => [
  NODE,
  '-e',
  `require('http').createServer((q, s) => { if (q.url === '/pid') return s.end(String(process.pid)); try { s.end(require('fs').readFileSync(${JSON.stringify(file)}, 'utf8')); } catch { s.statusCode = 404; s.end('missing'); } }).listen(+process.env.PORT, '127.0.0.1')`,
];

/** Records events; `next(predicate)` resolves with the first one (past or future) that matches, within 20 s. */
function recorder() {
  const seen: ComposeEvent[] = [];
  const waiting: { test: (e: ComposeEvent) => boolean; resolve: (e: ComposeEvent) => void }[] = [];
  let from = 0;
  return {
    seen,
    onEvent: (e: ComposeEvent) => {
      seen.push(e);
      for (const w of [...waiting]) if (w.test(e)) { waiting.splice(waiting.indexOf(w), 1); w.resolve(e); }
    },
    /** The first event after the previous `next` that matches. */
    next<T extends ComposeEvent['type']>(type: T, test: (e: Extract<ComposeEvent, { type: T }>) => boolean = () => true): Promise<Extract<ComposeEvent, { type: T }>> {
      const match = (e: ComposeEvent) => e.type === type && test(e as Extract<ComposeEvent, { type: T }>);
      const past = seen.slice(from).findIndex(match);
      if (past >= 0) {
        from += past + 1;
        return Promise.resolve(seen[from - 1] as Extract<ComposeEvent, { type: T }>);
      }
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${type} event within 20 s; saw ${seen.map((e) => e.type).join(', ')}`)), 20_000);
        waiting.push({ test: match, resolve: (e) => { clearTimeout(timer); from = seen.length; resolve(e as Extract<ComposeEvent, { type: T }>); } });
      });
    },
  };
}

/** Brings `project` up, watches it (50 ms batches) while `body` runs, then stops watching and takes it down. */
async function whileWatching(project: Project, rt: Runtime, body: (events: ReturnType<typeof recorder>, stack: Stack) => Promise<void>): Promise<void> {
  const stack = await project.up({ ...FAST, runtime: rt });
  const events = recorder();
  const controller = new AbortController();
  const watching = stack.watch({ signal: controller.signal, onEvent: events.onEvent, debounceMs: 50 });
  try {
    await body(events, stack);
  } finally {
    controller.abort();
    await watching;
    await stack.down();
  }
}

describe('stack.watch() on the process runtime (issue 13)', () => {
  test('sync: initial sync, changes, new folders and removals reach the target; ignored files do not', async () => {
    const dir = projectFolder();
    mkdirSync(join(dir, 'src'));
    mkdirSync(join(dir, 'run'));
    writeFileSync(join(dir, 'src', 'index.html'), 'v1');
    writeFileSync(join(dir, 'src', 'draft.tmp'), 'not for the service');
    const web: ServiceInput = {
      command: fileServer('site/index.html'),
      working_dir: 'run',
      ports: ['0:8080'],
      develop: { watch: [{ path: './src', action: 'sync', target: 'site', ignore: ['*.tmp'], initial_sync: true }] },
    };
    const rt = runtime();
    const project = new Project(uniqueName('watch-sync'), { workingDir: dir }).service('web', web);
    const stack = await project.up({ ...FAST, runtime: rt });
    const events = recorder();
    const controller = new AbortController();
    const watching = stack.watch({ signal: controller.signal, onEvent: events.onEvent, debounceMs: 50 });
    try {
      const started = await events.next('watch.started');
      expect(started.services).toEqual(['web']);
      expect(started.paths).toEqual([join(dir, 'src')]);
      const url = stack.service('web').endpoint(8080).url;
      // initial_sync copied what was there, leaving the ignored file out
      expect(await get(url)).toBe('v1');
      expect(existsSync(join(dir, 'run', 'site', 'draft.tmp'))).toBe(false);

      writeFileSync(join(dir, 'src', 'other.tmp'), 'ignored');
      writeFileSync(join(dir, 'src', '.index.html.swp'), 'vim swap');
      writeFileSync(join(dir, 'src', 'index.html'), 'v2');
      const sync = await events.next('watch.sync', (e) => e.paths.includes(join(dir, 'src', 'index.html')));
      expect(sync.service).toBe('web');
      expect(sync.paths.some((p) => p.endsWith('.tmp') || p.endsWith('.swp'))).toBe(false);
      expect(await get(url)).toBe('v2');
      expect(existsSync(join(dir, 'run', 'site', 'other.tmp'))).toBe(false);
      expect(existsSync(join(dir, 'run', 'site', '.index.html.swp'))).toBe(false);

      mkdirSync(join(dir, 'src', 'sub'));
      writeFileSync(join(dir, 'src', 'sub', 'a.txt'), 'nested');
      await events.next('watch.sync', () => existsSync(join(dir, 'run', 'site', 'sub', 'a.txt')));
      expect(readFileSync(join(dir, 'run', 'site', 'sub', 'a.txt'), 'utf8')).toBe('nested');

      rmSync(join(dir, 'src', 'index.html'));
      await events.next('watch.sync', (e) => e.paths.includes(join(dir, 'src', 'index.html')));
      expect(await get(url)).toBe('missing');
    } finally {
      controller.abort();
      await watching;
    }
    expect(events.seen.at(-1)?.type).toBe('watch.stopped');
    // stopped: a change is no longer applied
    const syncs = events.seen.filter((e) => e.type === 'watch.sync').length;
    writeFileSync(join(dir, 'src', 'late.txt'), 'late');
    await stack.down();
    expect(existsSync(join(dir, 'run', 'site', 'late.txt'))).toBe(false);
    expect(events.seen.filter((e) => e.type === 'watch.sync').length).toBe(syncs);
  });

  test('restart gives a new process, sync+exec runs its command, rebuild recreates the service', async () => {
    const dir = projectFolder();
    for (const sub of ['conf', 'hooks', 'code']) mkdirSync(join(dir, sub));
    writeFileSync(join(dir, 'conf', 'app.conf'), 'a=1');
    writeFileSync(join(dir, 'hooks', 'value.txt'), 'first');
    writeFileSync(join(dir, 'code', 'main.js'), '1');
    const rt = runtime();
    const project = new Project(uniqueName('watch-actions'), { workingDir: dir }).service('app', {
      command: fileServer('exec-out.txt'),
      ports: ['0:8080'],
      develop: {
        watch: [
          { path: './conf', action: 'restart' },
          { path: './hooks', action: 'sync+exec', target: 'synced', exec: { command: ['sh', '-c', 'cat synced/value.txt > exec-out.txt'] } },
          { path: './code/main.js', action: 'rebuild' },
        ],
      },
    });
    await whileWatching(project, rt, async (events, stack) => {
      await events.next('watch.started');
      const pid = await get(`${stack.service('app').endpoint(8080).url}/pid`);

      writeFileSync(join(dir, 'conf', 'app.conf'), 'a=2');
      const restart = await events.next('watch.restart');
      expect(restart).toMatchObject({ service: 'app', paths: [join(dir, 'conf', 'app.conf')], count: 1 });
      await stack.refresh();
      const after = await get(`${stack.service('app').endpoint(8080).url}/pid`);
      expect(after).not.toBe(pid);

      writeFileSync(join(dir, 'hooks', 'value.txt'), 'second');
      const exec = await events.next('watch.exec');
      expect(exec).toMatchObject({ service: 'app', command: ['sh', '-c', 'cat synced/value.txt > exec-out.txt'], exitCode: 0 });
      expect(await get(stack.service('app').endpoint(8080).url)).toBe('second');
      expect(readFileSync(join(dir, 'exec-out.txt'), 'utf8')).toBe('second');

      const before = (await stack.ps()).find((c) => c.service === 'app')!.id;
      writeFileSync(join(dir, 'code', 'main.js'), '2');
      await events.next('watch.rebuild', (e) => e.service === 'app');
      const recreated = (await stack.ps()).filter((c) => c.service === 'app');
      expect(recreated).toHaveLength(1);
      expect(recreated[0]!.id).not.toBe(before);
      expect(recreated[0]!.state).toBe('running');
    });
  });

  test('a failing sync+exec is reported as watch.failed and watching goes on', async () => {
    const dir = projectFolder();
    mkdirSync(join(dir, 'in'));
    const rt = runtime();
    const project = new Project(uniqueName('watch-fail'), { workingDir: dir }).service('app', {
      command: [NODE, '-e', 'setInterval(() => {}, 1000)'],
      develop: { watch: [{ path: './in', action: 'sync+exec', target: 'out', exec: { command: ['sh', '-c', 'test -f out/ok'] } }] },
    });
    await whileWatching(project, rt, async (events) => {
      await events.next('watch.started');
      writeFileSync(join(dir, 'in', 'bad'), 'x');
      const failed = await events.next('watch.failed');
      expect(failed.action).toBe('sync+exec');
      expect(isWatchActionError(failed.error)).toBe(true);
      expect(failed.error.message).toContain('exited with code 1');
      writeFileSync(join(dir, 'in', 'ok'), 'y');
      const exec = await events.next('watch.exec');
      expect(exec.exitCode).toBe(0);
    });
  });

  test("sync+exec runs with the rule's user (root only), working_dir and environment", async () => {
    const dir = projectFolder();
    mkdirSync(join(dir, 'in'));
    mkdirSync(join(dir, 'wd'));
    const rt = runtime();
    const root = process.getuid?.() === 0;
    // exits 0 only when the command runs as uid 1234 (this uid when not root), in wd/, with FOO=bar
    const check = `echo "$(id -u) $(basename "$PWD") $FOO"; test "$(id -u)" = ${root ? 1234 : process.getuid?.()} && test "$(basename "$PWD")" = wd && test "$FOO" = bar`;
    const project = new Project(uniqueName('watch-exec-opts'), { workingDir: dir }).service('app', {
      command: [NODE, '-e', 'setInterval(() => {}, 1000)'],
      develop: { watch: [{ path: './in', action: 'sync+exec', target: 'out', exec: { command: ['sh', '-c', check], working_dir: 'wd', environment: { FOO: 'bar' }, ...(root ? { user: '1234' } : {}) } }] },
    });
    await whileWatching(project, rt, async (events) => {
      await events.next('watch.started');
      writeFileSync(join(dir, 'in', 'a'), 'x');
      const done = await Promise.race([events.next('watch.exec'), events.next('watch.failed')]);
      expect(done.type === 'watch.failed' ? done.error.message : done.type).toBe('watch.exec');
    });
  });

  test('sync+exec user and privileged are refused by name, before watching, where the runtime cannot apply them', async () => {
    const dir = projectFolder();
    mkdirSync(join(dir, 'in'));
    const rt = runtime();
    const signal = new AbortController().signal;
    const idle = [NODE, '-e', 'setInterval(() => {}, 1000)'];
    // the process runtime has no privileges to extend
    const privileged = await new Project(uniqueName('watch-priv'), { workingDir: dir })
      .service('app', { command: idle, develop: { watch: [{ path: './in', action: 'sync+exec', target: 'out', exec: { command: ['true'], privileged: true } }] } })
      .up({ ...FAST, runtime: rt });
    const refusedPrivileged = await privileged.watch({ signal }).catch((e: unknown) => e);
    expect(isUnsupportedOperationError(refusedPrivileged) && refusedPrivileged.operation, String(refusedPrivileged)).toBe('exec.privileged');
    await privileged.down();
    // a runtime without exec.user (as Kubernetes and selur)
    const capabilities = new Set([...rt.capabilities].filter((c) => c !== 'exec.user'));
    const without = new Proxy(rt, { get: (target, key) => (key === 'capabilities' ? capabilities : Reflect.get(target, key)) }) as Runtime;
    const user = await new Project(uniqueName('watch-user'), { workingDir: dir })
      .service('app', { command: idle, develop: { watch: [{ path: './in', action: 'sync+exec', target: 'out', exec: { command: ['true'], user: 'nobody' } }] } })
      .up({ ...FAST, runtime: without });
    const refusedUser = await user.watch({ signal }).catch((e: unknown) => e);
    expect(isUnsupportedOperationError(refusedUser) && refusedUser.operation, String(refusedUser)).toBe('exec.user');
    await user.down();
  });

  test('refusals are typed: nothing to watch, a sync without target, a runtime without field:develop', async () => {
    const dir = projectFolder();
    mkdirSync(join(dir, 'src'));
    const rt = runtime();
    const idle = [NODE, '-e', 'setInterval(() => {}, 1000)'];
    const signal = new AbortController().signal;

    const plain = await new Project(uniqueName('watch-none'), { workingDir: dir }).service('app', { command: idle }).up({ ...FAST, runtime: rt });
    const none = await plain.watch({ signal }).catch((e: unknown) => e);
    expect(isWatchConfigError(none), String(none)).toBe(true);
    await plain.down();

    const noTarget = await new Project(uniqueName('watch-target'), { workingDir: dir })
      .service('app', { command: idle, develop: { watch: [{ path: './src', action: 'sync' }] } })
      .up({ ...FAST, runtime: rt });
    const missing = await noTarget.watch({ signal }).catch((e: unknown) => e);
    expect(isWatchConfigError(missing), String(missing)).toBe(true);
    expect((missing as { field?: string }).field).toBe('services.app.develop.watch[0].target');
    await noTarget.down();

    // a runtime that does not apply develop (as Swarm, Kubernetes and selur): up leaves it out with
    // a warning when asked to, and watch refuses it by name
    const capabilities = new Set([...rt.capabilities].filter((c) => c !== 'field:develop'));
    const without = new Proxy(rt, { get: (target, key) => (key === 'capabilities' ? capabilities : Reflect.get(target, key)) }) as Runtime;
    const refused = await new Project(uniqueName('watch-cap'), { workingDir: dir })
      .service('app', { command: idle, develop: { watch: [{ path: './src', action: 'restart' }] } })
      .up({ ...FAST, runtime: without, unsupported: 'warn' });
    const error = await refused.watch({ signal }).catch((e: unknown) => e);
    expect(isUnsupportedFieldError(error), String(error)).toBe(true);
    await refused.down();
  });
});
