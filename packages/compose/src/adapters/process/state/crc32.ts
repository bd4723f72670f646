import { createRequire } from 'node:module';

/**
 * CRC-32 (IEEE 802.3, zlib's `crc32`) of a string (as UTF-8) or bytes: the state file's seal.
 * Small inputs are summed here, with a table made at first use; larger ones by `node:zlib`,
 * required then. Importing `node:zlib` cost every process that loads the package (`ps`, the SDK's
 * import) a few milliseconds, for a state file of a few KiB that this sums in microseconds; a
 * state file of thousands of services keeps zlib's native speed.
 */
export function crc32(data: string | Uint8Array): number {
  const bytes = typeof data === 'string' ? (data.length <= SMALL ? Buffer.from(data, 'utf8') : undefined) : data;
  if (bytes === undefined || bytes.length > SMALL) return zlibCrc32(data);
  const table = (TABLE ??= makeTable());
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = (table[(crc ^ (bytes[i] as number)) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** Inputs up to this many bytes (characters, for a string) are summed in JavaScript. */
const SMALL = 16 * 1024;

let TABLE: Uint32Array | undefined;

function makeTable(): Uint32Array {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
}

function zlibCrc32(data: string | Uint8Array): number {
  return (createRequire(import.meta.url)('node:zlib') as typeof import('node:zlib')).crc32(data);
}
