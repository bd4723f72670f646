import { BundleError } from '../../errors/bundle-error.js';

/** One member read from a ustar archive. */
export interface UstarEntry {
  readonly name: string;
  readonly type: 'file' | 'directory';
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly size: number;
  readonly mtime: number;
  readonly uname: string;
  readonly gname: string;
  /** Offset of the header block. */
  readonly offset: number;
  readonly data: Uint8Array;
}

/** Limits the reader enforces (all in bytes or counts). */
export interface UstarLimits {
  readonly maxMembers: number;
  readonly maxMemberBytes: number;
}

const BLOCK = 512;
/** tar's default record (20 blocks): GNU tar and Python pad an archive with zero blocks up to it. */
const RECORD = 20 * BLOCK;
const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Strict POSIX ustar reader (there is no lenient mode): header checksums, octal fields, member
 * bounds, names (no absolute paths, no `..`), regular files (type `0`) and directories (type `5`)
 * only, two zero blocks at the end. Every byte that is not a member's content must be what ct (and
 * GNU tar, Python's tarfile) writes, so that no byte of the file can change unnoticed:
 * - the padding after each member's data, up to its 512-byte boundary, is zeros;
 * - after the two end blocks there are only zero blocks, and only up to the end of the 10240-byte
 *   tar record (`badsig.ctp` and `badman.ctp` are padded that way; ct itself pads nothing);
 * - in each header: the checksum is written as six octal digits, NUL, space; `linkname`, the
 *   12 bytes after `prefix`, and everything after the NUL of a text field are zeros; `devmajor` and
 *   `devminor` are zero; `mode` has only permission bits (no set-id, no sticky bit).
 * Throws {@link BundleError} for anything else.
 */
export function readUstar(bytes: Uint8Array, limits: UstarLimits, bundle?: string): UstarEntry[] {
  const fail = (reason: ConstructorParameters<typeof BundleError>[0], detail: string, offset: number, member?: string) =>
    new BundleError(reason, detail, { bundle, member, offset });
  if (bytes.length === 0) throw fail('truncated', 'empty file, not a tar archive', 0);
  const first = bytes.subarray(0, BLOCK);
  if (first.length === BLOCK && !isZero(first) && (text(first, 257, 6) !== 'ustar\0' || text(first, 263, 2) !== '00')) {
    throw fail('malformed-archive', 'not a POSIX ustar archive', 0);
  }
  if (bytes.length % BLOCK !== 0) throw fail('truncated', `size ${bytes.length} is not a multiple of 512 bytes`, bytes.length);
  const entries: UstarEntry[] = [];
  const seen = new Set<string>();
  let offset = 0;
  for (;;) {
    if (offset + BLOCK > bytes.length) throw fail('truncated', 'archive ends without the two zero end blocks', offset);
    const header = bytes.subarray(offset, offset + BLOCK);
    if (isZero(header)) {
      if (offset + 2 * BLOCK > bytes.length) throw fail('truncated', 'archive ends after one zero block (two expected)', offset);
      if (!isZero(bytes.subarray(offset + BLOCK, offset + 2 * BLOCK))) throw fail('malformed-archive', 'a zero block is followed by data', offset);
      const end = offset + 2 * BLOCK;
      if (!isZero(bytes.subarray(end))) throw fail('malformed-archive', 'data after the end-of-archive blocks', end);
      const recordEnd = Math.ceil(end / RECORD) * RECORD;
      if (bytes.length > recordEnd) throw fail('malformed-archive', `zero blocks after the end of the archive's last ${RECORD}-byte record`, recordEnd);
      return entries;
    }
    if (entries.length >= limits.maxMembers) throw fail('oversized', `more than ${limits.maxMembers} members`, offset);
    const entry = readHeader(header, offset, limits, fail);
    if (seen.has(entry.name)) throw fail('duplicate-member', 'member appears twice', offset, entry.name);
    seen.add(entry.name);
    const start = offset + BLOCK;
    const end = start + entry.size;
    if (end > bytes.length) throw fail('truncated', `member of ${entry.size} bytes runs past the end of the file`, offset, entry.name);
    const next = start + Math.ceil(entry.size / BLOCK) * BLOCK;
    if (!isZero(bytes.subarray(end, next))) throw fail('malformed-archive', 'non-zero padding after the member data', end, entry.name);
    entries.push({ ...entry, data: bytes.subarray(start, end) });
    offset = next;
  }
}

type Fail = (reason: ConstructorParameters<typeof BundleError>[0], detail: string, offset: number, member?: string) => BundleError;

