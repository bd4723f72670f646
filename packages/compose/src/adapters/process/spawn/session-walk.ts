import { readFileSync, readdirSync } from 'node:fs';

/**
 * Whether a group whose leader has died still holds a live process, found without reading every
 * process of the host. Every member of a session descends (by fork) from its leader: a process
 * can join a group only within its own session, and a session's only way in is to be forked
 * inside it. A member is thus either below the leader (none, once the leader is a zombie: its
 * children were handed on when it exited) or, orphaned, below the process that adopted it: a
 * subreaper among the leader's ancestors, or init. So the members are all in the subtrees of the
 * children of the leader's ancestors that are in the leader's session (`/proc/<pid>/task/<tid>/children`).
 *
 * Processes move while they are read: an orphan moves up to its adopter when its parent dies.
 * Ancestors are read from the leader upwards, and a subtree after the ancestors, so a process
 * that moves lands where the walk has yet to look, or where it looked after the move; the one
 * case that could hide one (its parent died between being seen alive and its children being
 * read) is caught by reading the parent again after its children, and an orphan handed up to an
 * ancestor while the walk read by reading the ancestors' children again after it. A process of
 * the session seen dying below them (a zombie, gone, another start time) makes the walk give up:
 * the caller then scans.
 */

/** More ancestors than this (a deep nesting of shells, a loop in a racing read): give up. */
const MAX_ANCESTORS = 64;
/**
 * More processes read than this: the walk costs as much as a scan, give up. Every read counts,
 * the ancestors' children outside the session too: a leader's parent may be the zygote of a
 * 2,000-service stack, whose 2,000 children a walk per stopped service read again and again
 * (quadratic: a down of 2,000 took 2.5x as long), where a scan is shared by all the waits of a poll.
 */
const MAX_READS = 256;

/** A process's fields of `/proc/<pid>/stat` that the runtime reads (proc.ts reads them; the walk uses them). */
export interface Stat {
  readonly state: string;
  readonly ppid: number;
  readonly pgrp: number;
  readonly session: number;
  readonly startTime: string;
}

type ReadStat = (pid: number) => Stat | undefined;

/** The children of every thread of `pid`, or undefined when they cannot be read (it is gone, or the kernel lacks CONFIG_PROC_CHILDREN). */
function childrenOf(pid: number): number[] | undefined {
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return undefined;
  }
  const children: number[] = [];
  let read = 0;
  for (const tid of tasks) {
    let text: string;
    try {
      text = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8');
    } catch {
      continue; // a thread that ended since the listing
    }
    read++;
    for (const word of text.split(' ')) if (word !== '' && word !== '\n') children.push(Number(word));
  }
  return read > 0 ? children : undefined;
}

const live = (stat: Stat): boolean => stat.state !== 'Z' && stat.state !== 'X';

/** The leader's ancestors, its parent first, up to init (or the first process whose parent is outside this pid namespace). */
function ancestorsOf(leader: Stat, readStat: ReadStat): number[] | undefined {
  const ancestors: number[] = [];
  for (let pid = leader.ppid; pid > 0; ) {
    if (ancestors.length >= MAX_ANCESTORS) return undefined;
    ancestors.push(pid);
    if (pid === 1) break;
    const stat = readStat(pid);
    if (!stat) return undefined;
    pid = stat.ppid;
  }
  return ancestors;
}

/**
 * True when a live process is in group `pgid` (whose `leader` stat, a zombie, was just read),
 * false when none is, undefined when the walk cannot tell (the leader does not lead its own
 * session, `/proc` lacks the children lists, or processes moved or died while it read).
 */
export function liveMemberBeyondLeader(pgid: number, leader: Stat, readStat: ReadStat, maxReads = MAX_READS): boolean | undefined {
  const session = pgid;
  if (leader.session !== session || leader.pgrp !== pgid) return undefined;
  const ancestors = ancestorsOf(leader, readStat);
  if (!ancestors || ancestors.length === 0) return undefined;
  const before: number[][] = [];
  let count = 0;
  for (const ancestor of ancestors) {
    const children = childrenOf(ancestor);
    if (!children) return undefined;
    before.push(children);
    // past the bound already (a zygote's 2,000 children): the other ancestors' are not read
    count += children.length - (children.includes(pgid) ? 1 : 0);
    if (count > maxReads) return undefined;
  }
  const top = before.flat().filter((pid) => pid !== pgid);
  const outcome = walk(pgid, top, readStat, maxReads);
  if (outcome !== false) return outcome;
  // Nothing live found: so only if no orphan was handed up to an ancestor while the walk read.
  for (const [i, ancestor] of ancestors.entries()) {
    const after = childrenOf(ancestor);
    const known = new Set(before[i]);
    if (!after || after.some((pid) => !known.has(pid))) return undefined;
  }
  return false;
}

/**
 * Reads the ancestors' children (`top`) and, of those in the session, every descendant in it:
 * true at the first live member of `pgid`, undefined when a process of the session is dying or
 * died under the walk (its children may be on their way up), else false.
 */
function walk(pgid: number, top: readonly number[], readStat: ReadStat, maxReads: number): boolean | undefined {
  const session = pgid;
  let level: readonly number[] = top;
  let reads = 0;
  for (let depth = 0; level.length > 0; depth++) {
    const next: number[] = [];
    for (const pid of level) {
      if (++reads > maxReads) return undefined;
      const stat = readStat(pid);
      if (!stat) {
        if (depth === 0) continue; // an ancestor's child that ended: what it left went up to an ancestor (checked after the walk)
        return undefined;
      }
      if (stat.session !== session) continue; // outside the session: neither it nor anything below it is in the group
      if (!live(stat)) {
        // An ancestor's child that ended handed its children to an ancestor (checked after the
        // walk); deeper down, possibly to a process of the session read already: cannot tell.
        if (depth === 0) continue;
        return undefined;
      }
      if (stat.pgrp === pgid) return true;
      const children = childrenOf(pid);
      const again = readStat(pid);
      if (!children || !again || !live(again) || again.startTime !== stat.startTime) return undefined;
      next.push(...children);
    }
    level = next;
  }
  return false;
}
