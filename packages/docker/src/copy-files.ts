import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { EngineClient } from './client/engine-client.js';
import { tarStream, type TarEntry } from './client/tar.js';
import { DockerEngineError, isDockerEngineError } from './errors/docker-engine-error.js';
import type { FileCopy } from './mapping/files.js';

/** The archive entries that write `copies` (paths relative to `/`, owner and mode in each header). @internal */
export async function fileCopyEntries(copies: readonly FileCopy[]): Promise<TarEntry[]> {
  const entries: TarEntry[] = [];
  for (const copy of copies) {
    const content = await readFile(copy.file);
    entries.push({ type: 'file', name: copy.target.replace(/^\/+/, ''), mode: copy.mode, uid: copy.uid, gid: copy.gid, size: content.length, content: () => [content] });
  }
  return entries;
}

/**
 * Writes secrets and configs that ask for an owner or a mode into a created (not yet started)
 * container, with one `PUT /containers/{id}/archive` at `/`: the engine creates missing parent
 * folders and applies each header's uid, gid and mode. A read-only root file system refuses it
 * (the engine says so); such a service keeps the default owner and mode (a bind mount). @internal
 */
export async function copyFilesInto(client: EngineClient, id: string, copies: readonly FileCopy[], service?: string): Promise<void> {
  if (copies.length === 0) return;
  const entries = await fileCopyEntries(copies);
  try {
    await client.json('PUT', `/containers/${encodeURIComponent(id)}/archive`, {
      query: { path: '/' },
      stream: Readable.from(tarStream(entries)),
      contentType: 'application/x-tar',
    });
  } catch (error) {
    if (!isDockerEngineError(error)) throw error;
    const what = copies.map((c) => `${c.kind} '${c.name}' → ${c.target}`).join(', ');
    throw new DockerEngineError(error.statusCode, error.request, `${error.engineMessage} (writing ${what} with its owner and mode)`, { service, cause: error });
  }
}
