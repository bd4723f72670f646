import { createReadStream } from 'node:fs';
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import path from 'node:path';
import { dockerignoreMatcher } from '@selur/compose';

/**
 * A small ustar writer (with PAX headers for long paths), enough to send a build context to the
 * engine. Entries stream: file contents are read as they are written, never all at once.
 */

/** One entry of an archive. */
export type TarEntry =
  | {
      readonly type: 'file';
      readonly name: string;
      readonly mode?: number;
      readonly mtime?: number;
      /** Owner ids recorded in the header (the engine applies them when it extracts). @default 0 */
      readonly uid?: number;
      readonly gid?: number;
      readonly size: number;
      readonly content: () => AsyncIterable<Buffer> | Iterable<Buffer>;
    }
  | { readonly type: 'directory'; readonly name: string; readonly mode?: number; readonly mtime?: number }
  | { readonly type: 'symlink'; readonly name: string; readonly target: string; readonly mtime?: number };

const BLOCK = 512;

function writeString(block: Buffer, offset: number, length: number, value: string): void {
  block.write(value, offset, Math.min(length, Buffer.byteLength(value)), 'utf8');
}

function writeOctal(block: Buffer, offset: number, length: number, value: number): void {
  const text = Math.floor(value).toString(8).padStart(length - 1, '0');
  block.write(`${text}\0`, offset, length, 'ascii');
}

/** Builds a 512-byte ustar header. @internal */
export function tarHeader(fields: { name: string; prefix?: string; mode: number; size: number; mtime: number; typeflag: string; linkname?: string; uid?: number | undefined; gid?: number | undefined }): Buffer {
  const block = Buffer.alloc(BLOCK);
  writeString(block, 0, 100, fields.name);
  writeOctal(block, 100, 8, fields.mode);
  writeOctal(block, 108, 8, fields.uid ?? 0);
  writeOctal(block, 116, 8, fields.gid ?? 0);
  writeOctal(block, 124, 12, fields.size);
  writeOctal(block, 136, 12, fields.mtime);
  block.fill(0x20, 148, 156);
  block.write(fields.typeflag, 156, 1, 'ascii');
  if (fields.linkname) writeString(block, 157, 100, fields.linkname);
  block.write('ustar\0', 257, 6, 'ascii');
  block.write('00', 263, 2, 'ascii');
  writeString(block, 265, 32, 'root');
  writeString(block, 297, 32, 'root');
  if (fields.prefix) writeString(block, 345, 155, fields.prefix);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'ascii');
  return block;
}

function padding(size: number): Buffer {
  const rest = size % BLOCK;
  return rest === 0 ? Buffer.alloc(0) : Buffer.alloc(BLOCK - rest);
}

/** PAX record `"<len> key=value\n"` where len counts the whole record. */
function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let length = Buffer.byteLength(body) + 1;
  while (String(length).length + Buffer.byteLength(body) !== length) length = String(length).length + Buffer.byteLength(body);
  return `${length}${body}`;
}

/** Splits a path into ustar name/prefix, or returns undefined when it needs a PAX header. */
function splitName(name: string): { name: string; prefix: string } | undefined {
  if (Buffer.byteLength(name) <= 100) return { name, prefix: '' };
  for (let i = name.indexOf('/'); i !== -1; i = name.indexOf('/', i + 1)) {
    const prefix = name.slice(0, i);
    const rest = name.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(rest) <= 100 && rest !== '') return { name: rest, prefix };
  }
  return undefined;
}

function* headerBlocks(fields: { name: string; mode: number; size: number; mtime: number; typeflag: string; linkname?: string; uid?: number | undefined; gid?: number | undefined }): Generator<Buffer> {
  const split = splitName(fields.name);
  const needsLinkPax = fields.linkname !== undefined && Buffer.byteLength(fields.linkname) > 100;
  if (split === undefined || needsLinkPax) {
    let records = '';
    if (split === undefined) records += paxRecord('path', fields.name);
    if (needsLinkPax && fields.linkname) records += paxRecord('linkpath', fields.linkname);
    const data = Buffer.from(records, 'utf8');
    yield tarHeader({ name: 'PaxHeader', mode: 0o644, size: data.length, mtime: fields.mtime, typeflag: 'x' });
    yield data;
    yield padding(data.length);
  }
  const short = split ?? { name: fields.name.slice(-100), prefix: '' };
  yield tarHeader({ ...fields, name: short.name, prefix: short.prefix, linkname: fields.linkname?.slice(0, 100) });
}

/** Writes entries as a tar stream (ending with the two zero blocks). */
export async function* tarStream(entries: AsyncIterable<TarEntry> | Iterable<TarEntry>): AsyncGenerator<Buffer> {
  for await (const entry of entries) {
    const mtime = entry.mtime ?? 0;
    if (entry.type === 'directory') {
      const name = entry.name.endsWith('/') ? entry.name : `${entry.name}/`;
      yield* headerBlocks({ name, mode: entry.mode ?? 0o755, size: 0, mtime, typeflag: '5' });
    } else if (entry.type === 'symlink') {
      yield* headerBlocks({ name: entry.name, mode: 0o777, size: 0, mtime, typeflag: '2', linkname: entry.target });
    } else {
      yield* headerBlocks({ name: entry.name, mode: entry.mode ?? 0o644, size: entry.size, mtime, typeflag: '0', uid: entry.uid, gid: entry.gid });
      let written = 0;
      for await (const chunk of entry.content()) {
        const room = entry.size - written;
        if (room <= 0) break;
        const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
        written += part.length;
        yield part;
      }
      if (written < entry.size) yield Buffer.alloc(entry.size - written);
      yield padding(entry.size);
    }
  }
  yield Buffer.alloc(BLOCK * 2);
}

/** Entries of a folder, recursively, sorted, honouring its `.dockerignore` (the Dockerfile is always kept). */
export async function* directoryEntries(root: string, options: { readonly keep?: readonly string[] } = {}): AsyncGenerator<TarEntry> {
  let ignore: (p: string) => boolean = () => false;
  try {
    ignore = dockerignoreMatcher(await readFile(path.join(root, '.dockerignore'), 'utf8'));
  } catch {
    // no .dockerignore
  }
  const keep = new Set(options.keep ?? []);
  async function* walk(relative: string): AsyncGenerator<TarEntry> {
    const names = (await readdir(path.join(root, relative))).sort();
    for (const name of names) {
      const rel = relative === '' ? name : `${relative}/${name}`;
      if (ignore(rel) && !keep.has(rel)) continue;
      const full = path.join(root, rel);
      const stat = await lstat(full);
      const mtime = Math.floor(stat.mtimeMs / 1000);
      if (stat.isSymbolicLink()) yield { type: 'symlink', name: rel, target: await readlink(full), mtime };
      else if (stat.isDirectory()) {
        yield { type: 'directory', name: rel, mode: stat.mode & 0o7777, mtime };
        yield* walk(rel);
      } else if (stat.isFile()) {
        yield { type: 'file', name: rel, mode: stat.mode & 0o7777, mtime, size: stat.size, content: () => createReadStream(full) as AsyncIterable<Buffer> };
      }
    }
  }
  yield* walk('');
}
