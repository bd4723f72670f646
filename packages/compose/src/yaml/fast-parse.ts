import { createRequire } from 'node:module';
import type * as JsYaml from 'js-yaml';
import { isRecord } from '../spec/issues.js';

let library: typeof JsYaml | undefined;
let schema: JsYaml.Schema | undefined;

/**
 * `js-yaml`, loaded the first time a YAML file is read (synchronously: `parseProject` is), unless
 * {@link preloadJsYaml} loaded it already.
 */
function jsYaml(): typeof JsYaml {
  // The CJS build gets import.meta.url from tsup's shims.
  library ??= createRequire(import.meta.url)('js-yaml') as typeof JsYaml;
  return library;
}

/**
 * Loads `js-yaml` ahead of a parse, as an ES module: its `import` entry is one bundled file, where
 * `require` reads its ~25 CommonJS files one by one (2 to 4 times the time of a CLI's load). The
 * same release and API; a failure is left to the synchronous load. @internal
 */
export async function preloadJsYaml(): Promise<void> {
  if (library !== undefined) return;
  try {
    library = await import('js-yaml');
  } catch {
    // jsYaml() requires it when a parse needs it
  }
}

/** What an integer or a float starts with (most plain scalars do not: one cheap test first). */
const NUMERIC_START = /^[-+.0-9]/;
/** `yaml`'s core-schema integers: decimal, `0o` octal, `0x` hexadecimal. */
const INT = /^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$/;
/** `yaml`'s core-schema floats: infinities and NaN, exponent form, decimal form. */
const FLOAT = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+|[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*))$/;

/**
 * The YAML 1.2 core schema exactly as the `yaml` package resolves plain scalars (its regular
 * expressions and conversions for null, booleans, integers and floats): js-yaml's own core
 * schema also reads `0b1010`, `1_000`, `-0x1F` as numbers, and `-.5` as a string, where `yaml`
 * does not.
 */
function coreSchema(): JsYaml.Schema {
  if (schema) return schema;
  const y = jsYaml();
  const int = new y.Type('tag:yaml.org,2002:int', {
    kind: 'scalar',
    resolve: (s: string | null) => s !== null && NUMERIC_START.test(s) && INT.test(s),
    // `0440` is octal, as Docker Compose reads it (see COMPOSE_YAML_OPTIONS in parse.ts)
    construct: (s: string) =>
      s.startsWith('0o') ? parseInt(s.slice(2), 8) : s.startsWith('0x') ? parseInt(s.slice(2), 16) : /^0[0-7]+$/.test(s) ? parseInt(s, 8) : parseInt(s, 10),
  });
  const float = new y.Type('tag:yaml.org,2002:float', {
    kind: 'scalar',
    resolve: (s: string | null) => s !== null && NUMERIC_START.test(s) && FLOAT.test(s),
    construct: (s: string) => {
      if (/nan$/i.test(s)) return Number.NaN;
      if (/inf$/i.test(s)) return s.startsWith('-') ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
      return parseFloat(s);
    },
  });
  const nil = new y.Type('tag:yaml.org,2002:null', {
    kind: 'scalar',
    resolve: (s: string | null) => s === null || s === '' || (s.length <= 4 && /^(?:~|[Nn]ull|NULL)$/.test(s)),
    construct: () => null,
  });
  const bool = new y.Type('tag:yaml.org,2002:bool', {
    kind: 'scalar',
    resolve: (s: string | null) => s !== null && (s.length === 4 || s.length === 5) && /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/.test(s),
    construct: (s: string) => s[0] === 't' || s[0] === 'T',
  });
  schema = y.FAILSAFE_SCHEMA.extend({ implicit: [nil, bool, int, float] });
  return schema;
}

/**
 * What the fast path leaves to the `yaml` package, found conservatively in the text (a false
 * alarm only costs speed): tags `!`, anchors `&` and aliases `*` where a node can start, merge
 * keys `<<`, explicit keys `?`, directives `%`, document markers `---` / `...`, a collection used
 * as a key (`]:`, `}:`, `{ [a] }`: a collection after `{` or `,`), a comment glued to a quote or bracket (`"a"#`: an error for `yaml` only).
 */
