import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, open, readFile, stat, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProjectLockedError } from '../errors/project-locked-error.js';
import { backoff, systemClock, type EngineClock } from './clock.js';

interface LockContent {
  readonly pid: number;
  readonly token: string;
  readonly startedAt: string;
  /** What the holder does (`up`, `down`), when it said. */
  readonly operation?: string | undefined;
  /** `/proc/<pid>/stat` start time, to tell a reused pid from the holder. */
  readonly procStart?: string | undefined;
}

/**
 * A held project lock. Release it exactly once.
 *
 * @example
 * ```ts
 * const lock = await acquireProjectLock('process', 'shop');
 * await lock.release();
 * ```
 */
export interface ProjectLock {
  readonly file: string;
  release(): Promise<void>;
}

/**
 * Options of {@link acquireProjectLock}.
 *
 * @example
 * ```ts
 * await acquireProjectLock('process', 'shop', { timeoutMs: 5_000, signal });
 * ```
 */
export interface LockOptions {
  /** Wait at most this long for another holder (ms). @default 60_000 */
  readonly timeoutMs?: number | undefined;
  readonly signal?: AbortSignal | undefined;
  readonly clock?: EngineClock | undefined;
  /** Folder of the lock files. @default os.tmpdir()/selur-compose-locks */
  readonly dir?: string | undefined;
  /** What this holder does (`up`, `down`): another process waiting for the lock is told. */
  readonly operation?: string | undefined;
  /** Called once, when the lock is found held by another live process and the wait begins. */
  readonly onWait?: ((holder: LockHolder) => void) | undefined;
}

/** @internal Who holds a project lock another process waits for. */
export interface LockHolder {
  readonly pid: number;
  readonly operation?: string | undefined;
  /** When it took the lock (ISO 8601), as it wrote. */
  readonly since: string;
}

/** @internal Default folder of lock files. */
export function lockDir(): string {
  return join(tmpdir(), 'selur-compose-locks');
}

function safe(part: string): string {
  return part.replace(/[^a-zA-Z0-9_.-]/g, '_');
}

/** @internal `/proc/<pid>/stat` start time of a process (undefined where there is no /proc). */
export function processStartTime(pid: number): string | undefined {
  return procStart(pid);
}

/** @internal True when `pid` runs and, when `start` is known, is the same process (not a reused pid). */
export function processAlive(pid: number, start: string | undefined): boolean {
  return alive({ pid, token: '', startedAt: '', procStart: start });
}

function procStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19];
  } catch {
    return undefined;
  }
}

function alive(holder: LockContent): boolean {
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  if (holder.procStart !== undefined) {
    const now = procStart(holder.pid);
    if (now !== undefined && now !== holder.procStart) return false;
  }
  return true;
}

async function readHolder(file: string): Promise<LockContent | undefined> {
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as Partial<LockContent>;
    if (typeof parsed.pid === 'number' && typeof parsed.token === 'string') return parsed as LockContent;
  } catch {
    // Missing, or being written.
  }
  return undefined;
}

async function tryCreate(file: string, content: LockContent): Promise<boolean> {
  try {
    const handle = await open(file, 'wx');
    try {
      await handle.writeFile(JSON.stringify(content));
    } finally {
      await handle.close();
    }
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/** Removes a stale lock, guarded by a short-lived steal lock so two stealers cannot remove a fresh one. */
async function steal(file: string, stale: LockContent): Promise<void> {
  const guard = `${file}.steal`;
  const token = randomUUID();
  if (!(await tryCreate(guard, { pid: process.pid, token, startedAt: new Date().toISOString() }))) {
    const age = await stat(guard).then((s) => Date.now() - s.mtimeMs, () => 0);
    if (age > 5_000) await unlink(guard).catch(() => undefined);
    return;
  }
  try {
    const current = await readHolder(file);
    if (current && current.token === stale.token) await unlink(file).catch(() => undefined);
  } finally {
    await unlink(guard).catch(() => undefined);
  }
}

/**
 * Takes the cross-process lock of a project on a runtime: a file created with O_EXCL in
 * `os.tmpdir()/selur-compose-locks/<runtime>-<project>.lock` holding the pid and start time.
 * A lock whose process is gone is stale and taken over. Waits up to `timeoutMs`, then throws
 * {@link ProjectLockedError} naming the holder.
 *
 * @example
 * ```ts
 * const lock = await acquireProjectLock('process', 'shop', { timeoutMs: 5_000 });
 * try { ... } finally { await lock.release(); }
 * ```
 */
export async function acquireProjectLock(runtime: string, project: string, options: LockOptions = {}): Promise<ProjectLock> {
  const clock = options.clock ?? systemClock;
  const dir = options.dir ?? lockDir();
  await mkdir(dir, { recursive: true });
  const file = join(dir, `${safe(runtime)}-${safe(project)}.lock`);
  const content: LockContent = { pid: process.pid, token: randomUUID(), startedAt: new Date().toISOString(), procStart: procStart(process.pid), ...(options.operation ? { operation: options.operation } : {}) };
  const timeoutMs = options.timeoutMs ?? 60_000;
  const started = clock.now();
  const delays = backoff(5, 250, 2);
  let holder: LockContent | undefined;
  let told = false;
  for (;;) {
    if (await tryCreate(file, content)) break;
    holder = await readHolder(file);
    if (holder && !alive(holder)) {
      await steal(file, holder);
      continue;
    }
    if (!holder) {
      // Unreadable: a holder mid-write, or a torn file from a crash. Give up on it after a while.
      const age = await stat(file).then((s) => Date.now() - s.mtimeMs, () => 0);
      if (age > 10_000) await unlink(file).catch(() => undefined);
    }
    if (holder && !told) {
      told = true;
      options.onWait?.({ pid: holder.pid, operation: holder.operation, since: holder.startedAt });
    }
    const waited = clock.now() - started;
    if (waited >= timeoutMs) {
      throw new ProjectLockedError({ project, holderPid: holder?.pid ?? -1, heldSince: holder?.startedAt, lockFile: file, waitedMs: Math.round(waited) });
    }
    if (options.signal?.aborted) throw options.signal.reason;
    await clock.sleep(Math.min(delays.next().value, Math.max(1, timeoutMs - waited)), options.signal);
  }
  let released = false;
  return {
    file,
    async release() {
      if (released) return;
      released = true;
      const current = await readHolder(file);
      if (current?.token === content.token) await unlink(file).catch(() => undefined);
    },
  };
}
