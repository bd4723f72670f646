import { closeSync, mkdirSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { StateFileError } from '../../errors/state-file-error.js';
import { isProcessAlive, processStartTime } from './proc.js';

/**
 * The cross-process lock of a state file: a lock file created with `O_EXCL` holding
 * `<pid> <start time>`. It is taken and released synchronously, around a synchronous
 * read-modify-write, so this process never holds it across a turn of the event loop (nothing of
 * this process can be found waiting for it). A lock file whose holder is dead is broken, and so
 * is one of this process (a leftover: none of ours is held across turns) or one left empty for
 * more than {@link EMPTY_LOCK_STALE_MS} (its creator died between creating and writing it).
 */

const ownStart = processStartTime(process.pid) ?? '';
/** An empty lock file older than this (ms) is a leftover of a creator that died at once. */
const EMPTY_LOCK_STALE_MS = 1_000;

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
      writeSync(fd, `${process.pid} ${ownStart}`);
    } finally {
      closeSync(fd);
    }
    return 'acquired';
  }
  return 'busy';
}

/** Releases a lock taken by {@link tryLock}. */
export function unlock(lockFile: string): void {
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
  const [pidText, start] = text.trim().split(' ');
  if (!pidText) return emptyFor(lockFile) > EMPTY_LOCK_STALE_MS; // being written right now, or a creator that died
  const pid = Number(pidText);
  if (pid === process.pid && (start ?? '') === ownStart) return true; // ours: never held across turns, so a leftover
  return !isProcessAlive(pid, start === '' ? undefined : start);
}

function emptyFor(lockFile: string): number {
  try {
    return Date.now() - statSync(lockFile).mtimeMs;
  } catch {
    return 0;
  }
}
