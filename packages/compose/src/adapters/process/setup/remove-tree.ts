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

/**
 * Removes a folder tree off this thread: `rm -rf` (a PostgreSQL data folder of ~1,000 files took
 * 0.7–1.5 s with Node's recursive `rmSync`, blocking the event loop all along, and ~0.1 s with
 * `rm`), else Node's own recursive removal when `rm` cannot be run.
 */
export function removeTree(path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    childProcess().execFile('rm', ['-rf', '--', path], { windowsHide: true }, (error) => {
      if (!error) return resolve();
      rm(path, { recursive: true, force: true }).then(resolve, reject);
    });
  });
}
