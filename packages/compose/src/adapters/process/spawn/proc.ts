import { readFileSync, readdirSync } from 'node:fs';
import { liveMemberBeyondLeader, type Stat } from './session-walk.js';

/**
 * Host process helpers: start times from `/proc/<pid>/stat` (so a reused pid is never taken for
 * ours), zombie-aware liveness, and process-group signalling. Linux reads `/proc`; elsewhere the
 * start time is unknown and liveness falls back to `kill(pid, 0)`.
 */

/** A process's fields of `/proc/<pid>/stat` that the runtime reads (defined beside the session walk, which reads them too). */
export type { Stat };

/**
 * The fields of `/proc/<pid>/stat` from field 3 (the state) on: `fields[0]` is field 3, field N
 * is `fields[N - 3]`. Undefined when `pid` is gone (or there is no `/proc`).
 */
function statFields(pid: number): string[] | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) may hold spaces and parentheses: split after the last ')'.
  return text.slice(text.lastIndexOf(')') + 2).split(' ');
}

function readStat(pid: number): Stat | undefined {
  const fields = statFields(pid);
  if (!fields) return undefined;
  // field 3 state, 4 ppid, 5 pgrp, 6 session, 22 starttime
  const state = fields[0];
  const ppid = Number(fields[1]);
  const pgrp = Number(fields[2]);
  const session = Number(fields[3]);
  const startTime = fields[19];
  if (state === undefined || startTime === undefined) return undefined;
  return { state, ppid, pgrp, session, startTime };
}

const hasProc = (() => {
  try {
    readFileSync('/proc/self/stat', 'utf8');
    return true;
  } catch {
    return false;
  }
})();

/**
 * What `/proc/<pid>/stat` says of `pid`: its state letter, process group and start time; undefined
 * when it is gone (or there is no `/proc`).
 */
export function processStat(pid: number): Stat | undefined {
  return readStat(pid);
}

/**
 * How `pid` ended, while it is a zombie (ended, not reaped yet): the exit code its wait status
 * (field 52 of `/proc/<pid>/stat`, Linux 3.5 and later) gives, 128 + the signal's number when a
 * signal killed it, as a shell says it. Undefined when it still runs, is reaped already (then
 * only its parent learnt how it ended), is another process than the one started at `startTime`,
 * or this cannot be read. A service released by a detached `up` has pid 1 for its parent, so
 * another process can tell its real exit code only here, before pid 1 reaps it.
 */
export function zombieExitCode(pid: number, startTime: string | undefined): number | undefined {
  const fields = statFields(pid);
  if (!fields || fields[0] !== 'Z' || (startTime !== undefined && fields[19] !== startTime)) return undefined;
  const status = Number(fields[49]); // field 52, the wait status
  if (!Number.isInteger(status) || status < 0) return undefined;
  return (status & 0x7f) === 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f);
}

/**
 * Whether `pid`'s parent is a zygote that outlived its owner (zygote.pl's `keep`): a Perl process
 * other than pid 1, this process and this process's own zygote (which reports to this process and
 * writes no file), which writes how `pid` ended to its exit file once it reaps it. Read before a
 * stop: after it, the process may be gone.
 */
export function keptByZygote(pid: number): boolean {
  const ppid = readStat(pid)?.ppid;
  if (ppid === undefined || ppid <= 1 || ppid === process.pid || reapers.has(ppid)) return false;
  try {
    return readFileSync(`/proc/${ppid}/comm`, 'utf8') === 'perl\n';
  } catch {
    return false;
  }
}

/** The start time of `pid` (clock ticks since boot, as text), or undefined when unknown. */
export function processStartTime(pid: number): string | undefined {
  return readStat(pid)?.startTime;
}

let ownStart: { readonly value: string | undefined } | undefined;

/** This process's start time (read once, at first use: not when the module is imported). */
export function ownStartTime(): string | undefined {
  ownStart ??= { value: processStartTime(process.pid) };
  return ownStart.value;
}

