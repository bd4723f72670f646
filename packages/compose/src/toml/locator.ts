import { joinPath } from '../spec/issues.js';
import { offsetLocator, type Locator, type Position } from '../spec/locate.js';

export type { Locator, Position };

const BARE = /[A-Za-z0-9_-]/;

/**
 * Scans TOML text (already known to parse) and records where each table header, key, inline
 * table key and array item starts. Best effort: multi-line strings and exotic layouts fall back
 * to the enclosing field.
 *
 * @example
 * ```ts
 * createLocator('[services.api]\nports = ["80", "x"]\n').locate('services.api.ports[1]'); // { line: 2, column: 16 }
 * ```
 */
export function createLocator(text: string): Locator {
  const positions = new Map<string, number>();
  const arrayTables = new Map<string, number>();
  let i = 0;
  const n = text.length;

  const record = (path: string, at: number) => {
    if (!positions.has(path)) positions.set(path, at);
  };
  const skipSpace = (newlines: boolean) => {
    while (i < n) {
      const c = text[i];
      if (c === ' ' || c === '\t' || c === '\r' || (newlines && c === '\n')) i++;
      else if (c === '#') while (i < n && text[i] !== '\n') i++;
      else break;
    }
  };
  const skipString = () => {
    const quote = text[i] as string;
    const triple = text.startsWith(quote.repeat(3), i);
    if (triple) {
      const end = text.indexOf(quote.repeat(3), i + 3);
      i = end < 0 ? n : end + 3;
      while (text[i] === quote) i++;
      return;
    }
    i++;
    while (i < n && text[i] !== quote && text[i] !== '\n') i += quote === '"' && text[i] === '\\' ? 2 : 1;
    i++;
  };
  const readKey = (): string[] => {
    const keys: string[] = [];
    for (;;) {
      skipSpace(false);
      const c = text[i];
      if (c === '"' || c === "'") {
        const start = i;
        skipString();
        const rawKey = text.slice(start + 1, i - 1);
        keys.push(c === '"' ? rawKey.replace(/\\(.)/g, '$1') : rawKey);
      } else {
        const start = i;
        while (i < n && BARE.test(text[i] as string)) i++;
        if (i === start) return keys;
        keys.push(text.slice(start, i));
      }
      skipSpace(false);
      if (text[i] !== '.') return keys;
      i++;
    }
  };
  const pathOf = (base: string, keys: readonly string[]) => keys.reduce((p, k) => joinPath(p, k), base);
  const scanValue = (path: string, depth: number): void => {
    const c = text[i];
    if (depth > 50) return;
    if (c === '"' || c === "'") return skipString();
    if (c === '[') {
      i++;
      for (let index = 0; i < n; index++) {
        skipSpace(true);
        if (text[i] === ']' || i >= n) break;
        const before = i;
        record(joinPath(path, index), i);
        const quote = text[i];
        scanValue(joinPath(path, index), depth + 1);
        // a string item is also findable by its value: depends_on = ["db"] -> depends_on.db
        if ((quote === '"' || quote === "'") && i - before >= 2) {
          const value = text.slice(before + 1, i - 1);
          if (!value.includes('\\') && !value.includes(quote)) record(joinPath(path, value), before);
        }
        skipSpace(true);
        if (text[i] === ',') i++;
        if (i === before) break;
      }
      i++;
      return;
    }
    if (c === '{') {
      i++;
      while (i < n) {
        skipSpace(false);
        if (text[i] === '}' || text[i] === '\n') break;
        const before = i;
        const keyStart = i;
        const keys = readKey();
        const at = pathOf(path, keys);
        record(at, keyStart);
        skipSpace(false);
        if (text[i] === '=') i++;
        skipSpace(false);
        scanValue(at, depth + 1);
        skipSpace(false);
        if (text[i] === ',') i++;
        if (i === before) break;
      }
      i++;
      return;
    }
    while (i < n && !',]}\n#'.includes(text[i] as string)) i++;
  };

  let table = '';
  while (i < n) {
    skipSpace(true);
    if (i >= n) break;
    const start = i;
    if (text[i] === '[') {
      const double = text[i + 1] === '[';
      i += double ? 2 : 1;
      const header = pathOf('', readKey());
      if (double) {
        const index = arrayTables.get(header) ?? 0;
        arrayTables.set(header, index + 1);
        table = joinPath(header, index);
      } else table = header;
      record(table, start);
    } else {
      const keys = readKey();
      const at = pathOf(table, keys);
      record(at, start);
      skipSpace(false);
      if (text[i] === '=') {
        i++;
        skipSpace(false);
        scanValue(at, 0);
      }
    }
    while (i < n && text[i] !== '\n') i++;
    if (i === start) i++;
  }

  return offsetLocator(text, positions);
}
