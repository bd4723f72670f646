import type { ParsedComposeFile } from './compose-file.js';
import { isRecord } from './issues.js';
import { parseVolumeMount } from './mount.js';
import { parsePorts } from './port.js';

/**
 * The Compose Specification's merge rules ("Merge and override"), for any format: what a later
 * compose file (an override) does to what the files before it declared.
 *
 * - mappings merge key by key; scalars and mismatched types are replaced;
 * - sequences are appended (an item equal to a scalar already there is not added twice), except:
 *   - `command` and `healthcheck.test` are replaced (shell commands are never appended);
 *   - `ports` are unique by host IP, published port, target and protocol; `volumes` by target;
 *     `secrets` by target (a short-form secret's target is its name): an override entry with the
 *     same identity replaces the earlier one in place, a new one is appended;
 *   - `environment`, `labels`, `build.args`, `driver_opts` are key/value sets: the `KEY=VALUE`
 *     list form and the table form merge by key (the result is a table when either side is one);
 *   - `depends_on` and a service's `networks` merge by name (list and table forms mix);
 *   - `build` given as a context string merges with the table form as `{ context }`;
 * - `x-*` extension values are replaced whole, as Docker Compose does (the selur `x-svalinn`
 *   table merges like any other table);
 * - `!reset` / `!override` (YAML tags) first clear the tagged field in what came before
 *   (`resets`); `!override`'s value then replaces it, `!reset` leaves it unset.
 *
 * Inputs are never changed; the result shares unchanged subtrees with them.
 *
 * @example
 * ```ts
 * mergeComposeDocuments(
 *   { services: { api: { ports: ['8080:80'], command: ['a'], environment: ['A=1'] } } },
 *   { services: { api: { ports: ['9090:80', '8080:80/tcp'], command: ['b'], environment: { B: '2' } } } },
 * );
 * // { services: { api: { ports: ['8080:80/tcp', '9090:80'], command: ['b'], environment: { A: '1', B: '2' } } } }
 * ```
 */
export function mergeComposeDocuments(
  base: Record<string, unknown>,
  override: Record<string, unknown>,
  resets: readonly (readonly string[])[] = [],
): Record<string, unknown> {
  let start = base;
  for (const path of resets) start = removePath(start, path, 0);
  return mergeMaps(start, override, []);
}

/**
 * Merges parsed compose files in order (the first is the base, each later one overrides what came
 * before) with {@link mergeComposeDocuments}. A YAML file's `version` is informative (Compose
 * Specification); when no file sets one and a YAML file is among them, the result is version 1.0.
 *
 * @example
 * ```ts
 * mergeComposeFiles([parsedBase, parsedOverride]).services;
 * ```
 */
export function mergeComposeFiles(files: readonly ParsedComposeFile[]): Record<string, unknown> {
  let document: Record<string, unknown> = {};
  files.forEach((f, i) => {
    document = i === 0 ? mergeComposeDocuments({}, f.document, []) : mergeComposeDocuments(document, f.document, f.resets);
  });
  if (document['version'] === undefined && files.some((f) => f.format === 'yaml')) document = { version: '1.0', ...document };
  return document;
}

function removePath(node: Record<string, unknown>, path: readonly string[], depth: number): Record<string, unknown> {
  const key = path[depth] as string;
  if (!Object.hasOwn(node, key)) return node;
  const out = { ...node };
  if (depth === path.length - 1) delete out[key];
  else if (isRecord(node[key])) out[key] = removePath(node[key], path, depth + 1);
  return out;
}

type Segments = readonly string[];

/** Top-level tables keyed by name: their keys are names (a service may be called `x-…`), not fields. */
const NAMED: ReadonlySet<string> = new Set(['services', 'volumes', 'networks', 'secrets']);

/** `services.*.<field>`: the field of a service, or undefined. */
const serviceField = (path: Segments): string | undefined => (path.length === 3 && path[0] === 'services' ? path[2] : undefined);

function isKeyValueSet(path: Segments): boolean {
  const field = serviceField(path);
  if (field === 'environment' || field === 'labels') return true;
  const last = path[path.length - 1];
  if (path.length === 4 && path[0] === 'services' && path[2] === 'build' && last === 'args') return true;
  return path.length === 3 && (path[0] === 'volumes' || path[0] === 'networks') && (last === 'labels' || last === 'driver_opts');
}

