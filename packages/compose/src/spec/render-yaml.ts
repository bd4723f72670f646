import { yamlLibrary } from './yaml-library.js';
import { projectToDocument } from './document.js';
import { isRecord } from './issues.js';
import type { ProjectSpec } from './types.js';

/** Values are already interpolated: a literal `$` is written `$$` so that loading the text gives it back. */
function escapeDollars(value: unknown): unknown {
  if (typeof value === 'string') return value.includes('$') ? value.replaceAll('$', '$$$$') : value;
  if (Array.isArray(value)) return value.map(escapeDollars);
  if (isRecord(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value))
      Object.defineProperty(out, k, { value: escapeDollars(v), enumerable: true, writable: true, configurable: true });
    return out;
  }
  return value;
}

/** Digits and colons (`1:30:00`, `80:80`): a YAML 1.1 reader (docker-compose 1.x) takes base-60 ones for integers, so all are quoted. */
const SEXAGESIMAL = /^[-+]?[0-9][0-9_]*(?::[0-9_]*)+(?:\.[0-9_]*)?$/;

/** A multi-line string with white space at the start or end of a line: a block scalar would not give it back exactly (` \n` came back as `\n`). */
const BLOCK_UNSAFE = /\n/;
const EDGE_SPACE = /(^|\n)[ \t]|[ \t](\n|$)/;

/**
 * Renders a canonical {@link ProjectSpec} as a compose.yaml: the same document as
 * {@link renderToml} writes (name, `x-*` extensions, services with short forms where they mean
 * the same, then volumes, networks and secrets), in block style. `version` is left out (the
 * Compose Specification makes it informative, and the YAML loader takes a file without one as
 * format 1.0). Strings that a YAML 1.1 reader would take for something else (`no`, `on`, `80:80`,
 * `1.0`) are quoted, so Docker Compose v1 and v2 read the text as this SDK does. Stable: the
 * same spec always renders the same text, and loading it gives the same spec back (a literal `$`
 * is written `$$`).
 *
 * @example
 * ```ts
 * renderYaml(project.toJSON()); // 'name: shop\nservices:\n  api:\n    image: …\n    ports:\n      - "8080:80"\n…'
 * ```
 */
export function renderYaml(spec: ProjectSpec): string {
  const { version: _version, ...document } = projectToDocument(spec);
  const doc = new (yamlLibrary().Document)(escapeDollars(document), { version: '1.1', aliasDuplicateObjects: false });
  yamlLibrary().visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value !== 'string') return;
      if (SEXAGESIMAL.test(node.value) || (BLOCK_UNSAFE.test(node.value) && EDGE_SPACE.test(node.value))) node.type = 'QUOTE_DOUBLE';
    },
    Pair(_key, pair) {
      if (yamlLibrary().isScalar(pair.key) && typeof pair.key.value === 'string' && SEXAGESIMAL.test(pair.key.value)) pair.key.type = 'QUOTE_DOUBLE';
    },
  });
  return doc.toString({ lineWidth: 0, indentSeq: true });
}