function signalExists(target: number): boolean {
  try {
    process.kill(target, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * True when `pid` runs and, if `startTime` is given and readable, is the same process that had
 * that start time. Zombies count as dead.
 */
export function isProcessAlive(pid: number | undefined, startTime?: string): boolean {
  if (pid === undefined || !Number.isInteger(pid) || pid <= 0) return false;
  // This process (the owner of what it started, on every record it writes): alive, no need to
  // ask; an older process that had its pid is gone.
  if (pid === process.pid) {
    const own = ownStartTime();
    return startTime === undefined || own === undefined || startTime === own;
  }
  if (hasProc) {
    const stat = readStat(pid);
    if (!stat || stat.state === 'Z' || stat.state === 'X') return false;
    return startTime === undefined || stat.startTime === startTime;
  }
  return signalExists(pid);
}

/** True while any live (non-zombie) process is in process group `pgid`. */
export function isGroupAlive(pgid: number): boolean {
  const quick = groupAtAGlance(pgid);
  return quick.group === 'leader-gone' ? outlivesLeader(pgid, quick.leader, 0, 'walk') : quick.group === 'alive';
}

/**
 * Whether a live process is in group `pgid`, whose leader is a zombie or gone (`leader`: its stat
 * as the glance read it). A scan of every process at most `maxAgeMs` old answers when there is
 * one (it costs nothing more). Else, with `walk`, when the leader is a zombie that leads its own
 * session (as every service's does: it is started with setsid), a walk of the few processes that
 * can hold the group's members says so (see session-walk.ts); else, or when the walk cannot tell,
 * a scan of every process, which on a host of 2,000 processes under load took 50–650 ms, blocking
 * the event loop. A scan is shared by the waits of a poll ({@link SCAN_SHARED_MS}); a walk is not.
 */
function outlivesLeader(pgid: number, leader: Stat | undefined, maxAgeMs: number, how: 'walk' | 'scan'): boolean {
  const fresh = freshGroups(maxAgeMs);
  if (fresh) return fresh.has(pgid);
  const walked = how === 'walk' && leader?.state === 'Z' ? liveMemberBeyondLeader(pgid, leader, readStat) : undefined;
  return walked ?? liveGroups(maxAgeMs).has(pgid);
}

/**
 * What two cheap checks say of group `pgid`: `gone` (nothing in it), `alive` (its leader runs),
 * or `leader-gone` (its leader is a zombie or gone, and something, maybe only that zombie, is
 * still in the group: only a scan of every process tells whether anything lives), with the
 * leader's stat as read (undefined when it is gone, or there is no `/proc`).
 */
function groupAtAGlance(pgid: number): { readonly group: 'gone' | 'alive' | 'leader-gone'; readonly leader?: Stat | undefined } {
  if (!hasProc) return { group: signalExists(-pgid) ? 'alive' : 'gone' };
  if (!signalExists(-pgid)) return { group: 'gone' };
  const leader = readStat(pgid);
  return { group: leader && leader.pgrp === pgid && leader.state !== 'Z' && leader.state !== 'X' ? 'alive' : 'leader-gone', leader: leader?.pgrp === pgid ? leader : undefined };
}

/** Processes of ours that reap their children as soon as they end (the zygote), while they run. */
const reapers = new Set<number>();

/**
 * Records that process `pid` (a child of this process: the zygote) reaps each of its children as
 * soon as it ends, until `onExit` calls back.
 */
export function reapsAtOnce(pid: number, onExit: (callback: () => void) => unknown): void {
  reapers.add(pid);
  onExit(() => reapers.delete(pid));
}

/**
 * Whether a zombie `leader`'s parent is this process (a restart's spawn, the thread spawner's:
 * libuv reaps them) or the zygote ({@link reapsAtOnce}): both reap their children as soon as they
 * end, so the group of a service that started nothing empties within moments, and a walk or scan
 * to look for a member that outlived the leader is mostly wasted. Pid 1, which inherits a
 * released service's leader, may reap seconds later, as may any other parent.
 */
function reapedByUs(leader: Stat | undefined): boolean {
  return leader?.state === 'Z' && (leader.ppid === process.pid || reapers.has(leader.ppid));
}

let groupsCache: { at: number; groups: Set<number> } | undefined;

/** The groups of the last scan when it is less than `maxAgeMs` old, else undefined. */
function freshGroups(maxAgeMs: number): Set<number> | undefined {
  return groupsCache && Date.now() - groupsCache.at < maxAgeMs ? groupsCache.groups : undefined;
}

/**
 * Process groups that hold a live (non-zombie) process, from a `/proc` scan at most `maxAgeMs`
 * old (pollers share one; a group made since would be missing from it, so only a wait for groups
 * to end may take an old one).
 */
function liveGroups(maxAgeMs: number): Set<number> {
  const fresh = freshGroups(maxAgeMs);
  if (fresh) return fresh;
  const groups = new Set<number>();
  let entries: string[] = [];
  try {
    entries = readdirSync('/proc');
  } catch {
    // no /proc: callers fall back to kill(0)
  }
  for (const entry of entries) {
    if (entry.charCodeAt(0) < 48 || entry.charCodeAt(0) > 57) continue;
    const stat = readStat(Number(entry));
    if (stat && stat.state !== 'Z' && stat.state !== 'X') groups.add(stat.pgrp);
  }
  groupsCache = { at: Date.now(), groups }; // fresh from when the scan ended: a scan of a busy host takes milliseconds
  return groups;
}

/**
 * Sends `signal` to process group `pgid`, but only when its leader is gone or is still the process
 * that started at `startTime` (a reused pid that leads a stranger's group is left alone).
 * Returns false when there was nothing (of ours) to signal.
 */
export function signalGroup(pgid: number, signal: NodeJS.Signals | number, startTime: string | undefined): boolean {
  if (!Number.isInteger(pgid) || pgid <= 1) return false;
  const leader = hasProc ? readStat(pgid) : undefined;
  if (leader && leader.state !== 'Z' && startTime !== undefined && leader.startTime !== startTime) return false;
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Stops process group `pgid`: `signal` (then SIGCONT with `resume`, for a paused group), then
 * SIGKILL after `graceMs`, then waits (bounded) until
 * the group is gone. Says how it ended: `gone` (nothing of ours to stop, or it ended on the first
 * signal), `killed` (it took SIGKILL) or `stuck` (still there after SIGKILL and `killWaitMs`).
 */
export async function stopGroup(
  pgid: number,
  startTime: string | undefined,
  options: { readonly signal: NodeJS.Signals | number; readonly graceMs: number; readonly killWaitMs?: number; readonly resume?: boolean },
): Promise<'gone' | 'killed' | 'stuck'> {
  if (!signalGroup(pgid, options.signal, startTime)) return 'gone';
  if (options.resume) signalGroup(pgid, 'SIGCONT', startTime); // a stopped (paused) group acts on the signal only once continued
  if (await waitGone(pgid, options.graceMs)) return options.signal === 'SIGKILL' || options.signal === 9 ? 'killed' : 'gone';
  signalGroup(pgid, 'SIGKILL', startTime);
  return (await waitGone(pgid, options.killWaitMs ?? 5_000)) ? 'killed' : 'stuck';
}

/**
 * How long a group whose leader just ended may be left to its parent to reap, before a scan (ms),
 * when the parent is ours or many groups are waited for at once (see {@link waitGone}).
 */
const REAP_GRACE_MS = 50;
/** How long waits for groups to end share one scan of every process (ms). */
const SCAN_SHARED_MS = 20;

/** Waits of {@link waitGone} in flight in this process. */
let waiting = 0;
/**
 * The poll's cap while at most {@link FEW_WAITS} groups are waited for (ms): one glance is a read
 * of one `stat` file, so a few stops (a `down` from another process, which hears of no exit and
 * must look) notice the exit within 25 ms; with a 100 ms cap, a server that took 40 ms to stop was
 * seen gone at 75 ms and one that took 80 ms at 155 ms, a lag paid at every level of the stop order.
 */
const FEW_WAITS_CAP_MS = 25;
const FEW_WAITS = 32;
/** The cap when more are waited for at once (hundreds of stops), so their glances stay few. */
const MANY_WAITS_CAP_MS = 100;

/**
 * Waits until group `pgid` has no live process, polling fast first; false on timeout. A leader
 * that has just ended is usually reaped within a millisecond, which empties the group of a service
 * that started nothing: only a group whose leader stays a zombie (or that outlived its leader)
 * is looked into further, at most once per poll:
 * - a zombie leader that this process or its zygote is to reap (a service of ours) is given
 *   {@link REAP_GRACE_MS} to be reaped, then a scan of every process (shared by the waits within
 *   {@link SCAN_SHARED_MS}) answers. Walking its session instead (see outlivesLeader) cost a
 *   down of 50 services from its own process ~20% more CPU than the scans it replaced: the walk
 *   reads the children of every thread of every ancestor (this process's a dozen, its parents'),
 *   once per wait, where one scan serves every wait of a poll, and the reap usually comes first;
 * - a zombie leader of another parent (pid 1, which inherits the leader of a service released by
 *   a detached `up` and may reap late: this machine's pid 1 reaps every ~2 s) is looked into at
 *   once while at most {@link FEW_WAITS} groups are waited for, by a walk of its session: a
 *   `down` from another process waited {@link REAP_GRACE_MS} per stop for a reap that did not
 *   come, then scanned, at each level of the stop order;
 * - with more waits (hundreds of services stopped at once) the grace stays and a scan shared by
 *   all of them answers, so that they neither scan back to back nor walk one by one.
 */
export async function waitGone(pgid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + Math.max(0, timeoutMs);
  let delay = 5;
  let leaderGoneAt: number | undefined;
  /** Whether the zombie leader is ours to reap (asked once: its parent does not change while it is a zombie of that parent). */
  let ours: boolean | undefined;
  waiting++;
  try {
    for (;;) {
      const glance = groupAtAGlance(pgid);
      if (glance.group === 'gone') return true;
      const few = waiting <= FEW_WAITS;
      if (glance.group === 'leader-gone') ours ??= glance.leader?.state === 'Z' ? reapedByUs(glance.leader) : undefined;
      const how = few && ours !== true ? 'walk' : 'scan';
      if (glance.group === 'leader-gone') {
        leaderGoneAt ??= Date.now();
        const grace = how === 'walk' ? 0 : REAP_GRACE_MS;
        if (Date.now() - leaderGoneAt >= grace && !outlivesLeader(pgid, glance.leader, SCAN_SHARED_MS, how)) return true;
      }
      if (Date.now() >= deadline) return glance.group === 'leader-gone' && !outlivesLeader(pgid, glance.leader, SCAN_SHARED_MS, how);
      await sleep(Math.min(delay, Math.max(1, deadline - Date.now())));
      delay = Math.min(delay * 2, waiting <= FEW_WAITS ? FEW_WAITS_CAP_MS : MANY_WAITS_CAP_MS);
    }
  } finally {
    waiting--;
  }
}

/** Normalises a signal name (`TERM`, `SIGTERM`, `15`) for `process.kill`. */
export function toSignal(name: string | undefined): NodeJS.Signals | number {
  if (name === undefined || name === '') return 'SIGTERM';
  if (/^\d+$/.test(name)) return Number(name);
  const upper = name.toUpperCase();
  return (upper.startsWith('SIG') ? upper : `SIG${upper}`) as NodeJS.Signals;
}
