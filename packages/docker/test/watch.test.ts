/**
 * Issue 13, `develop.watch` on Docker through `stack.watch()`: files synced into the running
 * container through the archive endpoint (initial sync, changes, ignore patterns, removals through
 * exec), seen with exec cat; restart seen as a new start time; rebuild builds the image again
 * from its build section (honouring .dockerignore), recreates the container and removes the image
 * it replaced (prune); sync+exec runs with its user, working_dir, environment and privileged.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Project, type ComposeEvent } from '@selur/compose';
import { TEST_IMAGE, ensureTestImage, sweep, testRuntime, uniqueProject } from './support/engine.js';
import { rawEngine } from './support/raw-engine.js';

const runtime = testRuntime();
const projects: string[] = [];
const tag = `selur-compose-test/watch-${process.pid}:latest`;
let dir: string;

beforeAll(async () => {
  await ensureTestImage(runtime);
  dir = await mkdtemp(path.join(tmpdir(), 'selur-docker-watch-'));
});

afterAll(async () => {
  for (const p of projects) await sweep(runtime, p);
  await rawEngine('DELETE', `/images/${encodeURIComponent(tag)}?force=1`);
  await runtime.close();
  await rm(dir, { recursive: true, force: true });
});

const LOOP = ['sh', '-c', 'trap "exit 0" TERM; while true; do sleep 0.1; done'];

/** Records events; `next` resolves with the first matching one after the previous `next` (within 60 s). */
function recorder() {
  const seen: ComposeEvent[] = [];
  let from = 0;
  const waiting: { test: (e: ComposeEvent) => boolean; resolve: () => void }[] = [];
  return {
    seen,
    onEvent: (e: ComposeEvent) => {
      seen.push(e);
      for (const w of [...waiting]) if (w.test(e)) { waiting.splice(waiting.indexOf(w), 1); w.resolve(); }
    },
    async next<T extends ComposeEvent['type']>(type: T, test: (e: Extract<ComposeEvent, { type: T }>) => boolean = () => true): Promise<Extract<ComposeEvent, { type: T }>> {
      const match = (e: ComposeEvent) => e.type === type && test(e as Extract<ComposeEvent, { type: T }>);
      let index = seen.findIndex((e, i) => i >= from && match(e));
      if (index < 0) {
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`no ${type} event within 60 s; saw ${seen.map((e) => e.type).join(', ')}`)), 60_000);
          waiting.push({ test: match, resolve: () => { clearTimeout(timer); resolve(); } });
        });
        index = seen.findIndex((e, i) => i >= from && match(e));
      }
      from = index + 1;
      return seen[index] as Extract<ComposeEvent, { type: T }>;
    },
  };
}

