/**
 * Issue 14, with real software nobody on this project wrote: Debian's PostgreSQL, Redis and nginx
 * and a Node app using `pg` and `redis` (examples/real-stack/compose.toml), on the process runtime,
 * through the public API (`loadProject` + `processRuntime` + `up`/`down`).
 *
 * PostgreSQL refuses to run as root, so the stack only comes up when the runtime honours `user`
 * (setpriv) and gives that user its fresh volume; its ports are all free ones (`0`), found by the
 * app and nginx through `<DEP>_HOST`/`<DEP>_PORT`, so two copies run side by side.
 *
 * The servers come from `.ci/run` (apt-get install postgresql redis-server nginx): without them, or
 * without root, this file FAILS, it never skips. Every wait is bounded and waits for a condition.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import { isPortConflictError, loadProject, type ComposeEvent, type Project, type ProcessRuntime, type Stack, type StackContainer } from '@selur/compose';
import { FAST, cleanup, recording, rejection, runtime, stateDir, track, uniqueName } from './support.js';

afterEach(cleanup);

const FILE = fileURLToPath(new URL('../../../../examples/real-stack/compose.toml', import.meta.url));
const INSTALL = 'run `bash .ci/run` (it installs them), or `apt-get install postgresql redis-server nginx`';

/** What the stack needs on the host; a missing piece fails the file with what to do. */
function requireHost(): void {
  const missing: string[] = [];
  const pgBin = existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql').map((v) => `/usr/lib/postgresql/${v}/bin`).find((d) => existsSync(`${d}/initdb`) && existsSync(`${d}/postgres`)) : undefined;
  if (!pgBin) missing.push('PostgreSQL server (/usr/lib/postgresql/<major>/bin/initdb)');
  for (const program of ['pg_isready', 'redis-server', 'nginx', 'setpriv']) {
    try {
      execFileSync('sh', ['-c', `command -v ${program} || test -x /usr/sbin/${program}`], { stdio: 'ignore' });
    } catch {
      missing.push(program);
    }
  }
  if (missing.length > 0) throw new Error(`the real-service suite needs Debian's PostgreSQL, Redis and nginx; missing: ${missing.join(', ')}: ${INSTALL}`);
  if (process.getuid?.() !== 0) throw new Error('the real-service suite runs as root (as CI does): PostgreSQL refuses root, and only root can run it as user `postgres`');
  for (const user of ['postgres', 'www-data']) {
    try {
      execFileSync('id', ['-u', user], { stdio: 'ignore' });
    } catch {
      throw new Error(`no user '${user}' on this host (the postgresql package creates postgres, Debian's base system www-data): ${INSTALL}`);
    }
  }
}

beforeAll(requireHost);

const uidOf = (user: string): number => Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim());

/** A runtime whose state folder (holding the volumes) user `postgres` can reach, as the example's README says. */
function realRuntime(): ProcessRuntime {
  const dir = stateDir();
  chmodSync(dir, 0o711);
  return runtime(dir);
}

async function load(name: string, env: Record<string, string> = {}): Promise<Project> {
  return loadProject(FILE, { projectName: track(name), env });
}

interface Answer {
  readonly visits: number;
  readonly visitId: number;
  readonly postgres: string;
  readonly redis: string;
}

/** One GET through nginx → app → PostgreSQL + Redis. No retry: it must answer right after `up`. */
async function visit(stack: Stack): Promise<Answer> {
  const response = await fetch(stack.service('web').endpoint(8080).url, { signal: AbortSignal.timeout(10_000) });
  const body = await response.text();
  expect(response.status, body).toBe(200);
  return JSON.parse(body) as Answer;
}

/**
 * `pid` → start time of every process of the stack's running containers: their process groups,
 * and every descendant of their main processes (PostgreSQL's children call setsid(): each is in a
 * session and group of its own, under the postmaster).
 */
