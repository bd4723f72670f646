/**
 * A stop from another process than the one that started the service (the CLI's `stop` or `down`
 * after `up -d`) cannot wait for the process: pid 1 is its parent. It recorded `128 + signal`
 * as the exit code, so nginx and PostgreSQL, which exit 0 on their stop signals, showed as
 * `exited (143)` and `exited (130)`. It now records what the process returned, read from its
 * zombie before its parent reaps it, and nothing when that cannot be seen.
 *
 * The parent here is a Perl process that never reaps (as pid 1 reaps late on some machines), or
 * one that reaps at once (as most inits do).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { keptByZygote, processStartTime, reapsAtOnce, zombieExitCode } from '../../src/adapters/process/spawn/proc.js';
import { ContainerRecords } from '../../src/adapters/process/state/records.js';
import { StateStore } from '../../src/adapters/process/state/store.js';
import type { ContainerRecord } from '../../src/adapters/process/state/types.js';
import { stopContainer } from '../../src/adapters/process/supervision/stop.js';

/**
 * Forks `script` (sh) as a process group leader under a Perl parent that reaps it (`reaps`) or
 * never does; resolves its pid once the script printed `ready` (its traps are set by then).
 */
function underParent(script: string, reaps: boolean): Promise<{ parent: ChildProcess; pid: number }> {
  const perl = `my $pid = fork() // die; if (!$pid) { setpgrp(0, 0); exec('sh', '-c', $ARGV[0]) or die } $| = 1; print "pid $pid\\n"; ${reaps ? 'waitpid($pid, 0); ' : ''}sleep 60;`;
  const parent = spawn('perl', ['-e', perl, script], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    parent.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const pid = /pid (\d+)\n/.exec(out)?.[1];
      if (pid !== undefined && /^ready$/m.test(out)) resolve({ parent, pid: Number(pid) });
    });
    parent.once('error', reject);
    parent.once('exit', () => reject(new Error(`the parent ended: ${out}`)));
  });
}

const SERVER = 'trap "exit 0" TERM; echo ready; while :; do sleep 0.05; done'; // shuts down cleanly on SIGTERM
const STUBBORN = 'trap "" TERM; echo ready; while :; do sleep 0.05; done'; // only SIGKILL ends it

describe('a stop from outside records the exit code the process returned, or none', () => {
  let dir: string;
  const parents: ChildProcess[] = [];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stop-exit-'));
  });
  afterEach(async () => {
    for (const parent of parents.splice(0)) parent.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });

  async function stopped(script: string, reaps: boolean, options: { timeoutMs: number; signal?: NodeJS.Signals } = { timeoutMs: 5_000 }): Promise<ContainerRecord | undefined> {
    const { parent, pid } = await underParent(script, reaps);
    parents.push(parent);
    const records = new ContainerRecords(new StateStore(dir));
    const id = `stopexit.${pid.toString(16).padStart(16, '0')}`;
    await records.add({
      id, name: 'stopexit_web_1', project: 'stopexit', service: 'web', replica: 1, configHash: 'h', image: 'x', labels: {},
      command: ['sh', '-c', script], cwd: dir, env: {}, ports: [], mounts: [], restart: 'no', stopSignal: 'SIGTERM', stopGraceMs: 5_000,
      state: 'running', desired: 'running', createdAt: new Date().toISOString(), restartCount: 0, health: 'none',
      pid, pidStartTime: processStartTime(pid), startedAt: new Date().toISOString(),
    });
    await stopContainer(records, id, { signal: options.signal, timeoutMs: options.timeoutMs }, undefined);
    return records.get(id);
  }

  it('a server that exits 0 on SIGTERM is exited (0), not exited (143)', async () => {
    expect(await stopped(SERVER, false)).toMatchObject({ state: 'exited', exitCode: 0 });
  });

  it('a process the signal kills is 128 + its number, as read from its end', async () => {
    expect(await stopped('echo ready; while :; do sleep 0.05; done', false, { timeoutMs: 5_000, signal: 'SIGINT' })).toMatchObject({ state: 'exited', exitCode: 130 });
  });

  it('one that had to be killed is 137', async () => {
    expect(await stopped(STUBBORN, false, { timeoutMs: 200 })).toMatchObject({ state: 'exited', exitCode: 137 });
    expect(await stopped(STUBBORN, true, { timeoutMs: 200 })).toMatchObject({ state: 'exited', exitCode: 137 });
  });

  it('once its parent reaped it, how it ended is not known, and none is made up', async () => {
    // the parent reaps at once; a stop may still catch the zombie in the instant before (then 0)
    const record = await stopped(SERVER, true);
    expect(record?.state).toBe('exited');
    expect([0, undefined]).toContain(record?.exitCode);
  });

  it('keptByZygote: a Perl parent that is not ours keeps its child; our own zygote does not, nor pid 1', async () => {
    const { parent, pid } = await underParent('echo ready; sleep 30', true);
    parents.push(parent);
    expect(keptByZygote(pid)).toBe(true);
    let forget!: () => void;
    reapsAtOnce(parent.pid!, (callback) => (forget = callback));
    try {
      expect(keptByZygote(pid)).toBe(false); // as this process's zygote: it reports to us, it writes no file
    } finally {
      forget();
    }
    expect(keptByZygote(process.pid)).toBe(false);
    process.kill(-pid, 'SIGKILL'); // its own group: killing the parent leaves it
  });

  it('zombieExitCode reads a zombie only: not a running process, not a reaped one, not another start', async () => {
    const { parent, pid } = await underParent('echo ready; exit 7', false);
    parents.push(parent);
    const start = processStartTime(pid);
    for (let i = 0; i < 200 && zombieExitCode(pid, start) === undefined; i++) await new Promise((r) => setTimeout(r, 10));
    expect(zombieExitCode(pid, start)).toBe(7);
    expect(zombieExitCode(pid, '1')).toBeUndefined(); // another process's start time
    expect(zombieExitCode(process.pid, undefined)).toBeUndefined(); // running
    expect(zombieExitCode(2 ** 22 + 1, undefined)).toBeUndefined(); // no such process
  });
});

