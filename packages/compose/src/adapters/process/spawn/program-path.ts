import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';

/** How long a lookup is reused (ms): a program installed meanwhile is found after this. */
const CACHE_MS = 10_000;
const cache = new Map<string, { readonly path: string; readonly at: number }>();

/**
 * The absolute path of `program` as `execvp` would find it through `pathVariable` (the child's
 * PATH), or undefined when it is not there (the spawn then reports ENOENT). A name with a slash
 * is left to the spawn. Lookups are cached for {@link CACHE_MS}: spawning by absolute path spares
 * the child one failed `execve` per PATH entry before the right one, which the parent waits for.
 */
export function findProgram(program: string, pathVariable: string | undefined): string | undefined {
  if (program.includes('/') || !pathVariable) return undefined;
  const key = `${pathVariable}\0${program}`;
  const now = Date.now();
  const hit = cache.get(key);
  if (hit && now - hit.at < CACHE_MS) return hit.path;
  for (const dir of pathVariable.split(delimiter)) {
    if (!dir || !isAbsolute(dir)) continue; // relative entries depend on the child's cwd: leave those to execvp
    const candidate = join(dir, program);
    try {
      // stat first, without an exception for a missing file: most PATH entries lack the program,
      // and each thrown error (a stack trace built) cost more than the lookup itself
      if (statSync(candidate, { throwIfNoEntry: false })?.isFile() !== true) continue;
      accessSync(candidate, constants.X_OK);
    } catch {
      continue;
    }
    cache.set(key, { path: candidate, at: now });
    return candidate;
  }
  return undefined;
}
