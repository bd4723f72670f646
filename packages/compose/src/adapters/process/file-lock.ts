import { open, readFile, unlink, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { StateFileError } from '../../errors/state-file-error.js';
import { isProcessAlive, processStartTime } from './proc.js';

/**
 * A lock around a state file: an in-process queue per path (so concurrent calls in one process
 * never race) plus a lock file created with `O_EXCL` holding `<pid> <start time>` (so processes
 * take turns). A lock file whose holder is dead is broken. Waits are bounded.
 */

const queues = new Map<string, Promise<unknown>>();
const ownStart = processStartTime(process.pid) ?? '';
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Runs `fn` while holding the lock `lockFile`. */
export async function withFileLock<T>(lockFile: string, fn: () => Promise<T>, timeoutMs = 15_000): Promise<T> {
  const previous = queues.get(lockFile) ?? Promise.resolve();
  const run = previous.catch(() => undefined).then(async () => {
    await acquire(lockFile, timeoutMs);
    try {
      return await fn();
    } finally {
      await unlink(lockFile).catch(() => undefined);
    }
  });
  const tail = run.catch(() => undefined);
  queues.set(lockFile, tail);
  void tail.then(() => {
    if (queues.get(lockFile) === tail) queues.delete(lockFile);
  });
  return run;
}

async function acquire(lockFile: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let delay = 2;
  await mkdir(dirname(lockFile), { recursive: true });
  for (;;) {
    try {
      const handle = await open(lockFile, 'wx', 0o600);
      await handle.writeFile(`${process.pid} ${ownStart}`);
      await handle.close();
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw new StateFileError(lockFile, 'cannot create the lock file', { cause: error });
    }
    if (await isStale(lockFile)) {
      await unlink(lockFile).catch(() => undefined);
      continue;
    }
    if (Date.now() >= deadline) throw new StateFileError(lockFile, `still locked by another process after ${timeoutMs} ms; if no selur-compose process runs, delete this lock file`);
    await sleep(delay);
    delay = Math.min(delay * 2, 50);
  }
}

async function isStale(lockFile: string): Promise<boolean> {
  let text: string;
  try {
    text = await readFile(lockFile, 'utf8');
  } catch {
    return false; // vanished: the next open will tell
  }
  const [pidText, start] = text.trim().split(' ');
  const pid = Number(pidText);
  if (!pidText) return false; // being written right now
  if (pid === process.pid && (start ?? '') === ownStart) return false; // ours (another queue cannot hold it: same path)
  return !isProcessAlive(pid, start === '' ? undefined : start);
}
