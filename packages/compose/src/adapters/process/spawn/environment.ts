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

/**
 * The argv that runs `argv` (default: the service's command) as the container's user: through
 * `setpriv --reuid U --regid G --groups …` (or `--clear-groups`) when it has one of its own, else
 * `argv` as it is.
 */
export function processArgv(record: ContainerRecord, argv: readonly string[] = record.command): string[] {
  const runAs = record.runAs;
  if (!runAs) return [...argv];
  const groups = runAs.groups.length > 0 ? [`--groups=${runAs.groups.join(',')}`] : ['--clear-groups'];
  return [runAs.setpriv, `--reuid=${runAs.uid}`, `--regid=${runAs.gid}`, ...groups, '--', ...argv];
}
