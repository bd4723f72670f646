import { closeSync, fstatSync, mkdirSync, openSync, readSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SpecIssue } from './issues.js';
import { schemaIssues, validatorIdentity } from './schema-validator.js';

/**
 * A memo of the compose documents that passed the JSON Schema, kept in a file (the CLI keeps one
 * beside its compile cache): loading a document that passed before skips the schema check, whose
 * validator (259 KB of generated code, read with its code cache) and run made ~30 M of the
 * ~86 M instructions `ps` spends over `version` (issue 14). Only the schema check: the
 * normaliser's and the semantic rules run every time, and a document that fails is never
 * remembered, so an invalid file is reported, located, by every command.
 *
 * A document is remembered by a 128-bit hash of its JSON text (never the text: interpolated
 * values may be secrets), under the validator's identity (its file, size and modification time:
 * a rebuilt validator forgets every entry). The schema's verdict depends on the document's data
 * alone, so a document is looked up only when its JSON text tells that data exactly: plain
 * objects, arrays, strings, booleans, null and finite numbers (a TOML date, say, would print as
 * the string it is not); any other document is checked as usual. Nothing about the file ever
 * fails a load: missing, unreadable, another user's, or unwritable only means checking.
 */

/** Entries kept (the newest): one per document a user switches between. */
const MAX_ENTRIES = 32;
const HEADER = 'selur-compose schema memo 1';

/** True when `value` is JSON data that JSON.stringify prints exactly (see above). */
function isPlainData(value: unknown): boolean {
  if (value === null) return true;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value) && !Object.is(value, -0);
    case 'object': {
      if (Array.isArray(value)) {
        if (Object.getPrototypeOf(value) !== Array.prototype) return false;
        for (let i = 0; i < value.length; i++) if (!(i in value) || !isPlainData(value[i])) return false;
        return true;
      }
      const prototype = Object.getPrototypeOf(value) as unknown;
      if (prototype !== Object.prototype && prototype !== null) return false;
      for (const key of Object.keys(value)) if (!isPlainData((value as Record<string, unknown>)[key])) return false;
      return true;
    }
    default:
      return false;
  }
}

/**
 * cyrb128 (public domain): four 32-bit lanes over the UTF-16 code units, in hex. Not a
 * cryptographic hash (node:crypto costs ~28 M instructions to load): a document's author gains
 * nothing by a collision; an accidental one among 32 entries is ~2^-120.
 */
function hash128(text: string): string {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1, h2, h3, h4].map((h) => (h >>> 0).toString(16).padStart(8, '0')).join('');
}

/** The memo key of a document, or undefined when its JSON text does not tell its data exactly. */
function documentKey(document: unknown): string | undefined {
  if (!isPlainData(document)) return undefined;
  const text = JSON.stringify(document);
  return `${hash128(text)}-${text.length.toString(36)}`;
}

/** The memo's entries under `identity` (none when the file is missing, foreign or of another validator). */
function readMemo(file: string, identity: string): string[] {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const stat = fstatSync(fd);
    if (typeof process.getuid === 'function' && stat.uid !== process.getuid()) return []; // another user's: not trusted
    if (stat.size > 64 * 1024) return [];
    const buffer = Buffer.allocUnsafe(stat.size);
    let at = 0;
    while (at < buffer.length) {
      const n = readSync(fd, buffer, at, buffer.length - at, null);
      if (n === 0) break;
      at += n;
    }
    const lines = buffer.toString('utf8', 0, at).split('\n');
    if (lines[0] !== HEADER || lines[1] !== JSON.stringify(identity)) return [];
    return lines.slice(2).filter((line) => line !== '');
  } catch {
    return [];
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function writeMemo(file: string, identity: string, entries: readonly string[]): void {
  try {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, `${HEADER}\n${JSON.stringify(identity)}\n${entries.join('\n')}\n`, { mode: 0o600 });
    renameSync(temporary, file); // readers see the old file or the whole new one
  } catch {
    // unwritable: the next load checks again
  }
}

/**
 * {@link schemaIssues} of `document`, skipped (no issues) when `file` remembers that this very
 * document passed the same validator; a document that passes now is remembered there. Without
 * `file`, the plain check. `check` is the schema check (a test counts its calls).
 */
export function memoizedSchemaIssues(document: unknown, file: string | undefined, check: (document: unknown) => SpecIssue[] = schemaIssues): SpecIssue[] {
  if (file === undefined) return check(document);
  const key = documentKey(document);
  const identity = key === undefined ? undefined : validatorIdentity();
  if (key === undefined || identity === undefined) return check(document);
  const entries = readMemo(file, identity);
  if (entries.includes(key)) return [];
  const issues = check(document);
  if (issues.length === 0) writeMemo(file, identity, [...entries.filter((e) => e !== key), key].slice(-MAX_ENTRIES));
  return issues;
}
