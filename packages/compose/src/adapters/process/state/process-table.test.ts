/**
 * The process-table scan reads `/proc` only for what the state does not account for: every read
 * of `/proc/<pid>/…` is counted (per pid of the processes this test starts, so that the host's
 * other processes, which come and go, do not blur the count), never timed.
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { processStartTime, processStat } from '../spawn/proc.js';
import { findMarked, markerEnv, type KnownProcess } from './process-table.js';

/** Every path under /proc read through node:fs since the last reset. */
const reads = vi.hoisted(() => ({ paths: [] as string[] }));

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const counted = <F extends (...args: never[]) => unknown>(read: F): F => ((path: unknown, ...rest: unknown[]) => {
    if (typeof path === 'string' && path.startsWith('/proc/')) reads.paths.push(path);
    return (read as unknown as (...args: unknown[]) => unknown)(path, ...rest);
  }) as unknown as F;
  const readFileSync = counted(fs.readFileSync);
  const readlinkSync = counted(fs.readlinkSync);
  // The environments are read through a file descriptor (one buffer for the whole scan).
  const openSync = counted(fs.openSync);
  return { ...fs, readFileSync, readlinkSync, openSync, default: { ...fs, readFileSync, readlinkSync, openSync } };
});

const STATE_DIR = '/nonexistent/process-table-test';
const PROJECT = 'scan';

interface Started {
  readonly id: string;
  readonly pid: number;
  readonly startTime: string;
}

