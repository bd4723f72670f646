import { readFileSync } from 'node:fs';
import { parseDotenv } from '@selur/compose';
import { UsageError } from './errors/usage-error.js';

/**
 * Reads `--env-file` files with the SDK's `.env` parser ({@link parseDotenv}), so that a file reads
 * the same as a service's `env_file`. `${VAR}` references read `env` (the shell) first, then the
 * values of earlier files. Later files win.
 */
export function readEnvFiles(paths: readonly string[], env: Readonly<Record<string, string | undefined>> = {}): Record<string, string> {
  const out: Record<string, string> = {};
  const lookup = (name: string) => env[name] ?? (Object.hasOwn(out, name) ? out[name] : undefined);
  for (const path of paths) {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      throw new UsageError(`--env-file ${path}: cannot read the file`);
    }
    try {
      Object.assign(out, parseDotenv(text, { lookup }));
    } catch (error) {
      throw new UsageError(`--env-file ${path}: ${(error as Error).message}`);
    }
  }
  return out;
}
