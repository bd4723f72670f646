import { renameSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { join } from 'node:path';

/**
 * `node:child_process`, required on the first removal: importing it (with `node:net` and the
 * streams it pulls in) cost every process that loads the package, `ps` too. The CJS build gets
 * import.meta.url from tsup's shims.
 */
function childProcess(): typeof import('node:child_process') {
  return createRequire(import.meta.url)('node:child_process') as typeof import('node:child_process');
}

/**
 * Moves folder `path` into `intoDir` under a name of its own (`.removing-<hex>`; a rename on the
 * same file system: instant, so it can happen under the project's lock, and the project's own
 * folder is left without it), giving the new path, or undefined when there was nothing to move.
 */
export function moveAside(path: string, intoDir: string): string | undefined {
  const aside = join(intoDir, `.removing-${randomBytes(6).toString('hex')}`);
  try {
    renameSync(path, aside);
    return aside;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

interface Pending { readonly path: string; readonly resolve: () => void; readonly reject: (error: unknown) => void }
/** Trees asked to be removed in this turn of the event loop: one `rm` removes them all. */
let batch: Pending[] | undefined;

/**
 * Removes a folder tree off this thread: `rm -rf`, several at once over its subfolders (see
 * REMOVE_SCRIPT; a PostgreSQL data folder of ~1,000 files took 0.7–1.5 s with Node's recursive
 * `rmSync`, blocking the event loop all along), else Node's own recursive removal when the shell
 * cannot be run. Trees asked for in the same turn of the event loop (the volumes of one `down`,
 * moved aside by one write) go to one shell: each spawn blocks this thread while the child forks
 * and execs, and a second spawn for the big tree started ~40 ms after the first one, for a tree
 * of 3 files. Resolves once its tree is gone.
 */
export function removeTree(path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!batch) {
      const current: Pending[] = (batch = []);
      setImmediate(() => {
        batch = undefined;
        removeAll(current);
      });
    }
    batch.push({ path, resolve, reject });
  });
}

/**
 * The removal, as a shell script over the trees given as its arguments: the folders two levels
 * down (a PostgreSQL data folder's `base/1`, `base/4`, `base/5`: 900 of its ~970 files) are removed
 * four at a time, then what is left by one `rm -rf`. Deleting is bound by the disk's latency: on a
 * busy disk one `rm -rf` of a fresh data folder took 2.0–3.7 s, four side by side 0.7–1.4 s (an
 * idle disk: ~0.25 s either way). Without `find` or `xargs` the last `rm` does it all; its status
 * is the script's.
 */
const REMOVE_SCRIPT = 'find "$@" -mindepth 2 -maxdepth 2 -type d -print0 2>/dev/null | xargs -0 -r -n 1 -P 4 rm -rf -- 2>/dev/null; exec rm -rf -- "$@"';

function removeAll(pending: readonly Pending[]): void {
  childProcess().execFile('sh', ['-c', REMOVE_SCRIPT, 'sh', ...pending.map((p) => p.path)], { windowsHide: true }, (error) => {
    // each tree that `rm` could not remove (or all, when the shell could not run) gets Node's own removal
    for (const p of pending) {
      if (!error) p.resolve();
      else rm(p.path, { recursive: true, force: true }).then(p.resolve, p.reject);
    }
  });
}
