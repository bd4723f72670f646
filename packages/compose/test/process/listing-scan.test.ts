/**
 * The listing that ends every `up` (and runs in `down` and `ps`) scans the process table for
 * processes the state file lost (see state-faults.test.ts), but reads no environment of a
 * service the state file records: the reads of `/proc/<pid>/environ` are counted per service
 * pid, never timed (issue 14: reading 2,000 of them made the longest silence of `up`).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Project, processRuntime, type ProcessRuntime } from '@selur/compose';
import { killGroup, killRecorded, waitFor } from './support.js';

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
  // The scan reads environments through a file descriptor (one buffer for the whole scan).
  const openSync = counted(fs.openSync);
  return { ...fs, readFileSync, readlinkSync, openSync, default: { ...fs, readFileSync, readlinkSync, openSync } };
});

const SERVICES = 12;

/**
 * The kernel's threads this test can see (pid 2, kthreadd, and its children), told by the test
 * itself from PF_KTHREAD in `/proc/<pid>/stat`; empty where there are none to see (a PID namespace).
 */
function kernelThreadPids(): number[] {
  try {
    const isKernel = (pid: number) => {
      const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
      return (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[6]) & 0x0020_0000) !== 0;
    };
    if (!isKernel(2)) return [];
    const children = readFileSync('/proc/2/task/2/children', 'latin1').trim().split(/\s+/).filter(Boolean).map(Number);
    return [2, ...children.filter((pid) => { try { return isKernel(pid); } catch { return false; } })];
  } catch {
    return [];
  }
}

/** How many times each pid's environment was read since the last reset. */
function environReads(pids: readonly number[]): number[] {
  return pids.map((pid) => reads.paths.filter((path) => path === `/proc/${pid}/environ`).length);
}

describe('listContainers after up: the process-table scan skips what the state records', () => {
  let stateDir: string;
  const runtimes: ProcessRuntime[] = [];
  const pids: number[] = [];
  const warnings: string[] = [];
  const onWarning = (warning: Error) => void warnings.push(warning.message);
  const runtime = (): ProcessRuntime => {
    const rt = processRuntime({ stateDir });
    runtimes.push(rt);
    return rt;
  };

  beforeEach(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'listing-scan-'));
    // The recovery is reported as a process warning (asserted below).
    process.on('warning', onWarning);
  });
  afterEach(async () => {
    process.off('warning', onWarning);
    warnings.splice(0);
    await Promise.all(runtimes.splice(0).map((rt) => rt.close()));
    pids.splice(0).forEach(killGroup);
    killRecorded(stateDir);
    await rm(stateDir, { recursive: true, force: true });
  });

  it('reads no service environment while the state file records them, and each once when it is lost', async () => {
    let project = new Project('scan');
    for (let i = 0; i < SERVICES; i++) project = project.service(`s${i}`, (s) => s.command(['sleep', '120']));
    const rt = runtime();
    await project.up({ runtime: rt, timeout: 30_000 });
    const started = (await rt.listContainers('scan')).map((c) => c.pid ?? -1);
    pids.push(...started);
    expect(started).toHaveLength(SERVICES);
    expect(started.every((pid) => pid > 0)).toBe(true);
    await rt.close();

    reads.paths.splice(0);
    const listed = await runtime().listContainers('scan');
    expect(listed.filter((c) => c.state === 'running')).toHaveLength(SERVICES);
    expect(environReads(started)).toEqual(started.map(() => 0));

    // The state file lost: the same scan reads every service's environment and takes them in.
    await unlink(join(stateDir, 'projects', 'scan.json'));
    reads.paths.splice(0);
    const recovered = await runtime().listContainers('scan');
    expect(recovered.map((c) => c.pid).sort()).toEqual([...started].sort());
    expect(environReads(started)).toEqual(started.map(() => 1));
    await waitFor(() => warnings.join('\n').includes(`took in ${SERVICES} running processes`), 'the report of the processes taken in');
  });

  it.skipIf(kernelThreadPids().length === 0)('opens no kernel thread\'s environment (they have none: each open fails, a thrown error apiece)', async () => {
    const kernel = kernelThreadPids();
    // a process the state does not account for: the scan still reads its environment
    const other = spawn('sleep', ['120'], { stdio: 'ignore' });
    const pid = other.pid ?? -1;
    try {
      expect(pid).toBeGreaterThan(0);
      reads.paths.splice(0);
      expect(await runtime().listContainers('scan')).toEqual([]);
      expect(environReads([pid])).toEqual([1]);
      expect(environReads(kernel)).toEqual(kernel.map(() => 0));
    } finally {
      other.kill('SIGKILL');
    }
  });

  it('a reap and a listing at once share one scan of the process table; one after the other scan twice', async () => {
    // a process the state does not account for (not a service): the scan reads its environment
    const other = spawn('sleep', ['120'], { stdio: 'ignore' });
    const pid = other.pid ?? -1;
    try {
      expect(pid).toBeGreaterThan(0);
      const rt = runtime();
      reads.paths.splice(0);
      const [reaped, listed] = await Promise.all([rt.reap('scan'), rt.listContainers('scan')]);
      expect([reaped, listed]).toEqual([[], []]);
      expect(environReads([pid])).toEqual([1]);

      reads.paths.splice(0);
      await rt.reap('scan');
      await rt.listContainers('scan');
      expect(environReads([pid])).toEqual([2]);
    } finally {
      other.kill('SIGKILL');
    }
  });
});
