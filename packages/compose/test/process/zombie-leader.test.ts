/**
 * A stop whose group leader is a zombie that this process's zygote has yet to reap (issue 14,
 * "cost grows with the stack, not faster"): the zygote reaps its children as they end, so the
 * stop gives it a moment, then asks one scan of every process (shared by the stops of a poll),
 * never a walk of the leader's session, which reads the children of every thread of every
 * ancestor (this process's and its parents') once per stop: it made `down` cost ~20% more CPU
 * than the scans it replaced. The reads of `/proc` are counted, never timed; the zygote is held
 * stopped (SIGSTOP) through the stops, so the leaders stay zombies whatever the load.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Project, processRuntime, type ProcessRuntime } from '@selur/compose';
import { killRecorded, parentPid, procState, waitFor } from './support.js';

/** Every path under /proc (and /proc itself) read through node:fs since the last reset. */
const reads = vi.hoisted(() => ({ paths: [] as string[] }));

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const counted = <F extends (...args: never[]) => unknown>(read: F): F => ((path: unknown, ...rest: unknown[]) => {
    if (typeof path === 'string' && (path === '/proc' || path.startsWith('/proc/'))) reads.paths.push(path);
    return (read as unknown as (...args: unknown[]) => unknown)(path, ...rest);
  }) as unknown as F;
  const readFileSync = counted(fs.readFileSync);
  const readdirSync = counted(fs.readdirSync);
  return { ...fs, readFileSync, readdirSync, default: { ...fs, readFileSync, readdirSync } };
});

/**
 * Reads of a thread's children list (`/proc/<pid>/task/<tid>/children`): what a session walk
 * reads. Not kthreadd's (pid 2, never an ancestor of a user process): each scan reads that one
 * list to skip the kernel's threads (process-table.ts).
 */
const childrenReads = (): number =>
  reads.paths.filter((path) => /^\/proc\/\d+\/task\/\d+\/children$/.test(path) && path !== '/proc/2/task/2/children').length;
/** Scans of every process (`/proc` listed). */
const scans = (): number => reads.paths.filter((path) => path === '/proc').length;

describe('stops while the zygote has yet to reap the leaders', () => {
  let stateDir: string;
  let rt: ProcessRuntime | undefined;
  let zygote: number | undefined;

  beforeEach(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'zombie-leader-'));
  });
  afterEach(async () => {
    if (zygote !== undefined) process.kill(zygote, 'SIGCONT');
    zygote = undefined;
    await rt?.close();
    rt = undefined;
    killRecorded(stateDir);
    await rm(stateDir, { recursive: true, force: true });
  });

  // 4: a few stops at once (no grace for another parent's zombie); 40: more than 32 at once
  it.each([4, 40])('stops %i services reading no thread\'s children (no session walk)', async (count) => {
    let project = new Project(`zombies-${count}`);
    for (let i = 0; i < count; i++) project = project.service(`s${i}`, (s) => s.command(['sleep', '120']));
    rt = processRuntime({ stateDir });
    const stack = await project.up({ runtime: rt, wait: true, timeout: 30_000 });
    const pids = (await rt.listContainers(project.name)).map((c) => c.pid ?? -1);
    expect(pids).toHaveLength(count);
    // the services' parent: the zygote (Perl), a child of this process
    const parents = new Set(pids.map(parentPid));
    expect(parents.size).toBe(1);
    const parent = [...parents][0] as number;
    expect(parentPid(parent)).toBe(process.pid);
    process.kill(parent, 'SIGSTOP');
    zygote = parent;
    await waitFor(() => procState(parent) === 'T', 'the zygote to stop');

    reads.paths.splice(0);
    await stack.stop();
    // every leader ended and is a zombie its (stopped) parent has not reaped: the stops saw it
    expect(pids.map(procState)).toEqual(pids.map(() => 'Z'));
    expect((await rt.listContainers(project.name, { all: true })).map((c) => c.state)).toEqual(pids.map(() => 'exited'));
    expect(childrenReads()).toBe(0);
    expect(scans()).toBeGreaterThan(0); // what answered instead

    process.kill(parent, 'SIGCONT');
    zygote = undefined;
    await stack.down();
    expect(await rt.listContainers(project.name, { all: true })).toEqual([]);
  });
});
