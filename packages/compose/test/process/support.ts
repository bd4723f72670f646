/** Test helpers of the process-runtime suites. */
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import type { ContainerRequest, ServiceSpec } from '@selur/compose';
import { containerRequest, type ConformanceFixture } from '../conformance/support.js';

/** The env-var form of a name, as the process runtime documents it (upper case, non-alnum → `_`). */
export const envName = (name: string): string => name.toUpperCase().replace(/[^A-Z0-9]/g, '_');

/** A request for the process runtime (image `host`, working dir `workingDir`). */
export function request(
  workingDir: string,
  project: string,
  service: string,
  spec: Partial<ServiceSpec>,
  extra: Partial<Omit<ContainerRequest, 'project' | 'service' | 'spec'>> = {},
): ContainerRequest {
  return containerRequest({ image: 'host', workingDir } as ConformanceFixture, project, service, spec, extra);
}

/** True when `pid` is a live (non-zombie) process. */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/** Live processes of process group `pgid`. */
export function groupMembers(pgid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid && fields[0] !== 'Z') out.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** Kills process group `pgid` (best effort, for cleanup). */
export function killGroup(pgid: number): void {
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** Polls `check` until true; bounded. */
export async function waitFor(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let delay = 10;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 200);
  }
}

/**
 * Safety net for afterAll hooks: kills the process group of every pid recorded in the state
 * files under `stateDir` (whatever the runtime under test did or failed to do).
 */
export function killRecorded(stateDir: string): void {
  let files: string[];
  try {
    files = readdirSync(`${stateDir}/projects`).filter((f) => f.endsWith('.json'));
  } catch {
    return;
  }
  for (const file of files) {
    try {
      const state = JSON.parse(readFileSync(`${stateDir}/projects/${file}`, 'utf8')) as { containers?: Record<string, { pid?: number }> };
      for (const record of Object.values(state.containers ?? {})) if (record.pid && record.pid > 1 && groupMembers(record.pid).length > 0) killGroup(record.pid);
    } catch {
      // unreadable: nothing to do
    }
  }
}

/** Pids of processes (other than this one) with a file descriptor or working folder under `dir`. */
export function processesUsing(dir: string): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const links = [readlinkSync(`/proc/${entry}/cwd`)];
      for (const fd of readdirSync(`/proc/${entry}/fd`)) {
        try {
          links.push(readlinkSync(`/proc/${entry}/fd/${fd}`));
        } catch {
          // closed meanwhile
        }
      }
      if (links.some((link) => link === dir || link.startsWith(`${dir}/`))) out.push(Number(entry));
    } catch {
      // gone meanwhile, or not ours to look at
    }
  }
  return out;
}

/** Kills each pid's process group, then the pid itself (whatever is still there). */
export function killHard(pids: Iterable<number>): void {
  for (const pid of pids) {
    killGroup(pid);
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
}

/** `promise`, or a rejection naming `what` once `ms` have passed (a clear failure before the test timeout). */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A process's parent pid, from /proc (undefined once it is gone). */
export function parentPid(pid: number): number | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(text.slice(text.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

/** The state letter of `pid` in `/proc/<pid>/stat` (`S`, `R`, `T` for stopped, …), or undefined once it is gone. */
export function procState(pid: number): string | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ')[0];
  } catch {
    return undefined;
  }
}
