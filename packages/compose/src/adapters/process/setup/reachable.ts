import { statSync, type Stats } from 'node:fs';
import { dirname } from 'node:path';
import type { RunAs } from '../state/types.js';

/** A folder that keeps a user from reaching what lies below it. */
export interface BlockingFolder {
  readonly folder: string;
  /** Its permission bits (`0o700`). */
  readonly mode: number;
  /** Its owner's uid. */
  readonly owner: number;
}

/**
 * Whether `runAs` may pass through a folder (search permission, the `x` bit), as the kernel
 * decides it: the owner's bits when the user owns it, else the group's when the folder's group is
 * the user's primary or a supplementary group, else the others'. Root passes everywhere.
 * Access control lists are not read (a folder they open is reported as blocking).
 */
function canSearch(stats: Stats, runAs: RunAs): boolean {
  if (runAs.uid === 0) return true;
  const bit = stats.uid === runAs.uid ? 0o100 : stats.gid === runAs.gid || runAs.groups.includes(stats.gid) ? 0o010 : 0o001;
  return (stats.mode & bit) !== 0;
}

/**
 * The first folder above `path`, from `/` down, that `runAs` may not pass through, so that the
 * service, switched to that user, could not open `path` at all; undefined when every folder lets
 * it through, or when one cannot be read (a missing folder: what makes it, or the service's own
 * error, tells more than a guess would).
 *
 * The process runtime starts a service's program as root and switches users in `setpriv`, so a
 * mount's folder is reached by its path, as that user: a `/root` of mode 0700 above a volume lets
 * PostgreSQL's `initdb` fail with "Permission denied" after the stack started. Checked before the
 * service starts, the failure names the folder instead.
 */
export function blockingFolder(path: string, runAs: RunAs): BlockingFolder | undefined {
  const folders: string[] = [];
  for (let folder = dirname(path); ; folder = dirname(folder)) {
    folders.push(folder);
    if (dirname(folder) === folder) break;
  }
  for (const folder of folders.reverse()) {
    let stats: Stats;
    try {
      stats = statSync(folder);
    } catch {
      return undefined;
    }
    if (!canSearch(stats, runAs)) return { folder, mode: stats.mode & 0o7777, owner: stats.uid };
  }
  return undefined;
}
