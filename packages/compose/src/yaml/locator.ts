import type { Document, Node } from 'yaml';
import { yamlLibrary } from '../spec/yaml-library.js';
import { joinPath } from '../spec/issues.js';
import { offsetLocator, type Locator } from '../spec/locate.js';

/** The key of a pair as the document's plain object has it (`yaml` stringifies non-string keys). */
export function keyText(key: unknown): string {
  if (yamlLibrary().isScalar(key)) return String(key.value);
  if (key === null || key === undefined) return '';
  return String(key);
}

/** True for the merge key `<<` (with `merge: true`, `yaml` gives it a symbol value). */
export function isMergeKey(key: unknown): boolean {
  return yamlLibrary().isScalar(key) && (typeof key.value === 'symbol' || (key.value === '<<' && key.type === 'PLAIN'));
}

/**
 * Records where each map key and sequence item of a parsed YAML document starts, by field path,
 * like the TOML locator does, so validation issues get the same `file:line:column`. Aliases are
 * followed (a field that comes from an anchor points into the anchored node) and merge keys
 * `<<` are expanded (a field that comes from a merged map points where that map defines it; the
 * mapping's own keys win, then the merged maps in order, as YAML merges them). A sequence item
 * that is a string is also findable by its value (`depends_on: [db]` → `depends_on.db`).
 *
 * @example
 * ```ts
 * createYamlLocator(text, parseDocument(text)).locate('services.api.ports[1]'); // { line: 4, column: 9 }
 * ```
 */
export function createYamlLocator(text: string, doc: Document): Locator {
  const offsets = new Map<string, number>();
  const record = (path: string, at: number | undefined) => {
    if (at !== undefined && !offsets.has(path)) offsets.set(path, at);
  };
  const walk = (node: unknown, path: string, depth: number): void => {
    if (depth > 64) return;
    if (yamlLibrary().isAlias(node)) {
      const target = node.resolve(doc);
      if (target) walk(target, path, depth + 1);
      return;
    }
    if (yamlLibrary().isMap(node)) {
      const merges: unknown[] = [];
      for (const pair of node.items) {
        if (isMergeKey(pair.key)) {
          merges.push(pair.value);
          continue;
        }
        const at = joinPath(path, keyText(pair.key));
        record(at, (pair.key as Node | null)?.range?.[0] ?? (pair.value as Node | null)?.range?.[0]);
        walk(pair.value, at, depth + 1);
      }
      for (const merge of merges) {
        const sources = yamlLibrary().isSeq(merge) ? merge.items : [merge];
        for (const source of sources) walk(source, path, depth + 1);
      }
      return;
    }
    if (yamlLibrary().isSeq(node)) {
      node.items.forEach((item, index) => {
        const at = joinPath(path, index);
        const start = (item as Node | null)?.range?.[0];
        record(at, start);
        walk(item, at, depth + 1);
        if (yamlLibrary().isScalar(item) && typeof item.value === 'string' && item.value !== '') record(joinPath(path, item.value), start);
      });
    }
  };
  walk(doc.contents, '', 0);
  return offsetLocator(text, offsets);
}
