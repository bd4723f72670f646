import { closeSync, openSync, readdirSync, readFileSync, readlinkSync, readSync } from 'node:fs';
import { processStat } from '../spawn/proc.js';

/**
 * The marker every service process carries in its environment, and the scan of the process
 * table that finds a project's processes from it (without its state file: a state file that is
 * corrupt, torn or deleted still leaves `down` able to stop what runs).
 *
 * `SELUR_COMPOSE_STATE_DIR` (the runtime's state folder, absolute), `SELUR_COMPOSE_PROJECT`,
 * `SELUR_COMPOSE_SERVICE`, `SELUR_COMPOSE_REPLICA` and `SELUR_COMPOSE_CONTAINER` (the container
 * id) are set for every service (they win over the service's own `environment`). Processes the
 * service starts inherit them, and stay in its process group unless they leave it.
 */

/** The names of the marker variables. */
export const MARKER = {
  stateDir: 'SELUR_COMPOSE_STATE_DIR',
  project: 'SELUR_COMPOSE_PROJECT',
  service: 'SELUR_COMPOSE_SERVICE',
  replica: 'SELUR_COMPOSE_REPLICA',
  container: 'SELUR_COMPOSE_CONTAINER',
} as const;

/** The marker of one container (added to its environment). */
export function markerEnv(stateDir: string, record: { readonly id: string; readonly project: string; readonly service: string; readonly replica: number }): Record<string, string> {
  return {
    [MARKER.stateDir]: stateDir,
    [MARKER.project]: record.project,
    [MARKER.service]: record.service,
    [MARKER.replica]: String(record.replica),
    [MARKER.container]: record.id,
  };
}

/** A process group found carrying the marker of one container. */
export interface MarkedProcess {
  readonly id: string;
  readonly service: string;
  readonly replica: number;
  /** The group's leader pid (the group id). */
  readonly pid: number;
  /** The leader's start time; undefined when the leader is gone and only other members remain. */
  readonly startTime: string | undefined;
  /** The leader's argv (empty when unknown). */
  readonly command: string[];
  /** The leader's working folder (empty when unknown). */
  readonly cwd: string;
}

/** A process that the state already records for a container: its pid and `/proc` start time. */
export interface KnownProcess {
  readonly id: string;
  readonly pid: number;
  readonly startTime: string;
}

/**
 * The live process groups that carry the marker of `project` under `stateDir`, one per container
 * (the oldest group when several carry the same container id). Reads `/proc/<pid>/environ` of
 * every process (only this user's are readable); nothing on systems without `/proc`.
 *
 * A process of `known` that still runs (its start time read from `/proc/<pid>/stat` is the one
 * given: a reused pid is not taken for it) accounts for its container: its environment is not
 * read, and that container is left out of the result (with any other process carrying its
 * marker). So the scan costs one `stat` read per known process and reads environments only of
 * the processes the state does not account for: with 2,000 services up, reading 2,000
 * environments (with the command line and working folder of each) to find nothing new took more
 * than half of each listing (123–149 ms, against 50–66 ms without).
 */
export function findMarked(stateDir: string, project: string, known: Iterable<KnownProcess> = []): Map<string, MarkedProcess> {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return new Map();
  }
  const { pids: accountedPids, ids: accounted } = stillRunning(known);
  const kernel = kernelThreads();
  const needle = Buffer.from(`${MARKER.stateDir}=${stateDir}\0`);
  const found = new Map<string, MarkedProcess & { readonly leader: boolean; readonly ticks: number }>();
  for (const entry of entries) {
    const first = entry.charCodeAt(0);
    if (first < 48 || first > 57) continue;
    const pid = Number(entry);
    if (pid === process.pid || accountedPids.has(pid) || kernel.has(entry)) continue;
    const environ = readEnviron(entry);
    if (environ === undefined) continue; // gone, or another user's
    const at = environ.indexOf(needle);
    if (at < 0 || (at > 0 && environ[at - 1] !== 0)) continue;
    const env = parseEnviron(environ);
    const id = env.get(MARKER.container);
    if (env.get(MARKER.project) !== project || id === undefined || !id.startsWith(`${project}.`) || accounted.has(id)) continue;
    const stat = processStat(pid);
    if (!stat || stat.state === 'Z' || stat.state === 'X') continue;
    const leader = stat.pgrp === pid;
    const groupLeader = leader ? stat : processStat(stat.pgrp);
    // A member whose leader still runs is found through the leader; one whose leader is gone stands for its group.
    if (!leader && groupLeader && groupLeader.state !== 'Z' && groupLeader.state !== 'X') continue;
    const candidate = {
      id, service: env.get(MARKER.service) ?? '', replica: Number(env.get(MARKER.replica) ?? '1') || 1,
      pid: stat.pgrp, startTime: leader ? stat.startTime : undefined, leader, ticks: Number(stat.startTime),
      command: leader ? readCmdline(pid) : [], cwd: leader ? readCwd(pid) : '',
    };
    const known = found.get(id);
    // The service's own group is the oldest (an exec beside it, or a process that left the group, came later).
    if (!known || (candidate.leader && !known.leader) || (candidate.leader === known.leader && candidate.ticks < known.ticks)) found.set(id, candidate);
  }
  const result = new Map<string, MarkedProcess>();
  for (const [id, { leader: _leader, ticks: _ticks, ...marked }] of found) result.set(id, marked);
  return result;
}

