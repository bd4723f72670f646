import { readdirSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  isInvalidArgumentError,
  isMissingCommandError,
  isUnsupportedOperationError,
  processRuntime,
  type DurationString,
  type ProcessRuntime,
} from '@selur/compose';
import { alive, groupMembers, killGroup, killRecorded, parentPid, procState, request, waitFor } from './support.js';

const health = (test: string | string[], timeout: DurationString = '5s') => ({ test, interval: '1s', timeout, retries: 3, start_period: '0s', start_interval: '1s', disable: false }) as const;

describe('processRuntime', () => {
  let stateDir: string;
  let runtime: ProcessRuntime;
  const pgids: number[] = [];
  const start = async (project: string, service: string, spec: Parameters<typeof request>[3], extra?: Parameters<typeof request>[4]) => {
    const created = await runtime.createContainer(request(stateDir, project, service, spec, extra));
    const started = await runtime.startContainer(created.id);
    if (started.pid) pgids.push(started.pid);
    return started;
  };

  beforeEach(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'process-runtime-'));
    runtime = processRuntime({ stateDir, restartBackoff: { initialMs: 20, maxMs: 200 } });
  });
  afterEach(async () => {
    for (const project of ['p1', 'p2']) for (const c of await runtime.listContainers(project)) await runtime.removeContainer(c.id, { force: true });
    await runtime.close();
    pgids.splice(0).forEach(killGroup);
    killRecorded(stateDir);
    await rm(stateDir, { recursive: true, force: true });
  });

  it('refuses a service without a command with a typed error that says why', async () => {
    const error = await runtime.createContainer(request(stateDir, 'p1', 'db', {})).catch((e: unknown) => e);
    expect(isMissingCommandError(error)).toBe(true);
    expect((error as Error).message).toMatch(/runs a service's command/);
    expect((error as { service?: string }).service).toBe('db');
  });

  it('validates its options and project names eagerly', () => {
    expect(() => processRuntime({ stateDir, logBufferLines: 0 })).toThrow(/logBufferLines/);
    return expect(runtime.listContainers('Bad Name').catch((e: unknown) => isInvalidArgumentError(e))).resolves.toBe(true);
  });

  it('works wrapped in a Proxy, as a test harness wraps a runtime to change what it can do', async () => {
    const wrapped = new Proxy(runtime, { get: (target, key, receiver) => (key === 'capabilities' ? new Set() : Reflect.get(target, key, receiver)) });
    expect(() => wrapped.prepare?.()).not.toThrow();
    const started = await start('p1', 'web', { command: ['sleep', '30'] }).then(() => wrapped.listContainers('p1'));
    expect(started.map((c) => [c.service, c.state])).toEqual([['web', 'running']]);
    expect(wrapped.capabilities.size).toBe(0);
  });

  it('lists the projects of its state folder that have containers, counted by state', async () => {
    expect(await runtime.listProjects()).toEqual([]);
    await start('p2', 'web', { command: ['sleep', '30'] });
    await start('p2', 'worker', { command: ['sleep', '30'] });
    const job = await start('p1', 'job', { command: ['true'] });
    await runtime.waitContainer(job.id);
    // another tool's file in the same folder is not a project
    await writeFile(join(stateDir, 'projects', 'Not A Project.json'), '{}');
    expect(await runtime.listProjects()).toEqual([
      { name: 'p1', containers: 1, states: { exited: 1 } },
      { name: 'p2', containers: 2, states: { running: 2 } },
    ]);
    // a project whose containers are all removed is not listed
    await runtime.removeContainer(job.id, { force: true });
    expect((await runtime.listProjects()).map((p) => p.name)).toEqual(['p2']);
  });

  it('does not support build, and says so with a typed error', async () => {
    expect(runtime.capabilities.has('build')).toBe(false);
    expect(isUnsupportedOperationError(await runtime.buildImage('.').catch((e: unknown) => e))).toBe(true);
  });

  it('pauses and unpauses the whole process group, refuses what a paused container cannot do, and stops a paused one gracefully', async () => {
    expect(runtime.capabilities.has('pause')).toBe(true);
    // A parent and a child in one group, each counting to its own file.
    const script = 'count() { i=0; while :; do i=$((i+1)); echo $i > "$1"; sleep 0.02; done; }; count child.txt & trap \'exit 0\' TERM; count parent.txt';
    const info = await start('p1', 'ticker', { command: ['sh', '-c', script], stop_grace_period: '5s' });
    const cwd = (await runtime.exec(info.id, ['pwd'])).stdout.trim();
    const count = async (name: string) => Number((await readFile(join(cwd, name), 'utf8').catch(() => '0')).trim() || 0);
    await waitFor(async () => (await count('parent.txt')) > 2 && (await count('child.txt')) > 2, 'both processes counting');
    const pid = info.pid as number;
    expect(groupMembers(pid).length).toBeGreaterThanOrEqual(2);

    await runtime.pauseContainer(info.id);
    expect(await runtime.inspectContainer(info.id)).toMatchObject({ state: 'paused', pid });
    expect((await runtime.listContainers('p1', { all: false })).map((c) => c.state)).toEqual(['paused']);
    // Every process of the group stopped (T), or waiting in the kernel (D) for a vfork()ed child that
    // the stop caught before it exec'd (dash starts commands with vfork): frozen until that child
    // runs again, which only the unpause allows. The counters below show nothing moves.
    const frozenMember = (m: number, members: readonly number[]) =>
      procState(m) === 'T' || (procState(m) === 'D' && members.some((c) => parentPid(c) === m && procState(c) === 'T'));
    await waitFor(() => {
      const members = groupMembers(pid);
      return members.every((m) => frozenMember(m, members));
    }, 'every process of the group stopped').catch((error: unknown) => {
      throw new Error(`${String(error)}; the group: ${groupMembers(pid).map((m) => `${m} (parent ${parentPid(m)}) ${procState(m)}`).join(', ')}`);
    });
    const frozen = [await count('parent.txt'), await count('child.txt')];
    await new Promise((r) => setTimeout(r, 150));
    expect([await count('parent.txt'), await count('child.txt')]).toEqual(frozen);
    // What a paused container cannot do, each with a typed error that says why.
    for (const attempt of [() => runtime.pauseContainer(info.id), () => runtime.startContainer(info.id), () => runtime.exec(info.id, ['true'])]) {
      const error = await attempt().then(() => undefined, (e: unknown) => e);
      expect(isInvalidArgumentError(error), String(error)).toBe(true);
      expect((error as Error).message).toMatch(/paused/);
    }

    // Another runtime object (another process, as far as it knows) unpauses it.
    const other = processRuntime({ stateDir });
    await other.unpauseContainer(info.id);
    await other.close();
    expect((await runtime.inspectContainer(info.id)).state).toBe('running');
    await waitFor(async () => (await count('parent.txt')) > (frozen[0] as number) + 2 && (await count('child.txt')) > (frozen[1] as number) + 2, 'both counting again');
    const notPaused = await runtime.unpauseContainer(info.id).then(() => undefined, (e: unknown) => e);
    expect(isInvalidArgumentError(notPaused)).toBe(true);

    // Paused, then stopped: SIGTERM reaches it (it traps it and exits 0) instead of a SIGKILL after the grace period.
    await runtime.pauseContainer(info.id);
    await runtime.stopContainer(info.id, { timeoutMs: 5_000 });
    expect(await runtime.inspectContainer(info.id)).toMatchObject({ state: 'exited', exitCode: 0 });
    expect(groupMembers(pid)).toEqual([]);
  });

  it('injects PORT, PORT_<target>, SELUR_MOUNT_* and <NAME>_FILE, with private secret files', async () => {
    const secret = join(stateDir, 'token.txt');
    await writeFile(secret, 'tok');
    const bind = await mkdtemp(join(stateDir, 'bind-'));
    const info = await start('p1', 'api', { command: ['sleep', '30'], ports: [{ target: 8080, protocol: 'tcp' }, { target: 9090, published: 0, protocol: 'tcp' }] }, {
      secrets: [{ name: 'db-token', file: secret }],
      mounts: [{ type: 'bind', source: bind, target: '/var/lib/data', readOnly: false }],
    });
    const env = Object.fromEntries((await runtime.exec(info.id, ['env'])).stdout.trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    const [p8080, p9090] = info.ports;
    expect(env['PORT']).toBe(String(p8080?.published));
    expect(env['PORT_8080']).toBe(String(p8080?.published));
    expect(env['PORT_9090']).toBe(String(p9090?.published));
    expect(p8080?.published).not.toBe(p9090?.published);
    expect(env['SELUR_MOUNT_VAR_LIB_DATA']).toBe(bind);
    const file = env['DB_TOKEN_FILE'] ?? '';
    expect(await readFile(file, 'utf8')).toBe('tok');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(join(file, '..'))).mode & 0o777).toBe(0o700);
    await runtime.removeContainer(info.id, { force: true });
    await expect(stat(join(file, '..'))).rejects.toThrow();
  });

  it('uses a fixed published port as is', async () => {
    const created = await runtime.createContainer(request(stateDir, 'p1', 'api', { command: ['true'], ports: [{ target: 80, published: 45_678, protocol: 'tcp' }] }));
    expect(created.ports).toEqual([{ target: 80, protocol: 'tcp', host: '127.0.0.1', published: 45_678 }]);
  });

  it('removes a container whose held child is still being spawned only once that child is there and ended', async () => {
    // A create has the zygote spawn a held child, which makes the container's output files; a
    // removal while that spawn is in flight deleted the files and the project's log folder under
    // it (CI saw "ENOTEMPTY, rmdir .../logs" fail a removal). The removal now waits for the spawn.
    // The zygote (a started service's parent, a child of this process) is held stopped, so the
    // spawn is in flight whatever the load.
    const first = await start('p2', 'first', { command: ['sleep', '30'] });
    const zygote = parentPid(first.pid ?? 0) ?? 0;
    expect(parentPid(zygote)).toBe(process.pid);
    let settled = false;
    process.kill(zygote, 'SIGSTOP');
    try {
      await waitFor(() => procState(zygote) === 'T', 'the zygote to stop');
      const created = await runtime.createContainer(request(stateDir, 'p1', 'api', { command: ['sleep', '30'] }));
      const removed = runtime.removeContainer(created.id, { force: true }).finally(() => (settled = true));
      // Without the zygote, the held child cannot be there: the removal cannot have settled.
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(settled).toBe(false);
      process.kill(zygote, 'SIGCONT');
      await removed;
    } finally {
      process.kill(zygote, 'SIGCONT');
    }
    expect(await readdir(join(stateDir, 'projects', 'p1')).catch(() => 'gone')).toBe('gone');
    expect(await runtime.listContainers('p1', { all: true })).toEqual([]);
    // No held child is left: the zygote's only live child is the p2 service.
    const children = () => readdirSync('/proc').filter((e) => /^\d+$/.test(e)).map(Number).filter((pid) => parentPid(pid) === zygote && alive(pid));
    await waitFor(() => children().every((pid) => pid === first.pid), 'the held child to end');
  });

  it('runs the command in working_dir resolved against the request folder', async () => {
    const sub = await mkdtemp(join(stateDir, 'wd-'));
    const info = await start('p1', 'wd', { command: ['sleep', '30'], working_dir: `./${sub.slice(stateDir.length + 1)}` });
    expect((await runtime.exec(info.id, ['pwd'])).stdout.trim()).toBe(sub);
  });

  it('reflects the last probe in inspect().health, and bounds a slow probe by its timeout', async () => {
    const flag = join(stateDir, 'ok');
    const info = await start('p1', 'svc', { command: ['sleep', '30'], healthcheck: health(`test -f ${flag}`) });
    expect((await runtime.inspectContainer(info.id)).health).toBe('starting');
    expect((await runtime.probeHealth(info.id)).healthy).toBe(false);
    expect((await runtime.inspectContainer(info.id)).health).toBe('unhealthy');
    await writeFile(flag, '');
    expect((await runtime.probeHealth(info.id)).healthy).toBe(true);
    expect((await runtime.inspectContainer(info.id)).health).toBe('healthy');
    const slow = await start('p1', 'slow', { command: ['sleep', '30'], healthcheck: health(['CMD', 'sleep', '20'], '30s') });
    const result = await runtime.probeHealth(slow.id, { timeoutMs: 200 });
    expect(result.healthy).toBe(false);
    expect(result.output).toMatch(/timed out/);
  });

  it('sends stop_signal to the whole process group', async () => {
    const info = await start('p1', 'trap', { command: ['sh', '-c', 'trap "echo got-usr1; exit 0" USR1; sleep 30 & sleep 30 & while :; do sleep 0.05; done'], stop_signal: 'SIGUSR1' });
    await waitFor(() => groupMembers(info.pid ?? 0).length >= 3, 'the children');
    await runtime.stopContainer(info.id, { timeoutMs: 5_000 });
    expect(groupMembers(info.pid ?? 0)).toEqual([]);
    const after = await runtime.inspectContainer(info.id);
    expect(after).toMatchObject({ state: 'exited', exitCode: 0 });
    const lines: string[] = [];
    for await (const line of runtime.logs(info.id)) lines.push(line.text);
    expect(lines).toContain('got-usr1');
  });

  it('kills with SIGKILL once the grace period is over', async () => {
    const info = await start('p1', 'stubborn', { command: ['sh', '-c', 'trap "" TERM; echo armed; while :; do sleep 0.05; done'] });
    // Stop only once the trap is set (a SIGTERM before it would end the shell at once).
    await waitFor(async () => {
      for await (const line of runtime.logs(info.id)) if (line.text === 'armed') return true;
      return false;
    }, 'the trap');
    await runtime.stopContainer(info.id, { timeoutMs: 200 });
    expect(alive(info.pid ?? 0)).toBe(false);
    expect(await runtime.inspectContainer(info.id)).toMatchObject({ state: 'exited', exitCode: 137 });
  });

  it('writes logs to a file under the project state folder, bounded in memory', async () => {
    const small = processRuntime({ stateDir, logBufferLines: 5 });
    try {
      const created = await small.createContainer(request(stateDir, 'p1', 'talk', { command: ['sh', '-c', 'for i in 1 2 3 4 5 6 7 8 9 10 11 12; do echo line$i; done'] }));
      await small.startContainer(created.id);
      await waitFor(async () => (await small.inspectContainer(created.id)).state === 'exited', 'exit');
      const all: string[] = [];
      for await (const l of small.logs(created.id)) all.push(l.text);
      expect(all).toHaveLength(12); // older lines come from the file
      const tail: string[] = [];
      for await (const l of small.logs(created.id, { tail: 3 })) tail.push(l.text);
      expect(tail).toEqual(['line10', 'line11', 'line12']);
      const files = await readdir(join(stateDir, 'projects', 'p1', 'logs'));
      expect(files.sort()).toEqual([`${created.id}.err`, `${created.id}.log`, `${created.id}.out`]); // raw stderr, index, raw stdout
      const since = new Date(Date.now() + 60_000);
      const none: string[] = [];
      for await (const l of small.logs(created.id, { since })) none.push(l.text);
      expect(none).toEqual([]);
      await small.removeContainer(created.id);
    } finally {
      await small.close();
    }
  });

  it('leaves services running on close() but stops supervising them', async () => {
    const first = processRuntime({ stateDir, restartBackoff: { initialMs: 20, maxMs: 50 } });
    const created = await first.createContainer(request(stateDir, 'p2', 'loop', { command: ['sh', '-c', 'sleep 0.3'], restart: 'always' }));
    const info = await first.startContainer(created.id);
    pgids.push(info.pid ?? 0);
    await first.close();
    expect(alive(info.pid ?? 0)).toBe(true);
    await waitFor(() => !alive(info.pid ?? 0), 'the process to end by itself');
    await new Promise((r) => setTimeout(r, 200));
    const after = await runtime.inspectContainer(created.id);
    expect(after).toMatchObject({ state: 'exited', restartCount: 0 });
  });

  it('leaves no state, log or volume folder behind once a project is torn down', async () => {
    await runtime.ensureNetwork({ project: 'p2', name: 'default', runtimeName: 'p2_default', spec: { driver: 'bridge', driver_opts: {}, labels: {}, external: false } });
    const volume = await runtime.ensureVolume({ project: 'p2', name: 'data', runtimeName: 'p2_data', spec: { driver: 'local', driver_opts: {}, labels: {}, external: false } });
    const info = await start('p2', 'w', { command: ['sh', '-c', 'echo hi > "$SELUR_MOUNT_DATA/f"; echo done; sleep 30'] }, { mounts: [{ type: 'volume', source: volume.info.runtimeName, target: '/data', readOnly: false }] });
    await waitFor(async () => (await readFile(join(stateDir, 'projects', 'p2', 'volumes', 'p2_data', 'f'), 'utf8').catch(() => '')) === 'hi\n', 'the volume file');
    expect((await readdir(join(stateDir, 'projects'))).sort()).toEqual(['p2', 'p2.json']);
    await runtime.removeContainer(info.id, { force: true });
    await runtime.removeNetwork('p2', 'p2_default');
    await runtime.removeVolume('p2', 'p2_data');
    expect(await readdir(join(stateDir, 'projects'))).toEqual([]);
  });

  it('removes volumes asked for together completely, leaving nothing set aside and following no link', async () => {
    const spec = { driver: 'local', driver_opts: {}, labels: {}, external: false } as const;
    const names = ['p2_big', 'p2_small', 'p2_empty'];
    for (const name of names) await runtime.ensureVolume({ project: 'p2', name, runtimeName: name, spec });
    const big = join(stateDir, 'projects', 'p2', 'volumes', 'p2_big');
    for (let d = 0; d < 20; d++) {
      await mkdir(join(big, `d${d}`, 'nested'), { recursive: true });
      for (let f = 0; f < 20; f++) await writeFile(join(big, `d${d}`, 'nested', `f${f}`), 'x'.repeat(4096));
    }
    await writeFile(join(stateDir, 'projects', 'p2', 'volumes', 'p2_small', 'f'), 'hi');
    // links to a folder outside, at the top and two levels down: removed, what they point to kept
    const outside = join(stateDir, 'outside');
    await mkdir(outside);
    await writeFile(join(outside, 'keep'), 'kept');
    await symlink(outside, join(big, 'link'));
    await symlink(outside, join(big, 'd0', 'link'));
    const settled: string[] = [];
    const projects = join(stateDir, 'projects');
    await Promise.all(names.map(async (name) => {
      await runtime.removeVolume('p2', name);
      settled.push(name);
    }));
    expect(settled.sort()).toEqual([...names].sort());
    expect(await runtime.listVolumes('p2')).toEqual([]);
    expect(await readdir(projects)).toEqual([]);
    expect(await readFile(join(outside, 'keep'), 'utf8')).toBe('kept');
  });

  it('makes one process of two concurrent starts, and a stop during a start leaves nothing running', async () => {
    const created = await runtime.createContainer(request(stateDir, 'p1', 'once', { command: ['sleep', '30'] }));
    const [a, b] = await Promise.all([runtime.startContainer(created.id), runtime.startContainer(created.id)]);
    expect(a.pid).toBeDefined();
    expect(b.pid).toBe(a.pid);
    pgids.push(a.pid ?? 0);
    await runtime.stopContainer(created.id, { timeoutMs: 1_000 });
    const again = runtime.startContainer(created.id);
    await runtime.stopContainer(created.id, { timeoutMs: 1_000 });
    const started = await again;
    if (started.pid) pgids.push(started.pid);
    expect((await runtime.inspectContainer(created.id)).state).toBe('exited');
    expect(groupMembers(a.pid ?? 0)).toEqual([]);
    if (started.pid) expect(alive(started.pid)).toBe(false);
  });

  it('reports a program that cannot start as a typed spawn error', async () => {
    const created = await runtime.createContainer(request(stateDir, 'p1', 'ghost', { command: ['/nonexistent/program-xyz'] }));
    const error = await runtime.startContainer(created.id).catch((e: unknown) => e);
    expect((error as { code?: string }).code).toBe('E_PROCESS_SPAWN');
    expect(await runtime.inspectContainer(created.id)).toMatchObject({ state: 'exited', exitCode: 127 });
  });
});
