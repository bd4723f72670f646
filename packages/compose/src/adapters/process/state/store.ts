import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { StateFileError } from '../../../errors/state-file-error.js';
import { compareNames } from '../../../graph/compare-names.js';
import { tryLock, unlock } from './lock.js';
import { projectPaths, type ProjectPaths } from './paths.js';
import { loadDraft, readState, storeState } from './file.js';
import { findMarked } from './process-table.js';
import { accountedFor, adoptLive, adoptMarked, missing, reportRecovery } from './recovery.js';
import type { ProjectState, StateChange } from './types.js';

interface Pending {
  readonly change: StateChange<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

/** Changes waiting to be written, per state file (shared by every store object of this process). */
interface WriteQueue {
  /** The state folder the file is in (the marker of its processes names it). */
  readonly stateDir: string;
  pending: Pending[];
  /** The scheduled flush (an immediate, or a back-off timer while another process holds the lock). */
  scheduled: NodeJS.Immediate | NodeJS.Timeout | undefined;
  /** Since when the lock has been busy (ms), while it is. */
  busySince: number | undefined;
  /** Current back-off (ms). */
  delay: number;
  /** A batch is being written (the lock is held until it is). */
  writing: boolean;
}

const queues = new Map<string, WriteQueue>();

/** How long changes wait for another process to release the lock before they fail (ms). */
const LOCK_TIMEOUT_MS = 15_000;
/** Back-off between tries while another process holds the lock (ms). */
const BACKOFF_FIRST_MS = 2;
const BACKOFF_MAX_MS = 50;
/**
 * Most changes written in one batch. A batch is applied, written and settled as a whole, so the
 * first change of a burst waited for the whole burst: 2,000 services stopped at once waited for
 * one write of 2,000 changes (and for the next stage to run over all of them), so that `down`
 * fell silent for seconds, longer the larger the stack. Capped, a burst is written a batch after
 * another, each settling as soon as it is written: the first changes wait for a bounded batch.
 */
export const MAX_BATCH = 128;

/**
 * One JSON state file per project under `<stateDir>/projects/`: a snapshot, then a line per
 * write holding what it changed (see file.ts). Reads need no lock (a write appends whole
 * lines, or renames a new snapshot into place). Changes go through an in-process write queue per
 * state file: every change that arrives within one turn of the event loop (and while the
 * previous batch is being written, or another process holds the lock) is applied in one
 * read-modify-write, in arrival order, under one lock acquisition and one write ({@link MAX_BATCH}
 * changes at most: a larger burst is written in several batches, one after the other). The changes are
 * applied synchronously; the file is written through the thread pool, with the lock held until
 * the write is done.
 * The lock is tried once; only while another live process holds it do changes back off (2 ms
 * doubling to 50 ms, up to 15 s). A change's promise settles after the file holding it has been
 * written: whatever it recorded is then visible to every other process.
 * A project with nothing left loses its state file and its (empty) data folder.
 */
export class StateStore {
  constructor(readonly stateDir: string) {}

  paths(project: string): ProjectPaths {
    return projectPaths(this.stateDir, project);
  }

  /** The projects that have a state file in this folder, sorted by name (none when it does not exist yet). */
  async projectNames(): Promise<string[]> {
    const names = await readdir(join(this.stateDir, 'projects')).catch(() => [] as string[]);
    return names.filter((n) => n.endsWith('.json')).map((n) => n.slice(0, -'.json'.length)).sort(compareNames);
  }

  /**
   * The project's state as on disk. The result is shared with other readers of this process
   * (parsed once per version of the file): treat it as read-only; change state with `update`.
   */
  async read(project: string): Promise<ProjectState> {
    const file = this.paths(project).stateFile;
    const read = readState(file, project);
    if (read.suspect === undefined) return read.state;
    // Damaged, or a partial last line (being appended, or torn): look again under the lock,
    // where a damaged file is repaired (see commit), then read what that left.
    await this.update(project, () => undefined);
    return readState(file, project).state;
  }

  /**
   * Takes into the project's state the running processes that carry its marker but that it does
   * not record (a state file deleted, or truncated at a line boundary): see recovery.ts. Reports
   * them (a process warning) and returns their ids.
   */
  async adoptStrays(project: string): Promise<string[]> {
    const state = await this.read(project);
    // The processes the state records are not read again (one stat read each checks they run).
    const found = findMarked(this.stateDir, project, accountedFor(state, 'strays'));
    if (found.size === 0 || missing(state, found, 'strays').length === 0) return [];
    const adopted = await this.update(project, (draft) => adoptMarked(draft, found, 'strays'));
    if (adopted.length > 0) reportRecovery(this.paths(project).stateFile, undefined, adopted);
    return adopted;
  }

