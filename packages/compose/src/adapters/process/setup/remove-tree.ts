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
 * Removes a folder tree off this thread: `rm -rf` (a PostgreSQL data folder of ~1,000 files took
 * 0.7–1.5 s with Node's recursive `rmSync`, blocking the event loop all along, and ~0.1 s with
 * `rm`), else Node's own recursive removal when `rm` cannot be run. Trees asked for in the same
 * turn of the event loop (the volumes of one `down`, moved aside by one write) go to one `rm`:
 * each spawn blocks this thread while the child forks and execs, and a second spawn for the big
 * tree started ~40 ms after the first one, for a tree of 3 files. Resolves once its tree is gone.
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

function removeAll(pending: readonly Pending[]): void {
  childProcess().execFile('rm', ['-rf', '--', ...pending.map((p) => p.path)], { windowsHide: true }, (error) => {
    // each tree that `rm` could not remove (or all, when it could not run) gets Node's own removal
    for (const p of pending) {
      if (!error) p.resolve();
      else rm(p.path, { recursive: true, force: true }).then(p.resolve, p.reject);
    }
  });
}
