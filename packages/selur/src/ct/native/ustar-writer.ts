import { BundleError } from '../../errors/bundle-error.js';

/** A member to write. */
export interface UstarFile {
  readonly name: string;
  readonly data: Uint8Array;
}

const BLOCK = 512;
const encoder = new TextEncoder();

/**
 * Writes a POSIX ustar archive exactly as the real `ct` does: regular files, mode `0000644`,
 * uid/gid `0000000`, owner `root`/`root`, 11-digit size and mtime, checksum as six octal digits,
 * NUL, space; devmajor/devminor `0000000`; data padded to 512 bytes; two zero blocks at the end.
 *
 * @param mtime seconds since the epoch, written on every member (ct writes the time of packing).
 */
export function writeUstar(files: readonly UstarFile[], mtime: number): Uint8Array {
  let total = 2 * BLOCK;
  for (const file of files) total += BLOCK + Math.ceil(file.data.length / BLOCK) * BLOCK;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const file of files) {
    out.set(header(file.name, file.data.length, mtime), offset);
    offset += BLOCK;
    out.set(file.data, offset);
    offset += Math.ceil(file.data.length / BLOCK) * BLOCK;
  }
  return out;
}

function header(name: string, size: number, mtime: number): Uint8Array {
  const h = new Uint8Array(BLOCK);
  const { prefix, base } = splitName(name);
  put(h, 0, base, 100);
  put(h, 100, '0000644\0', 8);
  put(h, 108, '0000000\0', 8);
  put(h, 116, '0000000\0', 8);
  put(h, 124, `${octal(size, 11)}\0`, 12);
  put(h, 136, `${octal(mtime, 11)}\0`, 12);
  put(h, 148, '        ', 8);
  put(h, 156, '0', 1);
  put(h, 257, 'ustar\0', 6);
  put(h, 263, '00', 2);
  put(h, 265, 'root', 32);
  put(h, 297, 'root', 32);
  put(h, 329, '0000000\0', 8);
  put(h, 337, '0000000\0', 8);
  put(h, 345, prefix, 155);
  let sum = 0;
  for (const byte of h) sum += byte;
  put(h, 148, `${octal(sum, 6)}\0 `, 8);
  return h;
}

function splitName(name: string): { prefix: string; base: string } {
  const bytes = encoder.encode(name).length;
  if (bytes <= 100) return { prefix: '', base: name };
  for (let cut = name.lastIndexOf('/'); cut > 0; cut = name.lastIndexOf('/', cut - 1)) {
    const prefix = name.slice(0, cut);
    const base = name.slice(cut + 1);
    if (encoder.encode(prefix).length <= 155 && encoder.encode(base).length <= 100 && base.length > 0) return { prefix, base };
  }
  throw new BundleError('name-too-long', `member name of ${bytes} bytes does not fit a ustar header`, { member: name });
}

function put(h: Uint8Array, start: number, value: string, width: number): void {
  const bytes = encoder.encode(value);
  if (bytes.length > width) throw new BundleError('name-too-long', `'${value}' does not fit a ${width}-byte header field`);
  h.set(bytes, start);
}

function octal(value: number, digits: number): string {
  const text = value.toString(8);
  if (text.length > digits) throw new BundleError('oversized', `${value} does not fit ${digits} octal digits`);
  return text.padStart(digits, '0');
}