  /**
   * Changes the project's state under its lock: `change` mutates the draft (synchronously: a
   * change returning a promise fails) and returns a result. Changes that arrive together are
   * written together (group commit): 200 services starting at once cost a few writes, not 200.
   * A change that throws fails alone; the others of its batch are still written.
   */
  update<T>(project: string, change: StateChange<T>): Promise<T> {
    const paths = this.paths(project);
    return new Promise<T>((resolve, reject) => {
      let queue = queues.get(paths.stateFile);
      if (!queue) {
        queue = { stateDir: this.stateDir, pending: [], scheduled: undefined, busySince: undefined, delay: 0, writing: false };
        queues.set(paths.stateFile, queue);
      }
      queue.pending.push({ change, resolve: resolve as (value: unknown) => void, reject });
      // The immediate is ref'd: the process stays alive until the change is written.
      if (!queue.scheduled && !queue.writing) queue.scheduled = setImmediate(() => flush(project, paths, queue));
    });
  }
}

function flush(project: string, paths: ProjectPaths, queue: WriteQueue): void {
  queue.scheduled = undefined;
  let attempt: 'acquired' | 'busy';
  try {
    attempt = tryLock(paths.lockFile);
  } catch (error) {
    settleAll(queue.pending.splice(0), error);
    forget(paths, queue);
    return;
  }
  if (attempt === 'busy') {
    const now = Date.now();
    queue.busySince ??= now;
    if (now - queue.busySince >= LOCK_TIMEOUT_MS) {
      const error = new StateFileError(paths.lockFile, `still locked by another process after ${LOCK_TIMEOUT_MS} ms; if no selur-compose process runs, delete this lock file`);
      Object.assign(queue, { busySince: undefined, delay: 0 });
      settleAll(queue.pending.splice(0), error);
      forget(paths, queue);
      return;
    }
    queue.delay = Math.min(Math.max(BACKOFF_FIRST_MS, queue.delay * 2), BACKOFF_MAX_MS);
    // Ref'd as well: callers are waiting for this write.
    queue.scheduled = setTimeout(() => flush(project, paths, queue), queue.delay);
    return;
  }
  Object.assign(queue, { busySince: undefined, delay: 0 });
  const batch = queue.pending.splice(0, MAX_BATCH);
  // While this batch is written, changes that arrive wait for the next one (`writing` keeps
  // update() from scheduling a flush): they are written together once this one is done.
  queue.writing = true;
  void commit(project, paths, queue.stateDir, batch)
    .catch((error: unknown) => batch.map(() => ({ ok: false, value: error })))
    .then((outcomes) => {
      unlock(paths.lockFile);
      queue.writing = false;
      batch.forEach((item, index) => {
        const outcome = outcomes[index];
        if (outcome?.ok) item.resolve(outcome.value);
        else item.reject(outcome?.value);
      });
      if (queue.pending.length > 0 && !queue.scheduled) queue.scheduled = setImmediate(() => flush(project, paths, queue));
      forget(paths, queue);
    });
}

/** Applies a batch to the state file and writes it (under the lock). */
async function commit(project: string, paths: ProjectPaths, stateDir: string, batch: readonly Pending[]): Promise<{ ok: boolean; value: unknown }[]> {
  const loaded = loadDraft(paths.stateFile, project);
  const draft = loaded.draft;
  if (loaded.damage !== undefined) {
    // A damaged file: the draft holds what was whole; the live processes fill in the rest.
    const adopted = adoptLive(stateDir, draft, 'salvage');
    reportRecovery(paths.stateFile, loaded.damage, adopted);
  }
  const outcomes = batch.map((item) => {
    try {
      const value = item.change(draft);
      if (isThenable(value)) {
        (value as PromiseLike<unknown>).then(undefined, () => undefined);
        throw new TypeError('process runtime: a state change must be synchronous');
      }
      return { ok: true, value };
    } catch (error) {
      return { ok: false, value: error };
    }
  });
  await storeState(paths, loaded);
  return outcomes;
}

function settleAll(batch: readonly Pending[], error: unknown): void {
  for (const item of batch) item.reject(error);
}

/** Drops an idle queue (one that a change re-filled meanwhile stays). */
function forget(paths: ProjectPaths, queue: WriteQueue): void {
  if (queue.pending.length === 0 && !queue.scheduled && !queue.writing && queues.get(paths.stateFile) === queue) queues.delete(paths.stateFile);
}

function isThenable(value: unknown): boolean {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}