function readHeader(h: Uint8Array, offset: number, limits: UstarLimits, fail: Fail): Omit<UstarEntry, 'data'> {
  const magic = text(h, 257, 6);
  const version = text(h, 263, 2);
  if (magic !== 'ustar\0' || version !== '00') throw fail('malformed-archive', 'not a POSIX ustar header (magic "ustar\\0" "00")', offset);
  if (!/^[0-7]{6}\0 $/.test(text(h, 148, 8))) throw fail('malformed-archive', 'header checksum is not written as six octal digits, NUL, space', offset);
  const stored = octal(h, 148, 8, 'checksum', offset, fail);
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const byte = i >= 148 && i < 156 ? 0x20 : (h[i] ?? 0);
    unsigned += byte;
    signed += byte > 127 ? byte - 256 : byte;
  }
  if (stored !== unsigned && stored !== signed) throw fail('bad-checksum', `header checksum ${stored} does not match ${unsigned}`, offset);
  const rawName = cstring(h, 0, 100, offset, fail);
  const prefix = cstring(h, 345, 155, offset, fail);
  const name = prefix ? `${prefix}/${rawName}` : rawName;
  const typeflag = String.fromCharCode(h[156] ?? 0);
  let type: 'file' | 'directory';
  if (typeflag === '0') type = 'file';
  else if (typeflag === '5') type = 'directory';
  else throw fail('unsupported-member', `member type '${typeflag === '\0' ? '\\0' : typeflag}' (only regular files '0' and directories '5')`, offset, name);
  checkName(name, type, offset, fail);
  if (!isZero(h.subarray(157, 257))) throw fail('malformed-archive', 'a link name on a member that is not a link', offset, name);
  if (!isZero(h.subarray(500, BLOCK))) throw fail('malformed-archive', 'non-zero bytes after the prefix field (header bytes 500-511)', offset, name);
  for (const [start, what] of [[329, 'devmajor'], [337, 'devminor']] as const) {
    if (!isZero(h.subarray(start, start + 8)) && octal(h, start, 8, what, offset, fail) !== 0) throw fail('malformed-archive', `header ${what} is not zero`, offset, name);
  }
  const mode = octal(h, 100, 8, 'mode', offset, fail);
  if (mode > 0o777) throw fail('malformed-archive', `mode ${mode.toString(8)} has bits other than permissions (set-id, sticky)`, offset, name);
  const size = octal(h, 124, 12, 'size', offset, fail);
  if (size > limits.maxMemberBytes) throw fail('oversized', `member of ${size} bytes exceeds the ${limits.maxMemberBytes}-byte limit`, offset, name);
  if (type === 'directory' && size !== 0) throw fail('malformed-archive', 'directory with a size', offset, name);
  return {
    name: type === 'directory' ? name.replace(/\/$/, '') : name,
    type,
    mode,
    uid: octal(h, 108, 8, 'uid', offset, fail),
    gid: octal(h, 116, 8, 'gid', offset, fail),
    size,
    mtime: octal(h, 136, 12, 'mtime', offset, fail),
    uname: cstring(h, 265, 32, offset, fail),
    gname: cstring(h, 297, 32, offset, fail),
    offset,
  };
}

function checkName(name: string, type: 'file' | 'directory', offset: number, fail: Fail): void {
  if (name.length === 0) throw fail('malformed-archive', 'member with an empty name', offset);
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) throw fail('path-traversal', 'absolute member name', offset, name);
  if (name.includes('\\')) throw fail('path-traversal', 'backslash in member name', offset, name);
  const parts = (type === 'directory' ? name.replace(/\/$/, '') : name).split('/');
  if (parts.some((part) => part === '..')) throw fail('path-traversal', "'..' in member name", offset, name);
  if (parts.some((part) => part === '' || part === '.')) throw fail('malformed-archive', 'empty or "." path segment in member name', offset, name);
}

function isZero(bytes: Uint8Array): boolean {
  for (const byte of bytes) if (byte !== 0) return false;
  return true;
}

function text(h: Uint8Array, start: number, length: number): string {
  return String.fromCharCode(...h.subarray(start, start + length));
}

/** A NUL-terminated (or full-width) UTF-8 field. */
function cstring(h: Uint8Array, start: number, length: number, offset: number, fail: Fail): string {
  const field = h.subarray(start, start + length);
  const end = field.indexOf(0);
  const body = end === -1 ? field : field.subarray(0, end);
  if (end !== -1 && !isZero(field.subarray(end))) throw fail('malformed-archive', `garbage after the NUL in a header field at byte ${start}`, offset);
  try {
    return decoder.decode(body);
  } catch {
    throw fail('malformed-archive', `header field at byte ${start} is not UTF-8`, offset);
  }
}

/** An octal field: optional leading spaces, octal digits, then NULs/spaces. Base-256 is refused. */
function octal(h: Uint8Array, start: number, length: number, what: string, offset: number, fail: Fail): number {
  const raw = text(h, start, length);
  const match = /^ *([0-7]+)[ \0]*$/.exec(raw);
  if (!match?.[1]) throw fail('malformed-archive', `header ${what} is not an octal number`, offset);
  const value = Number.parseInt(match[1], 8);
  if (!Number.isSafeInteger(value)) throw fail('malformed-archive', `header ${what} is out of range`, offset);
  return value;
}
