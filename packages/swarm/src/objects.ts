import { readFile } from 'node:fs/promises';
import { LABEL_PROJECT } from '@selur/compose';
import type { ServiceRequest } from '@selur/compose';
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

async function fileContent(kind: ObjectKind, name: string, file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (cause) {
    throw new SwarmSourceError(kind, name, `its file ${file} cannot be read (${(cause as NodeJS.ErrnoException).code ?? 'error'})`, { cause });
  }
}

/**
 * Creates (unless present) every secret or config the service mounts, each under its versioned
 * name, from the file the engine hands over (inline and environment-sourced ones included: the
 * engine writes those to files). One the request has no file for is external: it must exist
 * in the swarm under its name. Returns them by logical name.
 */
export async function ensureObjects(client: EngineClient, kind: ObjectKind, request: ServiceRequest): Promise<Record<string, ObjectRef>> {
  const sources = new Map<string, string>((kind === 'secret' ? request.secrets : request.configs).map((s) => [s.name, s.file]));
  const names = new Set((kind === 'secret' ? request.spec.secrets : (request.spec.configs ?? [])).map((r) => r.source));
  const refs: Record<string, ObjectRef> = {};
  for (const name of [...names].sort()) {
    const file = sources.get(name);
    if (file === undefined) {
      const existing = await byName(client, kind, name);
      if (!existing) throw new SwarmSourceError(kind, name, `it has no file and the swarm has no ${kind} named '${name}' (an external one: create it with 'docker ${kind} create')`);
      refs[name] = { id: existing.ID, name };
      continue;
    }
    const data = await fileContent(kind, name, file);
    const runtimeName = versionedName(request.project, name, data);
    const existing = await byName(client, kind, runtimeName);
    if (existing) {
      refs[name] = { id: existing.ID, name: runtimeName };
      continue;
    }
    try {
      const created = await client.json<{ ID: string }>('POST', `/${plural(kind)}/create`, {
        body: { Name: runtimeName, Labels: { [LABEL_PROJECT]: request.project, [LABEL_OBJECT]: name, [LABEL_DIGEST]: runtimeName.slice(runtimeName.lastIndexOf('_') + 1) }, Data: data.toString('base64') },
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

/** Removes the project's objects of that kind (those `which` picks) whose id is not in `used`; returns their names. An object still in use is kept. */
export async function pruneObjects(client: EngineClient, kind: ObjectKind, project: string, used: ReadonlySet<string>, which: (object: SwarmObject) => boolean = () => true): Promise<string[]> {
  const removed: string[] = [];
  for (const object of await listObjects(client, kind, project)) {
    if (used.has(object.ID) || !which(object)) continue;
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