/** PF_KTHREAD in the flags of `/proc/<pid>/stat` (field 9): set for kernel threads only. */
const PF_KTHREAD = 0x0020_0000;

/**
 * The kernel's threads, by pid as `/proc` lists them: pid 2 (kthreadd) and its children, read in
 * one go from `/proc/2/task/2/children`. They carry no environment: opening their `environ` fails
 * (ESRCH), and each failure is a thrown error, ~0.17 M instructions apiece; 63 of a host's 89
 * processes made ~6.5 M of every `ps` (issue 14). Only when pid 2 is a kernel thread (its stat
 * says so): in a PID namespace, pid 2 is an ordinary process whose children must be scanned.
 * Empty when this cannot be told (no `/proc/2`, no `children` file): every pid is then read.
 * A kernel thread started after this read is read and skipped as before.
 */
function kernelThreads(): Set<string> {
  try {
    const stat = readFileSync('/proc/2/stat', 'latin1');
    // after the command name (which may hold spaces and parentheses): field 3 onward
    const flags = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ', 7)[6]);
    if (!Number.isInteger(flags) || (flags & PF_KTHREAD) === 0) return new Set();
    const pids = new Set<string>(['2']);
    for (const child of readFileSync('/proc/2/task/2/children', 'latin1').split(' ')) {
      const pid = child.trim();
      if (pid !== '') pids.add(pid);
    }
    return pids;
  } catch {
    return new Set();
  }
}

/** The processes of `known` that still run, by pid, and their containers. */
function stillRunning(known: Iterable<KnownProcess>): { readonly pids: Set<number>; readonly ids: Set<string> } {
  const pids = new Set<number>();
  const ids = new Set<string>();
  for (const { id, pid, startTime } of known) {
    if (!Number.isInteger(pid) || pid <= 0) continue;
    const stat = processStat(pid);
    if (!stat || stat.state === 'Z' || stat.state === 'X' || stat.startTime !== startTime) continue;
    pids.add(pid);
    ids.add(id);
  }
  return { pids, ids };
}

/** One buffer for every environment a scan reads (grown when one does not fit). */
let scratch = Buffer.allocUnsafe(16_384);

/**
 * `/proc/<pid>/environ`, read into {@link scratch}: a view valid until the next call, or
 * undefined when it cannot be read. A scan reads thousands of these on a busy host (every
 * process the state does not account for): `readFileSync` costs a `stat` and a fresh buffer for
 * each (a size-0 file is read in growing chunks), about twice the time of these reads.
 */
function readEnviron(pid: string): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(`/proc/${pid}/environ`, 'r');
  } catch {
    return undefined;
  }
  try {
    let length = 0;
    for (;;) {
      if (length === scratch.length) {
        const bigger = Buffer.allocUnsafe(scratch.length * 2);
        scratch.copy(bigger, 0, 0, length);
        scratch = bigger;
      }
      const got = readSync(fd, scratch, length, scratch.length - length, null);
      if (got === 0) return scratch.subarray(0, length);
      length += got;
    }
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

function parseEnviron(environ: Buffer): Map<string, string> {
  const env = new Map<string, string>();
  for (const entry of environ.toString('utf8').split('\0')) {
    const eq = entry.indexOf('=');
    if (eq > 0 && entry.startsWith('SELUR_COMPOSE_')) env.set(entry.slice(0, eq), entry.slice(eq + 1));
  }
  return env;
}

function readCmdline(pid: number): string[] {
  try {
    const text = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return text.split('\0').filter((arg, index, all) => index < all.length - 1 || arg !== '');
  } catch {
    return [];
  }
}

function readCwd(pid: number): string {
  try {
    return readlinkSync(`/proc/${pid}/cwd`);
  } catch {
    return '';
  }
}
