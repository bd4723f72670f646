import { createRequire } from 'node:module';
import type * as SmolToml from 'smol-toml';
import { TomlSyntaxError } from '../errors/toml-syntax-error.js';
import type { ParsedComposeFile } from '../spec/compose-file.js';
import type { Locator } from '../spec/locate.js';
import { createLocator } from './locator.js';

let library: typeof SmolToml | undefined;

/**
 * smol-toml, required the first time a TOML text is parsed: `import('@selur/compose')` does not
 * pay for it (a program that builds its project in code never parses TOML). Synchronous,
 * because `parseProject` is; the CJS build gets import.meta.url from tsup's shims.
 */
function smolToml(): typeof SmolToml {
  library ??= createRequire(import.meta.url)('smol-toml') as typeof SmolToml;
  return library;
}

/** TOML tables nest at most this deep in the parser (the loader refuses deeper values earlier, as a located issue). */
const PARSER_MAX_DEPTH = 1000;

/**
 * smol-toml's tables have no prototype; the rest of the loader expects plain objects. Copies
 * tables into `{}` (a `__proto__` key stays an own data property), dates into plain `Date`s
 * whose ISO text is kept by {@link TomlDate}'s own `toISOString` for local dates and times.
 * Iterative: the depth is bounded by the parser.
 */
function plain(root: unknown): unknown {
  const { TomlDate } = smolToml();
  const convert = (value: unknown): unknown => {
    if (value instanceof TomlDate) return value;
    if (Array.isArray(value)) return value.slice();
    if (typeof value === 'object' && value !== null) return {};
    return value;
  };
  const out = convert(root);
  const work: Array<[unknown, unknown]> = [[root, out]];
  while (work.length > 0) {
    const [from, to] = work.pop() as [unknown, unknown];
    if (Array.isArray(from)) {
      const target = to as unknown[];
      for (let i = 0; i < from.length; i++) {
        const item = convert(from[i]);
        target[i] = item;
        if (item !== from[i] && typeof item === 'object' && item !== null) work.push([from[i], item]);
      }
    } else if (typeof from === 'object' && from !== null && !(from instanceof Date)) {
      const target = to as Record<string, unknown>;
      for (const key of Object.keys(from)) {
        const value = (from as Record<string, unknown>)[key];
        const item = convert(value);
        if (key === '__proto__') Object.defineProperty(target, key, { value: item, enumerable: true, writable: true, configurable: true });
        else target[key] = item;
        if (item !== value && typeof item === 'object' && item !== null) work.push([value, item]);
      }
    }
  }
  return out;
}

/**
 * Parses TOML text to a plain object with smol-toml (the only module that touches it). Keys
 * are data: `[services.constructor]` or `[services.__proto__]` are tables of that name, never
 * `Object.prototype`'s members.
 *
 * @throws {@link TomlSyntaxError} with file, 1-based line and column and the offending line.
 * @example
 * ```ts
 * parseToml('version = "1.0"', 'compose.toml'); // { version: '1.0' }
 * ```
 */
export function parseToml(text: string, file?: string): Record<string, unknown> {
  try {
    // a leading byte-order mark (common from Windows editors) is not TOML but is harmless
    return plain(smolToml().parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, { maxDepth: PARSER_MAX_DEPTH })) as Record<string, unknown>;
  } catch (error) {
    const e = error as { line?: unknown; column?: unknown; message?: unknown };
    const line = typeof e.line === 'number' ? e.line : undefined;
    const column = typeof e.column === 'number' ? e.column : undefined;
    const raw = typeof e.message === 'string' ? e.message : String(error);
    const reason = (raw.split('\n')[0] ?? raw).replace(/^Invalid TOML document: /, '').trim() || 'invalid TOML';
    const whole = line === undefined ? undefined : text.split(/\r?\n/)[line - 1];
    const sourceLine = whole !== undefined && whole.length > 200 ? `${whole.slice(0, 200)}…` : whole;
    throw new TomlSyntaxError(reason, { file, line, column, sourceLine, cause: error });
  }
}

/**
 * Parses the TOML text of a compose file into a {@link ParsedComposeFile} (no merge tags; the
 * locator is built on first use, only when there is something to locate).
 *
 * @throws {@link TomlSyntaxError}
 * @example
 * ```ts
 * parseTomlFile('version = "1.0"\n[services.api]\nimage = "a"\n', 'compose.toml').locate('services.api.image'); // { line: 3, column: 1 }
 * ```
 */
export function parseTomlFile(text: string, file?: string): ParsedComposeFile {
  const document = parseToml(text, file);
  let locator: Locator | undefined;
  return { file, format: 'toml', document, resets: [], locate: (path, exact) => (locator ??= createLocator(text)).locate(path, exact) };
}
