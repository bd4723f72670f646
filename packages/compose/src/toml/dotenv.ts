import { InvalidArgumentError } from '../errors/invalid-argument-error.js';
import { interpolate, type VariableLookup } from '../spec/interpolate.js';

/**
 * Options of {@link parseDotenv}.
 *
 * @example
 * ```ts
 * parseDotenv('URL=http://${HOST:-localhost}:8080\n', { lookup: (name) => process.env[name] });
 * ```
 */
export interface DotenvOptions {
  /**
   * Where `$VAR` / `${VAR}` references and bare `KEY` lines read a value. It is asked first; a
   * key assigned earlier in the same text is the fallback (as Docker Compose does). @default no variables
   */
  readonly lookup?: VariableLookup | undefined;
}

/** `KEY`, optionally after `export `, then `=` or the end of the assignment. */
const ASSIGNMENT = /^[ \t]*(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_.-]*)[ \t]*(=[ \t]*)?/;
/** What `\x` means inside double quotes; any other escaped character keeps its backslash. */
const ESCAPES: Readonly<Record<string, string>> = { n: '\n', r: '\r', t: '\t', v: '\v', f: '\f', b: '\b', a: '\x07', '\\': '\\', '"': '"', $: '$$' };

/**
 * Parses the text of a `.env` file as Docker Compose reads it: the one parser behind a project's
 * `.env`, a service's `env_file` and the CLI's `--env-file`.
 *
 * - `KEY=value` and `export KEY=value`; spaces around `=` are fine; blank lines and lines starting
 *   with `#` are skipped, and so is any other line that is not an assignment.
 * - Unquoted: the rest of the line, trailing spaces trimmed; ` #` (whitespace, then `#`) starts a
 *   comment. `$VAR`, `${VAR}`, `${VAR:-default}`… are interpolated, `$$` is a literal `$`.
 * - `'single quoted'`: literal, no escapes (except `\'`) and no interpolation.
 * - `"double quoted"`: escapes `\n`, `\r`, `\t`, `\\`, `\"`, `\$` (and `\v` `\f` `\b` `\a`), then
 *   interpolation. Either quote may span lines; anything after the closing quote is ignored.
 * - A bare `KEY` (no `=`) takes its value from `options.lookup`, and is left out when that has none.
 * - Later assignments of a key win. A leading byte-order mark and `\r\n` line ends are accepted.
 *
 * @throws {@link InvalidArgumentError} naming the line, for a quoted value that is never closed or an
 * interpolation that fails (`${VAR:?message}` with VAR unset, an unterminated `${`).
 * @example
 * ```ts
 * parseDotenv('# db\nexport DB_HOST=db\nGREETING="hello\\tworld"\nRAW=\'$HOME\'\n');
 * // { DB_HOST: 'db', GREETING: 'hello\tworld', RAW: '$HOME' }
 * ```
 */
export function parseDotenv(text: string, options: DotenvOptions = {}): Record<string, string> {
  const src = text.replace(/^\uFEFF/, '').replace(/\r\n/g, '\n');
  const values = new Map<string, string>();
  const lookup: VariableLookup = (name) => options.lookup?.(name) ?? values.get(name);
  let pos = 0;
  let line = 1;
  while (pos < src.length) {
    const eol = endOfLine(src, pos);
    const at = line;
    const match = ASSIGNMENT.exec(src.slice(pos, eol));
    if (!match) {
      [pos, line] = [eol + 1, line + 1];
      continue;
    }
    const [head, key, equals] = match as unknown as [string, string, string | undefined];
    const start = pos + head.length;
    if (equals === undefined) {
      // `KEY` alone is inherited; `some words` is not an assignment.
      if (/^[ \t]*(#.*)?$/.test(src.slice(start, eol))) {
        const inherited = options.lookup?.(key);
        if (inherited !== undefined) values.set(key, inherited);
      }
      [pos, line] = [eol + 1, line + 1];
      continue;
    }
    const quote = src[start];
    let value: string;
    let end: number;
    if (quote === '"' || quote === "'") {
      const quoted = scanQuoted(src, start, quote);
      if (!quoted) throw new InvalidArgumentError(`line ${at}: the value of ${key} opens a ${quote === '"' ? 'double' : 'single'} quote that is never closed`, { field: key });
      line += quoted.newlines;
      end = endOfLine(src, quoted.end);
      value = quote === "'" ? quoted.raw : expand(unescape(quoted.raw), lookup, key, at);
    } else {
      end = eol;
      value = expand(src.slice(start, eol).replace(/[ \t]#.*$/, '').trimEnd(), lookup, key, at);
    }
    values.set(key, value);
    [pos, line] = [end + 1, line + 1];
  }
  return Object.fromEntries(values);
}

function endOfLine(text: string, from: number): number {
  const eol = text.indexOf('\n', from);
  return eol < 0 ? text.length : eol;
}

/** The text between the quote at `open` and its closing quote (an escaped quote loses its backslash). */
function scanQuoted(src: string, open: number, quote: string): { raw: string; end: number; newlines: number } | undefined {
  let raw = '';
  let newlines = 0;
  for (let i = open + 1; i < src.length; i++) {
    const c = src[i]!;
    if (c === '\n') newlines++;
    if (c === quote) return { raw, end: i + 1, newlines };
    if (c === '\\' && i + 1 < src.length) {
      const next = src[++i]!;
      if (next === '\n') newlines++;
      raw += next === quote ? next : `\\${next}`;
    } else raw += c;
  }
  return undefined;
}

/** Double-quote escapes; `\$` becomes `$$` so that interpolation leaves a literal `$`. */
function unescape(raw: string): string {
  return raw.replace(/\\(.)/gs, (whole, c: string) => ESCAPES[c] ?? whole);
}

function expand(value: string, lookup: VariableLookup, key: string, line: number): string {
  try {
    return interpolate(value, lookup, key);
  } catch (error) {
    throw new InvalidArgumentError(`line ${line}: ${(error as Error).message}`, { field: key, cause: error });
  }
}
