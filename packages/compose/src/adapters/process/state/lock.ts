import { closeSync, mkdirSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { randomBytes } from 'node:crypto';
import { StateFileError } from '../../../errors/state-file-error.js';
import { isProcessAlive, ownStartTime } from '../spawn/proc.js';

/**
 * The cross-process lock of a state file: a lock file created with `O_EXCL` holding
 * `<pid> <start time> <holder>`, where `<holder>` names this copy of the module (a process may
 * load two: the ESM and the CommonJS build). It is held only around one read-modify-write (a
 * few milliseconds). A lock file whose holder is dead is broken, and so is one that this copy
 * wrote but does not hold (a leftover), one of this process held for more than
 * {@link OWN_LOCK_STALE_MS} (no write takes that long), or one left empty for more than
 * {@link EMPTY_LOCK_STALE_MS} (its creator died between creating and writing it).
 */

/** This copy's holder name, made when it first writes a lock file (not when the module is imported). */
let holderId: string | undefined;
const holder = (): string => (holderId ??= randomBytes(6).toString('hex'));
/** Lock files this copy holds now. */
const held = new Set<string>();
/** An empty lock file older than this (ms) is a leftover of a creator that died at once. */
const EMPTY_LOCK_STALE_MS = 1_000;
/** A lock file of this process older than this (ms) is a leftover. */
const OWN_LOCK_STALE_MS = 30_000;

/** What {@link tryLock} found. */
export type LockAttempt = 'acquired' | 'busy';

/**
 * Tries once to take the lock (no waiting): `acquired` (release it with {@link unlock}) or
 * `busy` (another live process holds it). A stale lock is broken and taken.
 */
export function tryLock(lockFile: string): LockAttempt {
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      fd = openSync(lockFile, 'wx', 0o600);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') {
        mkdirSync(dirname(lockFile), { recursive: true, mode: 0o700 });
        continue;
      }
      if (code !== 'EEXIST') throw new StateFileError(lockFile, 'cannot create the lock file', { cause: error });
      if (!isStale(lockFile)) return 'busy';
      try {
        unlinkSync(lockFile);
      } catch {
        // another process broke it first: try again
      }
      continue;
    }
    try {
      writeSync(fd, `${process.pid} ${ownStartTime() ?? ''} ${holder()}`);
    } finally {
      closeSync(fd);
    }
    held.add(lockFile);
    return 'acquired';
  }
  return 'busy';
}

/** Releases a lock taken by {@link tryLock}. */
export function unlock(lockFile: string): void {
  held.delete(lockFile);
  try {
    unlinkSync(lockFile);
  } catch {
    // already gone (broken by someone who took it for stale): nothing to release
  }
}

function isStale(lockFile: string): boolean {
  let text: string;
  try {
    text = readFileSync(lockFile, 'utf8');
  } catch {
    return false; // vanished: the next open will tell
  }
  const [pidText, start, holderName] = text.trim().split(' ');
  if (!pidText) return ageOf(lockFile) > EMPTY_LOCK_STALE_MS; // being written right now, or a creator that died
  const pid = Number(pidText);
  if (pid === process.pid && (start ?? '') === (ownStartTime() ?? '')) {
    if (holderName === holder() && !held.has(lockFile)) return true; // ours, not held: a leftover
    return ageOf(lockFile) > OWN_LOCK_STALE_MS; // held by us or by another copy of this module, for one write
  }
  return !isProcessAlive(pid, start === '' ? undefined : start);
}

function ageOf(lockFile: string): number {
  try {
    return Date.now() - statSync(lockFile).mtimeMs;
  } catch {
    return 0;
  }
}
