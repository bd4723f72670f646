import { readFileSync } from 'node:fs';
import { SecretInEnvironmentError } from '../../../errors/secret-in-environment-error.js';
import type { ContainerRecord } from '../state/types.js';

/**
 * The environment a process of the container runs with (the service itself, an exec, a health
 * probe): the host's, then the record's, then each secret environment variable read from the
 * private copy of its secret (one final newline dropped, as the engine reads it), then `extra`
 * (an exec's own variables win, as in a container). The
 * values are read here, at spawn time, and never written anywhere: the state file holds only
 * where they are. Throws {@link SecretInEnvironmentError} (`no-file`) when a copy is gone.
 */
export function processEnvironment(record: ContainerRecord, extra: Readonly<Record<string, string>> = {}): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...process.env, ...record.env };
  for (const [variable, ref] of Object.entries(record.secretEnv ?? {})) {
    try {
      env[variable] = readFileSync(ref.file, 'utf8').replace(/\r?\n$/, '');
    } catch (cause) {
      throw new SecretInEnvironmentError(record.service, variable, ref.secret, 'no-file', { cause: (cause as NodeJS.ErrnoException).code });
    }
  }
  return Object.assign(env, extra);
}
