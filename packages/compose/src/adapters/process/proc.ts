import { readFileSync, readdirSync } from 'node:fs';

/**
 * Host process helpers: start times from `/proc/<pid>/stat` (so a reused pid is never taken for
 * ours), zombie-aware liveness, and process-group signalling. Linux reads `/proc`; elsewhere the
 * start time is unknown and liveness falls back to `kill(pid, 0)`.
 */

interface Stat {
  readonly state: string;
  readonly pgrp: number;
  readonly startTime: string;
}

function readStat(pid: number): Stat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) may hold spaces and parentheses: split after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state); field 5 is pgrp; field 22 is starttime.
  const state = fields[0];
  const pgrp = Number(fields[2]);
  const startTime = fields[19];
  if (state === undefined || startTime === undefined) return undefined;
  return { state, pgrp, startTime };
}

const hasProc = (() => {
  try {
    readFileSync('/proc/self/stat', 'utf8');
    return true;
  } catch {
    return false;
  }
})();

/** The start time of `pid` (clock ticks since boot, as text), or undefined when unknown. */
export function processStartTime(pid: number): string | undefined {
  return readStat(pid)?.startTime;
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
  if (hasProc) {
    const stat = readStat(pid);
    if (!stat || stat.state === 'Z' || stat.state === 'X') return false;
    return startTime === undefined || stat.startTime === startTime;
  }
  return signalExists(pid);
}

/** True while any live (non-zombie) process is in process group `pgid`. */
export function isGroupAlive(pgid: number): boolean {
  if (!hasProc) return signalExists(-pgid);
  if (!signalExists(-pgid)) return false;
  const leader = readStat(pgid);
  if (leader && leader.pgrp === pgid && leader.state !== 'Z' && leader.state !== 'X') return true; // the common case: no scan
  return liveGroups().has(pgid);
}

let groupsCache: { at: number; groups: Set<number> } | undefined;

/** Process groups that hold a live (non-zombie) process; one `/proc` scan shared for 20 ms. */
function liveGroups(): Set<number> {
  const now = Date.now();
  if (groupsCache && now - groupsCache.at < 20) return groupsCache.groups;
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
  groupsCache = { at: now, groups };
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

/** Waits until group `pgid` has no live process, polling fast first; false on timeout. */
export async function waitGone(pgid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + Math.max(0, timeoutMs);
  let delay = 5;
  for (;;) {
    if (!isGroupAlive(pgid)) return true;
    if (Date.now() >= deadline) return false;
    await sleep(Math.min(delay, Math.max(1, deadline - Date.now())));
    delay = Math.min(delay * 2, 100);
  }
}

/** Normalises a signal name (`TERM`, `SIGTERM`, `15`) for `process.kill`. */
export function toSignal(name: string | undefined): NodeJS.Signals | number {
  if (name === undefined || name === '') return 'SIGTERM';
  if (/^\d+$/.test(name)) return Number(name);
  const upper = name.toUpperCase();
  return (upper.startsWith('SIG') ? upper : `SIG${upper}`) as NodeJS.Signals;
}