function mergeValue(base: unknown, override: unknown, path: Segments): unknown {
  const last = path[path.length - 1] as string;
  if (last.startsWith('x-') && !(path.length === 1 && last === 'x-svalinn') && !(path.length === 2 && NAMED.has(path[0] as string))) return override;
  const field = serviceField(path);
  if (field === 'command' || (path.length === 4 && path[0] === 'services' && path[2] === 'healthcheck' && last === 'test')) return override;
  if (isKeyValueSet(path)) return mergeKeyValues(base, override);
  if (field === 'depends_on') return mergeNamed(base, override, path, () => ({ condition: 'service_started' }));
  if (field === 'networks') return mergeNamed(base, override, path, () => ({}));
  if (field === 'build' && (isRecord(base) || isRecord(override)) && (typeof base === 'string' || typeof override === 'string')) {
    const asTable = (v: unknown) => (typeof v === 'string' ? { context: v } : v);
    return mergeValue(asTable(base), asTable(override), path);
  }
  if (Array.isArray(base) && Array.isArray(override)) {
    if (field === 'ports') return mergeUnique(base, override, portIdentity);
    if (field === 'volumes') return mergeUnique(base, override, volumeIdentity);
    if (field === 'secrets') return mergeUnique(base, override, secretIdentity);
    return [...base, ...override.filter((item) => typeof item === 'object' || !base.includes(item))];
  }
  if (isRecord(base) && isRecord(override)) return mergeMaps(base, override, path);
  return override;
}

function mergeMaps(base: Record<string, unknown>, override: Record<string, unknown>, path: Segments): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const key of Object.keys(override)) {
    const value = override[key];
    // own keys only: a key named like an Object.prototype member (`constructor`, `__proto__`) is data
    const merged = Object.hasOwn(base, key) ? mergeValue(base[key], value, [...path, key]) : value;
    Object.defineProperty(out, key, { value: merged, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** Entries of a key/value set given as a table or as `KEY=VALUE` strings (`KEY` alone has no value: null). */
function keyValueEntries(value: unknown[]): Array<[string, unknown]> {
  return value.map((item) => {
    const text = typeof item === 'string' ? item : String(item);
    const eq = text.indexOf('=');
    return eq < 0 ? [text, null] : [text.slice(0, eq), text.slice(eq + 1)];
  });
}

function mergeKeyValues(base: unknown, override: unknown): unknown {
  if (Array.isArray(base) && Array.isArray(override)) {
    // both lists: stay a list, unique by key, a later entry replacing an earlier one in place
    const keyOf = (item: unknown) => (typeof item === 'string' ? (item.split('=', 1)[0] ?? item) : JSON.stringify(item));
    return mergeUnique(base, override, keyOf);
  }
  const asTable = (v: unknown) => (Array.isArray(v) ? Object.fromEntries(keyValueEntries(v)) : v);
  const b = asTable(base);
  const o = asTable(override);
  return isRecord(b) && isRecord(o) ? { ...b, ...o } : o;
}

/** `depends_on` / `networks`: lists of names and tables keyed by name merge by name. */
function mergeNamed(base: unknown, override: unknown, path: Segments, entry: () => Record<string, unknown>): unknown {
  if (Array.isArray(base) && Array.isArray(override)) return [...base, ...override.filter((item) => !base.includes(item))];
  const asTable = (v: unknown) => (Array.isArray(v) ? Object.fromEntries(v.map((name) => [String(name), entry()])) : v);
  const b = asTable(base);
  const o = asTable(override);
  return isRecord(b) && isRecord(o) ? mergeMaps(b, o, path) : o;
}

function mergeUnique(base: readonly unknown[], override: readonly unknown[], identity: (item: unknown) => string): unknown[] {
  const out = [...base];
  const index = new Map<string, number>();
  out.forEach((item, i) => {
    const key = identity(item);
    if (!index.has(key)) index.set(key, i);
  });
  for (const item of override) {
    const key = identity(item);
    const at = index.get(key);
    if (at === undefined) {
      index.set(key, out.length);
      out.push(item);
    } else out[at] = item;
  }
  return out;
}

const raw = (item: unknown) => `raw:${JSON.stringify(item)}`;
const hasVariable = (item: unknown) => typeof item === 'string' && item.includes('$');

/** `{ip}:{published}:{target}/{protocol}`, as Docker Compose keys ports; the text itself for ranges, variables or invalid ports. */
function portIdentity(item: unknown): string {
  if (hasVariable(item)) return raw(item);
  try {
    const ports = parsePorts(item);
    if (ports.length !== 1) return raw(item);
    const p = ports[0] as (typeof ports)[number];
    return `${p.host_ip ?? ''}:${p.published ?? ''}:${p.target}/${p.protocol}`;
  } catch {
    return raw(item);
  }
}

function volumeIdentity(item: unknown): string {
  if (hasVariable(item)) return raw(item);
  try {
    return `target:${parseVolumeMount(item).target}`;
  } catch {
    return isRecord(item) && typeof item['target'] === 'string' ? `target:${item['target']}` : raw(item);
  }
}

function secretIdentity(item: unknown): string {
  if (typeof item === 'string') return `target:${item}`;
  if (isRecord(item)) {
    const target = item['target'] ?? item['source'];
    if (typeof target === 'string') return `target:${target}`;
  }
  return raw(item);
}
