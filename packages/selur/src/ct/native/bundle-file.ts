import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { InvalidArgumentError } from '@selur/compose';
import { BundleError } from '../../errors/bundle-error.js';
import type { BundleLimits } from './bundle.js';
import type { UstarFile } from './ustar-writer.js';

/** Maps a file-system error to a `not-found` or `unreadable` {@link BundleError}. */
export function ioError(error: unknown, path: string, what = 'bundle'): BundleError {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  if (code === 'ENOENT' || code === 'ENOTDIR') return new BundleError('not-found', `${what} file not found`, { bundle: path, cause: error });
  return new BundleError('unreadable', `cannot read the ${what} (${typeof code === 'string' ? code : 'error'})`, { bundle: path, cause: error });
}

/** Reads a bundle file whole, refusing directories and files over the limit. */
export async function readBundleFile(path: string, limits: BundleLimits): Promise<Uint8Array> {
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new BundleError('unreadable', 'not a regular file', { bundle: path });
    if (info.size > limits.maxBundleBytes) throw new BundleError('oversized', `${info.size} bytes exceeds the ${limits.maxBundleBytes}-byte limit`, { bundle: path });
    return await readFile(path);
  } catch (error) {
    if (error instanceof BundleError) throw error;
    throw ioError(error, path);
  }
}

/** `sha256:` + hex SHA-256 of a whole file, streamed. */
export async function digestFile(path: string): Promise<string> {
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new BundleError('unreadable', 'not a regular file', { bundle: path });
    const hash = createHash('sha256');
    for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
    return `sha256:${hash.digest('hex')}`;
  } catch (error) {
    if (error instanceof BundleError) throw error;
    throw ioError(error, path);
  }
}

/** Every regular file under `dir` as `src/<relative path>`, sorted by name. Other file types are refused. */
export async function readSources(dir: string): Promise<UstarFile[]> {
  let entries;
  try {
    entries = await readdir(dir, { recursive: true, withFileTypes: true });
  } catch (error) {
    throw ioError(error, dir, 'sources folder');
  }
  const files: { name: string; path: string }[] = [];
  for (const entry of entries) {
    const path = join(entry.parentPath ?? entry.path, entry.name);
    if (entry.isDirectory()) continue;
    if (!entry.isFile()) throw new InvalidArgumentError(`sources: '${path}' is not a regular file (symlinks and devices are not packed)`, { field: 'sources' });
    files.push({ name: `src/${relative(dir, path).split(sep).join('/')}`, path });
  }
  files.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return Promise.all(files.map(async ({ name, path }) => ({ name, data: await readFile(path) })));
}