/** The reads of `/proc/<pid>/<file>` counted since the last reset, for the given pids. */
function readsOf(pids: readonly number[], file: string): number {
  const wanted = new Set(pids.map((pid) => `/proc/${pid}/${file}`));
  return reads.paths.filter((path) => wanted.has(path)).length;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('findMarked: what the state accounts for is not read', () => {
  const groups: number[] = [];
  let services: Started[];

  /** Starts `argv` in its own process group carrying the marker of container `id`; waits (bounded) until it has exec'd. */
  async function startMarked(index: number, argv: readonly string[]): Promise<Started> {
    const id = `${PROJECT}.s${index}.1`;
    const child = spawn(argv[0] ?? 'sleep', argv.slice(1), {
      detached: true,
      stdio: 'ignore',
      env: { ...process.env, ...markerEnv(STATE_DIR, { id, project: PROJECT, service: `s${index}`, replica: 1 }) },
    });
    child.unref();
    const pid = child.pid;
    if (pid === undefined) throw new Error(`could not start ${argv.join(' ')}`);
    groups.push(pid);
    for (let tries = 0; tries < 200 && !findMarked(STATE_DIR, PROJECT).has(id); tries++) await sleep(10);
    const startTime = processStartTime(pid);
    if (startTime === undefined) throw new Error(`${pid} has no start time`);
    return { id, pid, startTime };
  }

  beforeEach(async () => {
    services = [];
    for (let i = 0; i < 8; i++) services.push(await startMarked(i, ['sleep', '60']));
    expect([...findMarked(STATE_DIR, PROJECT).keys()].sort()).toEqual(services.map((s) => s.id).sort());
    reads.paths.splice(0);
  });

  afterEach(() => {
    for (const pgid of groups.splice(0)) {
      try {
        process.kill(-pgid, 'SIGKILL');
      } catch {
        // gone already
      }
    }
  });

  const pids = (list: readonly Started[]) => list.map((s) => s.pid);
  const known = (list: readonly Started[]): KnownProcess[] => list.map(({ id, pid, startTime }) => ({ id, pid, startTime }));

  it('reads the environment of every marked process when nothing is known', () => {
    const found = findMarked(STATE_DIR, PROJECT);
    expect([...found.keys()].sort()).toEqual(services.map((s) => s.id).sort());
    expect(readsOf(pids(services), 'environ')).toBe(services.length);
    expect(readsOf(pids(services), 'cmdline')).toBe(services.length);
  });

  it('reads one stat and no environment, argv or working folder of a known process that runs', () => {
    const found = findMarked(STATE_DIR, PROJECT, known(services));
    expect(services.filter((s) => found.has(s.id))).toEqual([]);
    expect(readsOf(pids(services), 'environ')).toBe(0);
    expect(readsOf(pids(services), 'cmdline')).toBe(0);
    expect(readsOf(pids(services), 'cwd')).toBe(0);
    expect(readsOf(pids(services), 'stat')).toBe(services.length);
  });

  it('reads the environment only of the processes the state does not know, and finds those', () => {
    const recorded = services.slice(0, 5);
    const lost = services.slice(5);
    const found = findMarked(STATE_DIR, PROJECT, known(recorded));
    expect([...found.keys()].sort()).toEqual(lost.map((s) => s.id).sort());
    expect(lost.map((s) => found.get(s.id)?.pid)).toEqual(pids(lost));
    expect(readsOf(pids(recorded), 'environ')).toBe(0);
    expect(readsOf(pids(lost), 'environ')).toBe(lost.length);
  });

  it('finds a marker after a large environment (one read buffer, grown past its first size)', async () => {
    // 100 KiB of other variables before the marker: larger than the scan's first buffer.
    const big = await (async () => {
      const id = `${PROJECT}.big.1`;
      const child = spawn('sleep', ['60'], {
        detached: true,
        stdio: 'ignore',
        env: { BIG_FIRST: 'x'.repeat(100 * 1024), ...process.env, ...markerEnv(STATE_DIR, { id, project: PROJECT, service: 'big', replica: 1 }), BIG_LAST: 'y'.repeat(20 * 1024) },
      });
      child.unref();
      if (child.pid === undefined) throw new Error('could not start sleep');
      groups.push(child.pid);
      for (let tries = 0; tries < 200 && processStartTime(child.pid) === undefined; tries++) await sleep(10);
      return { id, pid: child.pid };
    })();
    const found = findMarked(STATE_DIR, PROJECT);
    expect(found.get(big.id)).toMatchObject({ service: 'big', replica: 1, pid: big.pid });
    // and the small environments read after it are still read whole, each on its own
    expect([...found.keys()].filter((id) => id !== big.id).sort()).toEqual(services.map((s) => s.id).sort());
  });

  it('keeps the start-time guard: a known pid with another start time is read and found as a stray', () => {
    const reused = services.map((s) => ({ ...s, startTime: String(Number(s.startTime) + 1) }));
    const found = findMarked(STATE_DIR, PROJECT, known(reused));
    expect([...found.keys()].sort()).toEqual(services.map((s) => s.id).sort());
    expect(readsOf(pids(services), 'environ')).toBe(services.length);
  });

  it('a known process that has ended accounts for nothing', async () => {
    const [ended, ...others] = services;
    if (!ended) throw new Error('no service started');
    process.kill(-ended.pid, 'SIGKILL');
    for (let tries = 0; tries < 200 && processStartTime(ended.pid) !== undefined; tries++) await sleep(10);
    const found = findMarked(STATE_DIR, PROJECT, known(services));
    expect(found.has(ended.id)).toBe(false); // gone: nothing to find, and nothing taken for it
    expect(readsOf(pids(others), 'environ')).toBe(0);
  });

  it('leaves out every other process carrying the marker of a known container (a member of its group)', async () => {
    const shell = await startMarked(8, ['sh', '-c', 'sleep 60 & wait']);
    const member = await memberOf(shell.pid);
    reads.paths.splice(0);
    const found = findMarked(STATE_DIR, PROJECT, known([...services, shell]));
    expect(found.has(shell.id)).toBe(false);
    expect(readsOf([shell.pid], 'environ')).toBe(0);
    // The member's environment is read (the state does not record it) and names a container
    // accounted for: nothing more is read of it or its group.
    expect(readsOf([member], 'environ')).toBe(1);
    expect(readsOf([member], 'stat')).toBe(0);
    expect(readsOf([member], 'cmdline')).toBe(0);
    // Unknown, the container is found through its group leader, not the member.
    expect(findMarked(STATE_DIR, PROJECT, known(services)).get(shell.id)?.pid).toBe(shell.pid);
  });
});

/** A live process of group `pgid` other than its leader (waits for one, bounded). */
async function memberOf(pgid: number): Promise<number> {
  for (let tries = 0; tries < 200; tries++) {
    for (const entry of readdirSync('/proc')) {
      const pid = Number(entry);
      if (!Number.isInteger(pid) || pid === pgid) continue;
      const stat = processStat(pid);
      if (stat && stat.pgrp === pgid && stat.state !== 'Z') return pid;
    }
    await sleep(10);
  }
  throw new Error(`no member of group ${pgid} appeared`);
}
