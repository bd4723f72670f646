import { watch, type FSWatcher } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** @internal Folders watched one by one at most, where recursive watching is not available. */
export const MAX_WATCHED_FOLDERS = 10_000;

/** @internal Watchers over host paths; `close()` releases every one. */
export interface PathWatcher {
  close(): void;
}

/**
 * @internal Watches `paths` (folders recursively, files through their folder, so an editor's
 * atomic rename is seen) and calls `onChange` with the absolute path of each change. Uses
 * `fs.watch(…, { recursive: true })`, and where the platform lacks it, one watcher per folder
 * (at most {@link MAX_WATCHED_FOLDERS}, new folders added as they appear; `recursive: false`
 * picks it, for tests).
 */
export async function watchPaths(
  paths: readonly string[],
  onChange: (path: string) => void,
  onError: (error: Error) => void,
  options: { readonly recursive?: boolean } = {},
): Promise<PathWatcher> {
  const watchers = new Map<string, FSWatcher>();
  let closed = false;
  const close = () => {
    closed = true;
    for (const w of watchers.values()) w.close();
    watchers.clear();
  };
  const add = (key: string, make: () => FSWatcher) => {
    if (closed || watchers.has(key)) return;
    const w = make();
    w.on('error', (error) => {
      // a watched folder removed: its changes are reported by its parent's watcher
      w.close();
      watchers.delete(key);
      if ((error as NodeJS.ErrnoException).code !== 'EPERM' && (error as NodeJS.ErrnoException).code !== 'ENOENT') onError(error);
    });
    watchers.set(key, w);
  };
  const eachFolder = async (folder: string): Promise<void> => {
    if (closed || watchers.size >= MAX_WATCHED_FOLDERS) return;
    add(`dir:${folder}`, () =>
      watch(folder, (_event, name) => {
        const changed = name ? join(folder, name.toString()) : folder;
        onChange(changed);
        void stat(changed).then((s) => (s.isDirectory() ? eachFolder(changed) : undefined), () => undefined);
      }),
    );
    const entries = await readdir(folder, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) if (entry.isDirectory()) await eachFolder(join(folder, entry.name));
  };
  try {
    for (const path of paths) {
      const info = await stat(path);
      if (info.isDirectory()) {
        try {
          if (options.recursive === false) await eachFolder(path);
          else add(`tree:${path}`, () => watch(path, { recursive: true }, (_event, name) => onChange(name ? join(path, name.toString()) : path)));
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'ERR_FEATURE_UNAVAILABLE_ON_PLATFORM') throw error;
          await eachFolder(path);
        }
      } else {
        const folder = dirname(path);
        const name = basename(path);
        add(`file:${path}`, () => watch(folder, (_event, changed) => {
          if (changed === null || changed.toString() === name) onChange(path);
        }));
      }
    }
  } catch (error) {
    close();
    throw error;
  }
  return { close };
}