const NEEDS_FULL_PARSER = /(?:^|[\s[{,])[!&*]|(?:^|[\s[{,])\?(?:[ \t]|$)|<<|^%|^(?:---|\.\.\.)(?:[ \t]|$)|[\]}][ \t]*:(?:[ \t]|$)|["'\]}]#|[{,][ \t]*[[{]/m;

/** A lone carriage return (not a CRLF line break) or a tab: the two parsers treat them differently in places. */
const LONE_CR_OR_TAB = /\r(?!\n)|\t/;

/**
 * True when every line closes the flow collections (`[…]`, `{…}`) and quoted scalars it opens,
 * counted both plainly and outside quotes and comments. Flow collections and quoted scalars
 * that span lines are left to the `yaml` package: its indentation rules for them are stricter
 * than js-yaml's (`command: [\nsh]` under a key is an error there, not in js-yaml).
 */
function linesAreSelfContained(text: string): boolean {
  // only lines holding a bracket or a quote can open anything
  const candidates = /^[^\n"'[\]{}]*["'[\]{}][^\n]*/gm;
  for (let match = candidates.exec(text); match !== null; match = candidates.exec(text)) if (!lineIsSelfContained(match[0])) return false;
  return true;
}

function lineIsSelfContained(line: string): boolean {
  let raw = 0;
  let depth = 0;
  let quote = 0; // 0, or the char code of the open quote
  let prev = 10; // the previous significant char code (10: line start)
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 91 || c === 123) raw++;
    else if (c === 93 || c === 125) raw--;
    if (quote !== 0) {
      if (quote === 34 && c === 92) {
        if (i + 1 < line.length && line.charCodeAt(i + 1) !== 13) i++; // \x inside "…" (an escaped line break still ends the line)
      } else if (c === quote) {
        if (quote === 39 && line.charCodeAt(i + 1) === 39) i++; // '' inside '…'
        else quote = 0;
      }
      continue;
    }
    if (c === 32 || c === 9 || c === 13) continue;
    if (c === 35 && (prev === 10 || line.charCodeAt(i - 1) === 32)) {
      // a comment: its brackets count plainly only
      for (let j = i + 1; j < line.length; j++) {
        const d = line.charCodeAt(j);
        if (d === 91 || d === 123) raw++;
        else if (d === 93 || d === 125) raw--;
      }
      break;
    }
    if ((c === 34 || c === 39) && (prev === 10 || prev === 91 || prev === 123 || prev === 44 || prev === 58 || prev === 45 || prev === 63)) quote = c;
    else if (c === 91 || c === 123) depth++;
    else if (c === 93 || c === 125) depth--;
    prev = c;
  }
  return raw === 0 && depth === 0 && quote === 0;
}

/**
 * True when every dedent of the block structure returns to an indentation that an enclosing
 * line opened (the content after `- ` opens one too). js-yaml lets some badly indented sequence
 * entries through that `yaml` refuses; such a text is left to `yaml`. Blank and comment lines do
 * not count; the lines of block scalars and plain scalars that continue on more indented lines
 * only ever open deeper levels.
 */
function indentationIsConsistent(text: string): boolean {
  const levels = [0];
  let last = 0;
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    let i = start;
    while (i < end && text.charCodeAt(i) === 32) i++;
    const first = text.charCodeAt(i);
    if (i < end && first !== 35 && first !== 13) {
      const indent = i - start;
      if (indent < last) {
        while ((levels[levels.length - 1] as number) > indent) levels.pop();
        if (levels[levels.length - 1] !== indent) return false;
      } else if (indent > (levels[levels.length - 1] as number)) levels.push(indent);
      last = indent;
      // `- `, `- - `: each entry's content opens the level it starts at
      while (text.charCodeAt(i) === 45 && (text.charCodeAt(i + 1) === 32 || i + 1 === end)) {
        i++;
        while (i < end && text.charCodeAt(i) === 32) i++;
        if (i < end && text.charCodeAt(i) !== 35) levels.push(i - start);
      }
    }
    start = end + 1;
  }
  return true;
}

/** Longest implicit key the `yaml` package accepts (YAML 1.2: 1024 characters). */
const MAX_KEY = 1024;

/**
 * False when a key reads differently in the two parsers (a plain null key, `~:` or `{: x}`, is
 * `""` for `yaml` and `"null"` for js-yaml; a collection key is stringified differently) or is
 * too long for `yaml`.
 */
function keysAgree(value: unknown): boolean {
  if (Array.isArray(value)) {
    for (const item of value) if (typeof item === 'object' && item !== null && !keysAgree(item)) return false;
    return true;
  }
  if (isRecord(value)) {
    for (const key in value) {
      if (key === 'null' || key === '' || key.length > MAX_KEY || key.includes('[object Object]')) return false;
      const item = value[key];
      if (typeof item === 'object' && item !== null && !keysAgree(item)) return false;
    }
  }
  return true;
}

/**
 * Parses a compose file's YAML quickly with js-yaml when the text uses none of what only the
 * `yaml` package handles the way a compose file needs (tags, anchors, aliases, merge keys,
 * explicit or collection keys, directives, several documents, flow collections or quoted
 * scalars over several lines, tabs, lone carriage returns, dedents to no enclosing level): the
 * same plain object the `yaml`
 * package gives, without building its located Document. Undefined when the text needs the full
 * parser, or js-yaml finds any problem (duplicate keys, bad syntax…): the caller then parses with
 * `yaml`, which gives the located error, so errors are exactly the same either way.
 *
 * @example
 * ```ts
 * fastParseYaml('services:\n  api:\n    image: nginx\n'); // { services: { api: { image: 'nginx' } } }
 * fastParseYaml('x: &a 1\ny: *a\n'); // undefined (anchors: the full parser)
 * ```
 */
export function fastParseYaml(text: string): Record<string, unknown> | undefined {
  if (NEEDS_FULL_PARSER.test(text) || LONE_CR_OR_TAB.test(text) || !linesAreSelfContained(text) || !indentationIsConsistent(text)) return undefined;
  let value: unknown;
  try {
    value = jsYaml().load(text, { schema: coreSchema() });
  } catch {
    return undefined;
  }
  if (value === null || value === undefined) return {};
  if (!isRecord(value) || !keysAgree(value)) return undefined;
  return value;
}