function processesOf(containers: readonly StackContainer[]): Map<number, string> {
  const roots = new Set(containers.filter((c) => c.state === 'running' && c.pid !== undefined).map((c) => c.pid ?? -1));
  const groups = new Set([...roots].map((pid) => stat(pid)?.pgrp ?? -1));
  const table = new Map<number, { ppid: number; pgrp: number; start: string }>();
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    const s = Number.isInteger(pid) ? stat(pid) : undefined;
    if (s) table.set(pid, s);
  }
  const ours = (pid: number): boolean => {
    for (let p = pid, hops = 0; p > 1 && hops < 64; p = table.get(p)?.ppid ?? 0, hops++) if (roots.has(p)) return true;
    return false;
  };
  const found = new Map<number, string>();
  for (const [pid, s] of table) if (groups.has(s.pgrp) || ours(pid)) found.set(pid, s.start);
  return found;
}

/**
 * Fields of /proc/<pid>/stat: parent, process group and start time; undefined once gone or a
 * zombie (dead, waiting for its parent to read its status: PostgreSQL's children whose postmaster
 * was killed wait for init).
 */
function stat(pid: number): { ppid: number; pgrp: number; start: string } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    if (fields[0] === 'Z' || fields[0] === 'X') return undefined;
    return { ppid: Number(fields[1]), pgrp: Number(fields[2]), start: fields[19] ?? '' };
  } catch {
    return undefined;
  }
}

/** The processes of `before` still alive (same pid, same start time: a reused pid is not one of them). */
function survivors(before: ReadonlyMap<number, string>): number[] {
  return [...before].filter(([pid, start]) => stat(pid)?.start === start).map(([pid]) => pid);
}

/** Processes carrying the project's marker in their environment (PostgreSQL rewrites its own, hence the groups too). */
function marked(project: string): number[] {
  const needle = `\0SELUR_COMPOSE_PROJECT=${project}\0`;
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (`\0${readFileSync(`/proc/${entry}/environ`, 'latin1')}`.includes(needle)) pids.push(Number(entry));
    } catch {
      // gone, or not ours to read
    }
  }
  return pids;
}