describe('stack.watch() on Docker (issue 13)', () => {
  it('syncs into the running container, removes what was removed, restarts on a restart rule', async () => {
    const root = path.join(dir, 'sync');
    await mkdir(path.join(root, 'src', 'deep'), { recursive: true });
    await mkdir(path.join(root, 'conf'));
    await writeFile(path.join(root, 'src', 'index.html'), 'v1');
    await writeFile(path.join(root, 'src', 'skip.tmp'), 'ignored');
    await writeFile(path.join(root, 'conf', 'app.conf'), 'a=1');
    const name = uniqueProject('watch');
    projects.push(name);
    const project = new Project(name, { workingDir: root }).service('web', {
      image: TEST_IMAGE,
      command: LOOP,
      stop_grace_period: '2s',
      develop: {
        watch: [
          { path: './src', action: 'sync', target: '/app', ignore: ['*.tmp'], initial_sync: true },
          { path: './conf', action: 'restart' },
        ],
      },
    });
    const stack = await project.up({ runtime, timeout: 60_000 });
    const events = recorder();
    const controller = new AbortController();
    const watching = stack.watch({ signal: controller.signal, onEvent: events.onEvent, debounceMs: 100 });
    const cat = async (file: string) => stack.exec('web', ['cat', file]);
    try {
      await events.next('watch.started');
      expect((await cat('/app/index.html')).stdout).toBe('v1');
      expect((await cat('/app/skip.tmp')).exitCode).not.toBe(0);

      await writeFile(path.join(root, 'src', 'index.html'), 'v2');
      await writeFile(path.join(root, 'src', 'deep', 'new.txt'), 'nested');
      await events.next('watch.sync', () => true);
      // both files may come in one batch or two
      if ((await cat('/app/deep/new.txt')).exitCode !== 0) await events.next('watch.sync');
      expect((await cat('/app/index.html')).stdout).toBe('v2');
      expect((await cat('/app/deep/new.txt')).stdout).toBe('nested');

      await rm(path.join(root, 'src', 'index.html'));
      await events.next('watch.sync', (e) => e.paths.includes(path.join(root, 'src', 'index.html')));
      expect((await cat('/app/index.html')).exitCode).not.toBe(0);
      expect((await cat('/app/deep/new.txt')).stdout).toBe('nested');

      const before = (await stack.ps()).find((c) => c.service === 'web')!;
      await writeFile(path.join(root, 'conf', 'app.conf'), 'a=2');
      await events.next('watch.restart', (e) => e.service === 'web');
      const after = (await stack.ps()).find((c) => c.service === 'web')!;
      expect(after.id).toBe(before.id);
      expect(after.state).toBe('running');
      expect(after.startedAt).not.toBe(before.startedAt);
    } finally {
      controller.abort();
      await watching;
      await stack.down();
    }
    expect(events.seen.at(-1)?.type).toBe('watch.stopped');
  });

  it("sync+exec runs with the rule's user, working_dir, environment and privileged", async () => {
    const root = path.join(dir, 'exec');
    await mkdir(path.join(root, 'in'), { recursive: true });
    await mkdir(path.join(root, 'priv'), { recursive: true });
    const name = uniqueProject('watch-exec');
    projects.push(name);
    // each exits 0 only when what it checks holds, and prints what it saw (in watch.failed otherwise)
    const asUser = 'echo "$(id -u) $(pwd) $FOO"; test "$(id -u)" = 1234 && test "$(pwd)" = /etc && test "$FOO" = bar';
    const withSysAdmin = 'cap=$(awk \'/CapEff/ {print $2}\' /proc/self/status); echo "$(id -u) $cap"; test "$(id -u)" = 0 && test $(( (0x$cap >> 21) & 1 )) = 1';
    const project = new Project(name, { workingDir: root }).service('web', {
      image: TEST_IMAGE,
      command: LOOP,
      stop_grace_period: '2s',
      develop: {
        watch: [
          { path: './in', action: 'sync+exec', target: '/tmp/in', exec: { command: ['sh', '-c', asUser], user: '1234', working_dir: '/etc', environment: { FOO: 'bar' } } },
          { path: './priv', action: 'sync+exec', target: '/tmp/priv', exec: { command: ['sh', '-c', withSysAdmin], privileged: true } },
        ],
      },
    });
    const stack = await project.up({ runtime, timeout: 60_000 });
    const events = recorder();
    const controller = new AbortController();
    const watching = stack.watch({ signal: controller.signal, onEvent: events.onEvent, debounceMs: 100 });
    /** The next sync+exec's outcome from now on: 'watch.exec', or the failure's message (within 60 s). */
    const outcome = async () => {
      const start = events.seen.length;
      for (let i = 0; i < 600; i++) {
        const e = events.seen.slice(start).find((x) => x.type === 'watch.exec' || x.type === 'watch.failed');
        if (e) return e.type === 'watch.failed' ? e.error.message : e.type;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error('neither watch.exec nor watch.failed within 60 s');
    };
    try {
      await events.next('watch.started');
      // the container itself has no CAP_SYS_ADMIN: the privileged check below passes only through the exec's privileges
      expect((await stack.exec('web', ['sh', '-c', withSysAdmin])).exitCode).not.toBe(0);
      const asUserDone = outcome();
      await writeFile(path.join(root, 'in', 'a'), 'x');
      expect(await asUserDone).toBe('watch.exec');
      const privilegedDone = outcome();
      await writeFile(path.join(root, 'priv', 'b'), 'y');
      // Privileged reached the engine either way: the command runs with CAP_SYS_ADMIN, or an engine
      // that cannot grant it (itself without those capabilities, as a rootless or nested dockerd)
      // refuses to start the exec. Without Privileged it would run and exit 1 (no CAP_SYS_ADMIN).
      expect(await privilegedDone).toMatch(/^watch\.exec$|unable to apply caps: operation not permitted/);
    } finally {
      controller.abort();
      await watching;
      await stack.down();
    }
  });

  it('rebuild builds the image again from its build section and recreates the container', async () => {
    const root = path.join(dir, 'rebuild');
    await mkdir(root, { recursive: true });
    await writeFile(path.join(root, 'Dockerfile'), `FROM ${TEST_IMAGE}\nCOPY version /version\n`);
    await writeFile(path.join(root, 'version'), 'one');
    await writeFile(path.join(root, 'notes.md'), 'not in the image');
    await writeFile(path.join(root, '.dockerignore'), 'notes.md\n');
    const name = uniqueProject('watch-rebuild');
    projects.push(name);
    const project = new Project(name, { workingDir: root }).service('app', {
      image: tag,
      build: { context: '.' },
      command: LOOP,
      stop_grace_period: '2s',
      develop: { watch: [{ path: '.', action: 'rebuild' }] },
    });
    await runtime.buildService!({ project: name, service: 'app', spec: project.toJSON().services['app']!, workingDir: root });
    const stack = await project.up({ runtime, timeout: 60_000 });
    const events = recorder();
    const controller = new AbortController();
    const watching = stack.watch({ signal: controller.signal, onEvent: events.onEvent, debounceMs: 100 });
    try {
      await events.next('watch.started');
      expect((await stack.exec('app', ['cat', '/version'])).stdout).toBe('one');
      const before = (await stack.ps()).find((c) => c.service === 'app')!.id;
      const oldImage = (await rawEngine<{ Id: string }>('GET', `/images/${encodeURIComponent(tag)}/json`)).json.Id;

      // a change the .dockerignore leaves out starts nothing; the next one rebuilds
      await writeFile(path.join(root, 'notes.md'), 'still not in the image');
      await writeFile(path.join(root, 'version'), 'two');
      const rebuilt = await events.next('watch.rebuild');
      expect(rebuilt.paths).toEqual([path.join(root, 'version')]);
      const now = (await stack.ps()).filter((c) => c.service === 'app');
      expect(now).toHaveLength(1);
      expect(now[0]!.id).not.toBe(before);
      expect((await stack.exec('app', ['cat', '/version'])).stdout).toBe('two');
      // --prune (the default): the image the rebuild replaced is removed, the new one kept
      expect((await rawEngine('GET', `/images/${encodeURIComponent(oldImage)}/json`)).status).toBe(404);
      expect((await rawEngine<{ Id: string }>('GET', `/images/${encodeURIComponent(tag)}/json`)).json.Id).not.toBe(oldImage);
    } finally {
      controller.abort();
      await watching;
      await stack.down();
    }
    expect(events.seen.some((e) => e.type === 'watch.failed')).toBe(false);
  });
});
