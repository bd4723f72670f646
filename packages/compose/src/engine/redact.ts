import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { secretRedactor, type Redactor } from '../errors/redact.js';
import type { ProjectInput } from '../plan/project-input.js';
import type { ProjectSpec } from '../spec/types.js';

export type { Redactor } from '../errors/redact.js';

/** @internal Reads the spec's file secrets once and builds the {@link secretRedactor} for their values. */
export async function specRedactor(spec: ProjectSpec, workingDir: string): Promise<Redactor> {
  const values: string[] = [];
  await Promise.all(
    Object.values(spec.secrets).map(async (secret) => {
      if (!secret.file) return;
      try {
        const text = (await readFile(resolve(workingDir, secret.file), 'utf8')).replace(/\r?\n$/, '');
        values.push(text, text.trim());
      } catch {
        // Unreadable: nothing to redact.
      }
    }),
  );
  return secretRedactor(values);
}

/**
 * Reads a project's file secrets and builds the redactor the engine uses for its events and
 * errors ({@link secretRedactor}'s rule and `[redacted]` marker): for output the engine
 * does not see, such as a runtime's log lines read directly.
 *
 * @example
 * ```ts
 * const redact = await projectSecretRedactor(project);
 * for await (const line of runtime.logs(container.id)) console.log(redact(line.text));
 * ```
 */
export function projectSecretRedactor(project: Pick<ProjectInput, 'source' | 'toJSON'>): Promise<Redactor> {
  return specRedactor(project.toJSON(), project.source.workingDir);
}