describe('a released service that ended on its own is listed with the exit code it returned', () => {
  const parents: ChildProcess[] = [];
  afterEach(() => {
    for (const parent of parents.splice(0)) parent.kill('SIGKILL');
  });

  it('read from its zombie before its parent reaps it, recorded, and listed as exited (3)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ended-'));
    const { processRuntime } = await import('../../src/adapters/process/process-runtime.js');
    const runtime = processRuntime({ stateDir: dir });
    try {
      // loaded before the clock starts: the first call imports the runtime (and, here, transforms its source)
      expect(await runtime.listContainers('ended')).toEqual([]);
      // the service, under a parent that never reaps (as pid 1 is its parent after a detached up)
      const { parent, pid } = await underParent('echo ready; sleep 0.2; exit 3', false);
      parents.push(parent);
      const records = new ContainerRecords(new StateStore(dir));
      const id = `ended.${pid.toString(16).padStart(16, '0')}`;
      await records.add({
        id, name: 'ended_job_1', project: 'ended', service: 'job', replica: 1, configHash: 'h', image: 'x', labels: {},
        command: ['sh'], cwd: dir, env: {}, ports: [], mounts: [], restart: 'no', stopSignal: 'SIGTERM', stopGraceMs: 5_000,
        state: 'running', desired: 'running', createdAt: new Date().toISOString(), restartCount: 0, health: 'none',
        pid, pidStartTime: processStartTime(pid), startedAt: new Date().toISOString(), releasedAt: new Date().toISOString(),
      });
      expect((await runtime.listContainers('ended'))[0]).toMatchObject({ state: 'running' });
      for (let i = 0; i < 100 && zombieExitCode(pid, undefined) === undefined; i++) await new Promise((r) => setTimeout(r, 10));
      expect((await runtime.listContainers('ended'))[0]).toMatchObject({ state: 'exited', exitCode: 3 });
      parent.kill('SIGKILL'); // its parent gone, the zombie is reaped: the code stays recorded
      await new Promise((r) => setTimeout(r, 100));
      expect((await runtime.listContainers('ended'))[0]).toMatchObject({ state: 'exited', exitCode: 3 });
      expect(await records.get(id)).toMatchObject({ state: 'exited', exitCode: 3 });
    } finally {
      await runtime.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('the exit file a zygote writes for a released service once its owner is gone', () => {
  it('gives inspectContainer, waitContainer and a listing the code, for that process only', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'exit-file-'));
    const { processRuntime } = await import('../../src/adapters/process/process-runtime.js');
    const runtime = processRuntime({ stateDir: dir });
    try {
      const records = new ContainerRecords(new StateStore(dir));
      const add = async (name: string, pid: number) => {
        const id = `exitfile.${pid.toString(16).padStart(16, '0')}`;
        await records.add({
          id, name, project: 'exitfile', service: name, replica: 1, configHash: 'h', image: 'x', labels: {},
          command: ['sh'], cwd: dir, env: {}, ports: [], mounts: [], restart: 'no', stopSignal: 'SIGTERM', stopGraceMs: 5_000,
          state: 'running', desired: 'running', createdAt: new Date().toISOString(), restartCount: 0, health: 'none',
          pid, pidStartTime: undefined, startedAt: new Date().toISOString(), releasedAt: new Date().toISOString(),
        });
        return id;
      };
      // two processes that ended (reaped here, as the zygote reaps): one with its file, one whose file names another pid
      const ended = async () => {
        const child = spawn('sh', ['-c', 'exit 3']);
        await new Promise((r) => child.once('exit', r));
        return child.pid!;
      };
      const [a, b] = [await ended(), await ended()];
      const withFile = await add('a', a);
      const stale = await add('b', b);
      const logs = join(dir, 'projects', 'exitfile', 'logs');
      await mkdir(logs, { recursive: true });
      await writeFile(join(logs, `${withFile}.exit`), `${a} 3\n`);
      await writeFile(join(logs, `${stale}.exit`), `${a} 3\n`);
      expect(await runtime.inspectContainer(withFile)).toMatchObject({ state: 'exited', exitCode: 3 });
      expect(await runtime.waitContainer(withFile, { signal: AbortSignal.timeout(5_000) })).toBe(3);
      expect((await runtime.listContainers('exitfile')).map((c) => [c.name, c.state, c.exitCode])).toEqual([['a', 'exited', 3], ['b', 'exited', undefined]]);
    } finally {
      await runtime.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
