import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { ComposeError, type FileSync } from '@selur/compose';
import { Readable } from 'node:stream';
import type { EngineClient } from './client/engine-client.js';
import { tarStream, type TarEntry } from './client/tar.js';
import { DockerEngineError, isDockerEngineError } from './errors/docker-engine-error.js';
import type { FileCopy } from './mapping/files.js';
import { execInContainer } from './exec.js';

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

/**
 * Applies `develop.watch` file changes inside a running container: removals with one `rm -rf`
 * through exec, then copies with one `PUT /containers/{id}/archive` at `/` (each file's mode kept;
 * the engine creates missing parent folders). A relative target is relative to `/`. @internal
 */
export async function syncIntoContainer(client: EngineClient, id: string, changes: readonly FileSync[], signal?: AbortSignal): Promise<void> {
  const name = (target: string) => path.posix.resolve('/', target).replace(/^\/+/, '');
  const removed = changes.filter((c) => c.kind === 'delete').map((c) => `/${name(c.target)}`);
  if (removed.length > 0) {
    const result = await execInContainer(client, id, ['rm', '-rf', '--', ...removed], { signal, timeoutMs: 60_000 });
    if (result.exitCode !== 0) throw new ComposeError(`rm -rf ${removed.join(' ')} exited with code ${result.exitCode} in container ${id}: ${`${result.stdout}${result.stderr}`.trim().slice(-300)}`, { code: 'E_DOCKER_SYNC' });
  }
  const copies = changes.filter((c): c is Extract<FileSync, { kind: 'copy' }> => c.kind === 'copy');
  if (copies.length === 0) return;
  async function* entries(): AsyncGenerator<TarEntry> {
    for (const copy of copies) {
      const info = await stat(copy.source).catch(() => undefined);
      if (!info?.isFile()) continue; // gone since the batch was made: the next batch removes it
      yield { type: 'file', name: name(copy.target), mode: info.mode & 0o7777, mtime: Math.floor(info.mtimeMs / 1000), size: info.size, content: () => createReadStream(copy.source) as AsyncIterable<Buffer> };
    }
  }
  await client.json('PUT', `/containers/${encodeURIComponent(id)}/archive`, {
    query: { path: '/' },
    stream: Readable.from(tarStream(entries())),
    contentType: 'application/x-tar',
    signal,
  });
}
