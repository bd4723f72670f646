import { readFileSync } from 'node:fs';

/** The spawners' helpers written in another language, each in a file of its own beside this module. */
export type HelperFile = 'zygote.pl' | 'spawn-worker.cjs';

const sources = new Map<HelperFile, string | undefined>();

/**
 * The text of a helper file, read once per process (undefined when it cannot be read: the
 * spawner that needs it then falls back, as when Perl is missing). The files sit beside this
 * module: in `src/adapters/process/spawn/` when run from source, in `dist/` beside the bundle in
 * the package (tsup.config.ts copies them there; in the CommonJS build tsup's shim provides
 * `import.meta.url`).
 */
export function helperSource(name: HelperFile): string | undefined {
  if (!sources.has(name)) {
    let text: string | undefined;
    try {
      text = readFileSync(new URL(name, import.meta.url), 'utf8');
    } catch {
      text = undefined;
    }
    sources.set(name, text);
  }
  return sources.get(name);
}
