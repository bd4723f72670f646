import type { Document, Node, ScalarTag, Tags, YAMLError } from 'yaml';
import { yamlLibrary } from '../spec/yaml-library.js';
import { ComposeValidationError } from '../errors/validation-error.js';
import { YamlSyntaxError } from '../errors/yaml-syntax-error.js';
import type { ParsedComposeFile } from '../spec/compose-file.js';
import { isRecord } from '../spec/issues.js';
import type { Locator } from '../spec/locate.js';
import { fastParseYaml } from './fast-parse.js';
import { createYamlLocator, isMergeKey, keyText } from './locator.js';

/** At most this many aliases are expanded in one file (a "billion laughs" file is refused, not expanded). */
const MAX_ALIASES = 10_000;

function positionOf(text: string, offset: number): { line: number; column: number; sourceLine: string } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  const end = text.indexOf('\n', lineStart);
  const sourceLine = text.slice(lineStart, end < 0 ? undefined : end).replace(/\r$/, '');
  return { line, column: offset - lineStart + 1, sourceLine };
}

function syntaxError(text: string, file: string | undefined, reason: string, offset: number | undefined, cause?: unknown): YamlSyntaxError {
  const at = offset === undefined ? undefined : positionOf(text, offset);
  return new YamlSyntaxError(reason, { file, line: at?.line, column: at?.column, sourceLine: at?.sourceLine, cause });
}

const fromYamlError = (text: string, file: string | undefined, error: YAMLError) =>
  syntaxError(text, file, error.code === 'MULTIPLE_DOCS' ? 'a compose file holds one YAML document; this one has several (---)' : error.message, error.pos[0], error);

/**
 * Handles the Compose merge tags in place: `!reset` removes the tagged value from this file and
 * records its path; `!override` records its path and keeps the value (untagged, a plain scalar
 * resolved again as the core schema would). Any other non-standard tag is refused.
 */
function takeMergeTags(doc: Document, text: string, file: string | undefined): string[][] {
  const resets: string[][] = [];
  const walk = (node: unknown, path: string[]): void => {
    if (yamlLibrary().isMap(node)) {
      for (let i = 0; i < node.items.length; i++) {
        const pair = node.items[i] as (typeof node.items)[number];
        if (isMergeKey(pair.key)) continue;
        const at = [...path, keyText(pair.key)];
        const tag = tagOf(pair.value);
        if (tag === '!reset' || tag === '!override') resets.push(at);
        if (tag === '!reset') {
          node.items.splice(i--, 1);
          continue;
        }
        if (tag === '!override') untag(pair.value as Node);
        walk(pair.value, at);
      }
    } else if (yamlLibrary().isSeq(node)) {
      for (let i = 0; i < node.items.length; i++) {
        const item = node.items[i];
        const tag = tagOf(item);
        if (tag === '!reset') node.items.splice(i--, 1);
        else {
          if (tag === '!override') untag(item as Node);
          walk(item, path);
        }
      }
    }
  };
  walk(doc.contents, []);
  // what is left: tags nobody defined (a compose file knows only !reset and !override)
  yamlLibrary().visit(doc, {
    Node(_key, node) {
      const tag = (node as { tag?: string }).tag;
      if (tag !== undefined && tag.startsWith('!') && !tag.startsWith('!!') && tag !== '!reset' && tag !== '!override') {
        const start = node.range?.[0];
        const at = start === undefined ? -1 : text.lastIndexOf(tag, start);
        throw syntaxError(text, file, `unknown tag ${tag} (compose files know !reset and !override)`, at >= 0 ? at : start);
      }
    },
  });
  return resets;
}

function tagOf(node: unknown): string | undefined {
  return node !== null && typeof node === 'object' && !yamlLibrary().isPair(node) ? (node as { tag?: string }).tag : undefined;
}

function untag(node: Node): void {
  node.tag = undefined;
  if (yamlLibrary().isScalar(node) && node.type === 'PLAIN' && typeof node.source === 'string') node.value = yamlLibrary().parse(node.source) as unknown;
}

/** Refuses an alias whose anchor is missing or encloses it (a cycle Docker Compose cannot expand either). */
function checkAliases(doc: Document, text: string, file: string | undefined): void {
  yamlLibrary().visit(doc, {
    Alias(_key, alias, path) {
      const target = alias.resolve(doc);
      if (!target) throw syntaxError(text, file, `alias *${alias.source} refers to no anchor before it`, alias.range?.[0]);
      if (path.includes(target)) throw syntaxError(text, file, `alias *${alias.source} refers to a node that contains it`, alias.range?.[0]);
    },
  });
}

