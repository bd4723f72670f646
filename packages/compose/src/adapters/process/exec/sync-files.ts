import { chmod, chown, copyFile, mkdir, rename, rm, stat } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { dirname, isAbsolute, join, posix, relative, resolve } from 'node:path';
import type { FileSync } from '../../../runtime/types.js';
import type { ContainerRecord } from '../state/types.js';

/**
 * Where a service's path is on the host, as the process runtime maps a service's other paths: a
 * path inside a mount's target goes into the mount's host folder, another absolute path is that
 * host path, a relative one is relative to the service's working folder.
 */
export function hostPathOf(record: Pick<ContainerRecord, 'cwd' | 'mounts'>, target: string): string {
  if (!isAbsolute(target)) return resolve(record.cwd, target);
  const normal = posix.normalize(target);
  const mount = [...record.mounts]
    .sort((a, b) => b.target.length - a.target.length)
    .find((m) => normal === m.target || normal.startsWith(m.target.endsWith('/') ? m.target : `${m.target}/`));
  return mount ? join(mount.hostPath, relative(mount.target, normal)) : normal;
}

/**
 * Applies `develop.watch` file changes for a host process: each copy written beside its target
 * and renamed over it (the service never reads half a file), with the source's mode, owned by
 * the service's user when it runs as another; each removal recursive.
 */
export async function syncFiles(record: Pick<ContainerRecord, 'cwd' | 'mounts' | 'runAs'>, changes: readonly FileSync[], signal?: AbortSignal): Promise<void> {
  for (const change of changes) {
    signal?.throwIfAborted();
    const target = hostPathOf(record, change.target);
    if (change.kind === 'delete') {
      await rm(target, { recursive: true, force: true });
      continue;
    }
    await mkdir(dirname(target), { recursive: true });
    const partial = `${target}.selur-sync-${randomBytes(4).toString('hex')}`;
    try {
      await copyFile(change.source, partial);
      await chmod(partial, (await stat(change.source)).mode & 0o7777);
      if (record.runAs) await chown(partial, record.runAs.uid, record.runAs.gid);
      await rename(partial, target);
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }
  }
}