/** Whether something accepts connections on 127.0.0.1:port. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

async function until<T>(read: () => T | Promise<T>, check: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

const SERVICES = ['app', 'cache', 'db', 'pg-init', 'web'];

describe("Debian's PostgreSQL, Redis and nginx on the process runtime (issue 14)", { timeout: 120_000 }, () => {
  test('the stack comes up, answers through nginx → app → PostgreSQL + Redis at once, ps tells the truth, a killed PostgreSQL is a service.exited event, down leaves no process', async () => {
    const rt = realRuntime();
    const project = await load(uniqueName('real'));
    const events: ComposeEvent[] = [];
    const stack = await project.up({ ...FAST, runtime: rt, onEvent: (e) => events.push(e) });

    // Right after up: the whole chain answers, twice (Redis counts, PostgreSQL records).
    const first = await visit(stack);
    expect(first).toMatchObject({ visits: 1, visitId: 1 });
    expect(first.postgres).toMatch(/^\d+\.\d+ \(Debian/);
    expect(first.redis).toMatch(/^\d+\.\d+/);
    expect(await visit(stack)).toMatchObject({ visits: 2, visitId: 2 });

    // ps: what runs, as whom, on which ports, matches the host.
    const ps = await stack.ps();
    const byService = new Map(ps.map((c) => [c.service, c]));
    expect([...byService.keys()].sort()).toEqual(SERVICES);
    expect(byService.get('pg-init')).toMatchObject({ state: 'exited', exitCode: 0, status: 'completed (0)' });
    expect(byService.get('db')).toMatchObject({ state: 'running', health: 'healthy', status: 'running (healthy)' });
    for (const service of ['cache', 'app', 'web']) expect(byService.get(service)).toMatchObject({ state: 'running', status: 'running' });
    for (const c of ps.filter((x) => x.state === 'running')) {
      expect(stat(c.pid ?? -1), `${c.service}'s pid ${c.pid} is alive`).toBeDefined();
      for (const port of c.ports) expect(await accepts(port.published), `${c.service} accepts on ${port.published}`).toBe(true);
    }
    const db = byService.get('db');
    expect(readFileSync(`/proc/${db?.pid}/status`, 'utf8')).toMatch(new RegExp(`^Uid:\\s+${uidOf('postgres')}\\s`, 'm'));
    expect(readFileSync(`/proc/${byService.get('web')?.pid}/status`, 'utf8')).toMatch(new RegExp(`^Uid:\\s+${uidOf('www-data')}\\s`, 'm'));
    expect(readFileSync(`/proc/${byService.get('cache')?.pid}/status`, 'utf8')).toMatch(/^Uid:\s+0\s/m);
    const before = processesOf(ps);
    expect(before.size).toBeGreaterThanOrEqual(ps.filter((c) => c.state === 'running').length + 5); // PostgreSQL's workers and the app's backends, nginx's worker

    // PostgreSQL killed after up: an event with its exit code, and ps says so.
    process.kill(db?.pid ?? -1, 'SIGKILL');
    const exited = await until(() => events.filter((e) => e.type === 'service.exited' && e.service === 'db'), (list) => list.length > 0);
    expect(exited[0]).toMatchObject({ type: 'service.exited', service: 'db', replica: 1, exitCode: 137, restartCount: 0 });
    expect((await stack.ps()).find((c) => c.service === 'db')).toMatchObject({ state: 'exited', exitCode: 137 });

    // down: no process of the stack is left, no port answers. (The children of the killed
    // postmaster are in sessions of their own, outside its group: they end by themselves on its
    // death, PostgreSQL's own rule, so they get a bounded moment on a loaded machine.)
    await stack.down({ volumes: true });
    expect(await until(() => survivors(before), (left) => left.length === 0, 5_000)).toEqual([]);
    expect(marked(project.name)).toEqual([]);
    for (const c of ps) for (const port of c.ports) expect(await accepts(port.published)).toBe(false);
    expect(await rt.listContainers(project.name, { all: true })).toEqual([]);
    expect(await rt.listVolumes(project.name)).toEqual([]);
  });

  test('two copies of the stack on free ports come up at once and each serves from its own PostgreSQL and Redis', async () => {
    const rt = realRuntime();
    const [a, b] = await Promise.all([load(uniqueName('real-a')), load(uniqueName('real-b'))]);
    const [stackA, stackB] = await Promise.all([a.up({ ...FAST, runtime: rt }), b.up({ ...FAST, runtime: rt })]);
    // Distinct ports for every service of the two copies.
    const ports = [...(await stackA.ps()), ...(await stackB.ps())].flatMap((c) => c.ports.map((p) => p.published));
    expect(new Set(ports).size).toBe(ports.length);
    expect(await visit(stackA)).toMatchObject({ visits: 1, visitId: 1 });
    expect(await visit(stackA)).toMatchObject({ visits: 2, visitId: 2 });
    expect(await visit(stackB)).toMatchObject({ visits: 1, visitId: 1 });
    const before = processesOf([...(await stackA.ps()), ...(await stackB.ps())]);
    await Promise.all([stackA.down({ volumes: true }), stackB.down({ volumes: true })]);
    expect(survivors(before)).toEqual([]);
    expect([...marked(a.name), ...marked(b.name)]).toEqual([]);
  });

  test('a second project with the same fixed nginx port fails with PortConflictError naming both projects, and creates nothing', async () => {
    const dir = stateDir();
    chmodSync(dir, 0o711);
    const port = await freePort();
    const a = await load(uniqueName('real-fixed-a'), { WEB_PORT: String(port) });
    const b = await load(uniqueName('real-fixed-b'), { WEB_PORT: String(port) });
    await using stackA = await a.up({ ...FAST, runtime: runtime(dir) });
    expect(stackA.service('web').endpoint(8080).port).toBe(port);

    const rtB = recording(runtime(dir));
    const error = await rejection(b.up({ ...FAST, runtime: rtB.runtime }));
    expect(isPortConflictError(error), String(error)).toBe(true);
    if (!isPortConflictError(error)) return;
    expect(error).toMatchObject({ port, service: 'web', project: b.name, heldBy: { project: a.name, service: 'web' } });
    expect(error.message).toContain(`'${a.name}'`);
    expect(error.message).toContain(`'${b.name}'`);
    expect(rtB.calls).toEqual([]);
    expect(await rtB.runtime.listContainers(b.name, { all: true })).toEqual([]);
    // a is untouched and still serves.
    expect(await visit(stackA)).toMatchObject({ visits: 1 });
  });
});