const RESOURCE_TABLES = ['volumes', 'networks', 'secrets'] as const;

/**
 * Parses the YAML text of a compose file with the `yaml` package (YAML 1.2 core schema, as Docker
 * Compose's parser reads it: `no`, `on`, `80:80` stay strings): anchors, aliases and merge keys
 * `<<` (a map or a list of maps) resolved, `!reset` / `!override` taken as Compose merge tags,
 * `x-*` keys kept. As the Compose Specification says, `version` is informative: it is dropped (the
 * project is format 1.0) and `volumes:`, `networks:` and `secrets:` entries left empty mean `{}`.
 *
 * @throws {@link YamlSyntaxError} with file, 1-based line and column and the offending line;
 *   {@link ComposeValidationError} when the top level is not a mapping.
 * @example
 * ```ts
 * const parsed = parseYamlFile('services:\n  api:\n    image: nginx\n', 'compose.yaml');
 * parsed.document; // { services: { api: { image: 'nginx' } } }
 * parsed.locate('services.api.image'); // { line: 3, column: 5 }
 * ```
 */
export function parseYamlFile(text: string, file?: string): ParsedComposeFile {
  // a leading byte-order mark (common from Windows editors) is harmless
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const fast = fastParseYaml(source);
  if (fast !== undefined) {
    // the located Document is only built when a problem needs a line and column
    let locator: Locator | undefined;
    const locate = (path: string, exact?: boolean) => (locator ??= createYamlLocator(source, parseDocumentOf(source))).locate(path, exact);
    return finish(fast, file, [], locate);
  }
  const doc = parseDocumentOf(source);
  const first = doc.errors[0];
  if (first) throw fromYamlError(source, file, first);
  const resets = takeMergeTags(doc, source, file);
  checkAliases(doc, source, file);
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw syntaxError(source, file, /resource exhaustion/i.test(reason) ? `too many aliases to expand (${reason})` : reason, undefined, error);
  }
  let locator: Locator | undefined;
  const locate = (path: string, exact?: boolean) => (locator ??= createYamlLocator(source, doc)).locate(path, exact);
  if (value === null || value === undefined) value = {};
  if (!isRecord(value)) {
    const at = positionOf(source, (doc.contents as Node | null)?.range?.[0] ?? 0);
    const kind = Array.isArray(value) ? 'a list' : typeof value;
    throw new ComposeValidationError(
      [{ code: 'type', path: '(file)', message: `a compose file must be a mapping (services: …) at the top level, received ${kind}`, file, line: at.line, column: at.column }],
      { file },
    );
  }
  return finish(value, file, resets, locate);
}

/**
 * A plain integer with a leading zero (`0440`) is octal, as Docker Compose's parser (go-yaml v3)
 * reads it: Compose files write file modes that way. The YAML 1.2 core schema alone would read
 * `0440` as decimal 440 (mode 0o670). Only for reading: numbers are never written this way.
 */
const LEGACY_OCTAL: ScalarTag = {
  identify: () => false,
  default: true,
  tag: 'tag:yaml.org,2002:int',
  test: /^0[0-7]+$/,
  resolve: (text: string) => Number.parseInt(text, 8),
};

/** @internal The options every compose YAML text is parsed with (the fast path reads the same). */
export const COMPOSE_YAML_OPTIONS = {
  merge: true,
  prettyErrors: false,
  keepSourceTokens: false,
  uniqueKeys: true,
  customTags: (tags: Tags): Tags => [LEGACY_OCTAL, ...tags],
} as const;

function parseDocumentOf(source: string): Document {
  return yamlLibrary().parseDocument(source, COMPOSE_YAML_OPTIONS);
}

/** What every compose file gets: `version` dropped (informative), empty resource entries made `{}`. */
function finish(document: Record<string, unknown>, file: string | undefined, resets: string[][], locate: Locator['locate']): ParsedComposeFile {
  const version = document['version'];
  if (typeof version === 'string' || typeof version === 'number') delete document['version'];
  for (const table of RESOURCE_TABLES) {
    const entries = document[table];
    if (!isRecord(entries)) continue;
    for (const name of Object.keys(entries)) if (entries[name] === null) entries[name] = {};
  }
  return { file, format: 'yaml', document, resets, locate };
}
