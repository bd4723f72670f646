import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { LABEL_PROJECT } from '@selur/compose';
import type { FileObjectSpec, ProjectSpec } from '@selur/compose';
import { isDockerEngineError, type EngineClient } from '@selur/compose-docker/engine';
import { SwarmSourceError } from './errors/swarm-source-error.js';
import { digest, LABEL_DIGEST, LABEL_OBJECT, type ObjectRef } from './mapping/service-spec.js';
import type { SwarmObject } from './mapping/swarm-types.js';

/**
 * Secrets and configs: Swarm's are immutable, so each content gets its own versioned name
 * (`<project>_<name>_<first 10 hex digits of its sha256>`), a changed content a new object (and
 * the services using it an update), and objects no service of the project uses are removed. @internal
 */

export type ObjectKind = 'secret' | 'config';

const plural = (kind: ObjectKind) => (kind === 'secret' ? 'secrets' : 'configs');

async function content(kind: ObjectKind, name: string, spec: FileObjectSpec, workingDir: string, env: Readonly<Record<string, string | undefined>>): Promise<Buffer> {
  if (spec.file !== undefined) {
    const file = path.resolve(workingDir, spec.file);
    try {
      return await readFile(file);
    } catch (cause) {
      throw new SwarmSourceError(kind, name, `its file ${file} cannot be read (${(cause as NodeJS.ErrnoException).code ?? 'error'})`, { cause });
    }
  }
  if (spec.environment !== undefined) {
    const value = env[spec.environment];
    if (value === undefined) throw new SwarmSourceError(kind, name, `the environment variable ${spec.environment} is not set`);
    return Buffer.from(value, 'utf8');
  }
  if (spec.content !== undefined) return Buffer.from(spec.content, 'utf8');
  throw new SwarmSourceError(kind, name, 'it has no file, environment or content');
}

/** The project's secrets (or configs) of that kind, as the swarm holds them. */
export async function listObjects(client: EngineClient, kind: ObjectKind, project: string): Promise<SwarmObject[]> {
  return client.json<SwarmObject[]>('GET', `/${plural(kind)}`, { query: { filters: { label: [`${LABEL_PROJECT}=${project}`] } } });
}

async function byName(client: EngineClient, kind: ObjectKind, name: string): Promise<SwarmObject | undefined> {
  const found = await client.json<SwarmObject[]>('GET', `/${plural(kind)}`, { query: { filters: { name: [name] } } });
  return found.find((o) => o.Spec.Name === name);
}

/** The versioned name of an object with this content. */
export function versionedName(project: string, name: string, data: Buffer): string {
  return `${project}_${name}_${digest(data.toString('base64')).slice(0, 10)}`;
}

/**
 * Creates (unless present) every secret or config of `names`, each under its versioned name;
 * external ones must exist. Returns them by logical name.
 */
export async function ensureObjects(
  client: EngineClient,
  kind: ObjectKind,
  project: ProjectSpec,
  names: ReadonlySet<string>,
  workingDir: string,
  env: Readonly<Record<string, string | undefined>>,
): Promise<Record<string, ObjectRef>> {
  const specs = kind === 'secret' ? project.secrets : project.configs;
  const refs: Record<string, ObjectRef> = {};
  for (const name of [...names].sort()) {
    const spec = specs[name];
    if (spec === undefined) throw new SwarmSourceError(kind, name, `it is not declared at the top level of the project`);
    if (spec.external) {
      const runtimeName = spec.name ?? name;
      const existing = await byName(client, kind, runtimeName);
      if (!existing) throw new SwarmSourceError(kind, name, `it is external, and the swarm has no ${kind} named '${runtimeName}' (create it with 'docker ${kind} create')`);
      refs[name] = { id: existing.ID, name: runtimeName };
      continue;
    }
    const data = await content(kind, name, spec, workingDir, env);
    const runtimeName = versionedName(project.name, name, data);
    const existing = await byName(client, kind, runtimeName);
    if (existing) {
      refs[name] = { id: existing.ID, name: runtimeName };
      continue;
    }
    try {
      const created = await client.json<{ ID: string }>('POST', `/${plural(kind)}/create`, {
        body: { Name: runtimeName, Labels: { [LABEL_PROJECT]: project.name, [LABEL_OBJECT]: name, [LABEL_DIGEST]: runtimeName.slice(runtimeName.lastIndexOf('_') + 1) }, Data: data.toString('base64') },
      });
      refs[name] = { id: created.ID, name: runtimeName };
    } catch (error) {
      // Created meanwhile by another process: same name, same content.
      if (!(isDockerEngineError(error) && error.statusCode === 409)) throw error;
      const raced = await byName(client, kind, runtimeName);
      if (!raced) throw error;
      refs[name] = { id: raced.ID, name: runtimeName };
    }
  }
  return refs;
}

/** Removes the project's objects of that kind whose id is not in `used`; returns their names. An object still in use is kept. */
export async function pruneObjects(client: EngineClient, kind: ObjectKind, project: string, used: ReadonlySet<string>): Promise<string[]> {
  const removed: string[] = [];
  for (const object of await listObjects(client, kind, project)) {
    if (used.has(object.ID)) continue;
    try {
      await client.json('DELETE', `/${plural(kind)}/${object.ID}`);
      removed.push(object.Spec.Name);
    } catch (error) {
      // 404: gone meanwhile; 400: still used by a service (of another run) — kept.
      if (!(isDockerEngineError(error) && (error.statusCode === 404 || error.statusCode === 400))) throw error;
    }
  }
  return removed.sort();
}
