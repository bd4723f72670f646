import { chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SourceVariableError } from '../errors/source-variable-error.js';
import { secretsOf } from '../plan/desired.js';
import type { DesiredState } from '../plan/types.js';
import type { ComposeField } from '../spec/fields-in-use.js';
import type { ConfigSpec, ProjectSpec, SecretSpec } from '../spec/types.js';

/**
 * The Compose fields the engine carries out itself for every runtime that takes file-backed
 * secrets or configs: a config's inline `content`, and a secret's or config's `environment` source
 * are written to private files, then handed to the runtime like any `file`.
 */
export const ENGINE_SOURCES: Readonly<Partial<Record<ComposeField, 'secrets' | 'field:configs'>>> = {
  'secret.environment': 'secrets',
  'config.content': 'field:configs',
  'config.environment': 'field:configs',
};

/** The folder of a project's written sources: private to the user (0700), one per runtime and project. */
export function sourcesDir(runtime: string, project: string): string {
  return join(tmpdir(), 'selur-compose-sources', `${runtime}-${project}`);
}

/** What a secret or config holds when it is not a file: its inline content or its variable's value. */
function inlineContent(kind: 'secret' | 'config', name: string, source: SecretSpec | ConfigSpec, variables: (name: string) => string | undefined): string | undefined {
  if (source.content !== undefined) return source.content;
  if (source.environment === undefined) return undefined;
  const value = variables(source.environment);
  if (value === undefined) throw new SourceVariableError(kind, name, source.environment);
  return value;
}

/** The secrets and configs the selected services use. */
export interface UsedSources {
  readonly secrets: ReadonlySet<string>;
  readonly configs: ReadonlySet<string>;
}

/** @internal The secrets and configs the desired services use (the others are not written, nor their variables required). */
export function usedSources(desired: DesiredState): UsedSources {
  const secrets = new Set<string>();
  const configs = new Set<string>();
  for (const service of desired.services) {
    for (const name of secretsOf(service.spec)) secrets.add(name);
    for (const ref of service.spec.configs ?? []) configs.add(ref.source);
  }
  return { secrets, configs };
}

/**
 * @internal Writes the inline and environment-sourced secrets and configs the services use into
 * {@link sourcesDir} (the folder 0700, each file 0444 so a container's own user can read its bind
 * mount) and returns the spec with each of them turned into a `file` source. The spec is unchanged
 * when there are none. An unset variable is a {@link SourceVariableError}, raised before any file
 * is written.
 */
export async function materialiseSources(spec: ProjectSpec, used: UsedSources, dir: string, variables: (name: string) => string | undefined): Promise<ProjectSpec> {
  // every variable first: nothing is written when one is missing
  for (const name of used.secrets) { const s = spec.secrets[name]; if (s) inlineContent('secret', name, s, variables); }
  for (const name of used.configs) { const c = spec.configs[name]; if (c) inlineContent('config', name, c, variables); }
  const write = async <T extends SecretSpec | ConfigSpec>(kind: 'secret' | 'config', table: Readonly<Record<string, T>>, names: ReadonlySet<string>): Promise<Record<string, T> | undefined> => {
    let out: Record<string, T> | undefined;
    for (const [name, source] of Object.entries(table)) {
      if (!names.has(name)) continue;
      const content = inlineContent(kind, name, source, variables);
      if (content === undefined) continue;
      await mkdir(dir, { recursive: true, mode: 0o700 });
      await chmod(dir, 0o700);
      const file = join(dir, `${kind}-${name}`);
      await rm(file, { force: true });
      await writeFile(file, content, { mode: 0o444 });
      out ??= { ...table };
      out[name] = { file, ...(source.name !== undefined ? { name: source.name } : {}) } as T;
    }
    return out;
  };
  const secrets = await write('secret', spec.secrets, used.secrets);
  const configs = await write('config', spec.configs, used.configs);
  if (secrets === undefined && configs === undefined) return spec;
  return { ...spec, secrets: secrets ?? spec.secrets, configs: configs ?? spec.configs };
}

/** @internal Removes a project's written sources (at `down`). */
export async function removeSources(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}
