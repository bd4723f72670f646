import type { ParsedComposeFile } from './compose-file.js';
import { isRecord } from './issues.js';
import { parseVolumeMount } from './mount.js';
import { parsePorts } from './port.js';

/**
 * The Compose Specification's merge rules ("Merge and override"), for any format: what a later
 * compose file (an override) does to what the files before it declared.
 *
 * - mappings merge key by key; scalars and mismatched types are replaced;
 * - sequences are appended (an item equal to a scalar already there is not added twice: `dns`,
 *   `dns_search`, `dns_opt`, `cap_add`, `cap_drop`, `group_add`, `expose`, `security_opt`, `tmpfs`, `profiles`…),
 *   except:
 *   - `command`, `entrypoint` and `healthcheck.test` are replaced (shell commands are never appended);
 *   - `ports` are unique by host IP, published port, target and protocol; `volumes` by target;
 *     `devices` by their path in the container; `secrets` by target (default `/run/secrets/<source>`)
 *     and `configs` by target (default `/<source>`); `env_file` by path; `ipam.config` by subnet:
 *     an override entry with the same identity replaces the earlier one in place, a new one is
 *     appended;
 *   - `environment`, `labels`, `annotations`, `sysctls`, `extra_hosts`, `build.args`,
 *     `build.labels`, `build.extra_hosts`, `build.additional_contexts`, `deploy.labels`,
 *     `driver_opts` are key/value sets: the `KEY=VALUE` list form
 *     (`HOST:IP` too for `extra_hosts`) and the table form merge by key (the result is a table when
 *     either side is one);
 *   - `depends_on` and a service's `networks` merge by name (list and table forms mix);
 *   - `build` given as a context string merges with the table form as `{ context }`;
 *   - `logging` is replaced whole when the two name different drivers, else merged;
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
const NAMED: ReadonlySet<string> = new Set(['services', 'volumes', 'networks', 'secrets', 'configs']);

/** `services.*.<field>`: the field of a service, or undefined. */
const serviceField = (path: Segments): string | undefined => (path.length === 3 && path[0] === 'services' ? path[2] : undefined);

/** Service fields whose list form is `KEY=VALUE` and whose table form is `{ KEY: VALUE }`. */
const SERVICE_KEY_VALUES: ReadonlySet<string> = new Set(['environment', 'labels', 'annotations', 'sysctls', 'extra_hosts']);

function isKeyValueSet(path: Segments): boolean {
  const field = serviceField(path);
  if (field !== undefined && SERVICE_KEY_VALUES.has(field)) return true;
  const last = path[path.length - 1];
  if (path.length === 4 && path[0] === 'services' && path[2] === 'build' && (last === 'args' || last === 'labels' || last === 'extra_hosts' || last === 'additional_contexts'))
    return true;
  if (path.length === 4 && path[0] === 'services' && path[2] === 'deploy' && last === 'labels') return true;
  if (path.length === 4 && path[0] === 'networks' && path[2] === 'ipam' && last === 'options') return true;
  return path.length === 3 && (path[0] === 'volumes' || path[0] === 'networks' || path[0] === 'secrets' || path[0] === 'configs') && (last === 'labels' || last === 'driver_opts');
}

/** The identity of a sequence's items when the sequence is unique by something other than the whole item. */
function identityOf(path: Segments): ((item: unknown) => string) | undefined {
  const field = serviceField(path);
  if (field === 'ports') return portIdentity;
  if (field === 'volumes') return volumeIdentity;
  if (field === 'devices') return deviceIdentity;
  if (field === 'secrets') return mountIdentity('/run/secrets');
  if (field === 'configs') return mountIdentity('');
  if (field === 'env_file') return envFileIdentity;
  if (path.length === 4 && path[0] === 'networks' && path[2] === 'ipam' && path[3] === 'config') return subnetIdentity;
  return undefined;
}

function mergeValue(base: unknown, override: unknown, path: Segments): unknown {
  const last = path[path.length - 1] as string;
  if (last.startsWith('x-') && !(path.length === 1 && last === 'x-svalinn') && !(path.length === 2 && NAMED.has(path[0] as string))) return override;
  const field = serviceField(path);
  if (field === 'command' || field === 'entrypoint' || (path.length === 4 && path[0] === 'services' && path[2] === 'healthcheck' && last === 'test')) return override;
  if (isKeyValueSet(path)) return mergeKeyValues(base, override, last === 'extra_hosts');
  if (field === 'logging' && isRecord(base) && isRecord(override) && base['driver'] !== undefined && override['driver'] !== undefined && base['driver'] !== override['driver'])
    return override;
  if (field === 'depends_on') return mergeNamed(base, override, path, () => ({ condition: 'service_started' }));
  if (field === 'networks') return mergeNamed(base, override, path, () => ({}));
  if (field === 'build' && (isRecord(base) || isRecord(override)) && (typeof base === 'string' || typeof override === 'string')) {
    const asTable = (v: unknown) => (typeof v === 'string' ? { context: v } : v);
    return mergeValue(asTable(base), asTable(override), path);
  }
  if (Array.isArray(base) && Array.isArray(override)) {
    const identity = identityOf(path);
    if (identity) return mergeUnique(base, override, identity);
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

/** Where a `KEY=VALUE` item splits (`HOST:IP` too when `colon`), or -1. */
function separatorOf(text: string, colon: boolean): number {
  const eq = text.indexOf('=');
  return eq >= 0 || !colon ? eq : text.indexOf(':');
}

/** Entries of a key/value set given as a table or as `KEY=VALUE` strings (`KEY` alone has no value: null). */
function keyValueEntries(value: unknown[], colon: boolean): Array<[string, unknown]> {
  return value.map((item) => {
    const text = typeof item === 'string' ? item : String(item);
    const at = separatorOf(text, colon);
    return at < 0 ? [text, null] : [text.slice(0, at), text.slice(at + 1)];
  });
}

function mergeKeyValues(base: unknown, override: unknown, colon = false): unknown {
  if (Array.isArray(base) && Array.isArray(override)) {
    // both lists: stay a list, unique by key, a later entry replacing an earlier one in place
    const keyOf = (item: unknown) => {
      if (typeof item !== 'string') return JSON.stringify(item);
      const at = separatorOf(item, colon);
      return at < 0 ? item : item.slice(0, at);
    };
    return mergeUnique(base, override, keyOf);
  }
  const asTable = (v: unknown) => (Array.isArray(v) ? Object.fromEntries(keyValueEntries(v, colon)) : v);
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

/** `secrets` and `configs`: by target; a relative target, or none, is under `defaultPath` (`/run/secrets/<source>`, `/<source>`). */
function mountIdentity(defaultPath: string): (item: unknown) => string {
  const under = (name: string) => (name.startsWith('/') ? name : `${defaultPath}/${name}`);
  return (item) => {
    if (typeof item === 'string') return `target:${under(item)}`;
    if (isRecord(item)) {
      const target = item['target'] ?? item['source'];
      if (typeof target === 'string') return `target:${under(target)}`;
    }
    return raw(item);
  };
}

/** `devices`: `HOST[:CONTAINER[:PERMISSIONS]]` by the path in the container (the host path when there is none), or a table's `target`. */
function deviceIdentity(item: unknown): string {
  if (hasVariable(item)) return raw(item);
  if (typeof item === 'string') {
    const parts = item.split(':');
    return `target:${parts.length > 1 ? parts[1] : parts[0]}`;
  }
  if (isRecord(item) && typeof item['target'] === 'string') return `target:${item['target']}`;
  return raw(item);
}

/** `env_file`: by path, whether written as a string or as `{ path, required }`. */
function envFileIdentity(item: unknown): string {
  if (typeof item === 'string') return `path:${item}`;
  if (isRecord(item) && typeof item['path'] === 'string') return `path:${item['path']}`;
  return raw(item);
}

/** `ipam.config`: by subnet. */
function subnetIdentity(item: unknown): string {
  return isRecord(item) && typeof item['subnet'] === 'string' ? `subnet:${item['subnet']}` : raw(item);
}

/**
 * Merges a service over the service it `extends` (Compose Specification, "Merging service
 * definitions"): the same rules as {@link mergeComposeDocuments} applied to one service, the
 * extending service winning. `resets` are the field paths (relative to the service) its file
 * marked `!reset` or `!override`: they are cleared from `base` first.
 *
 * @example
 * ```ts
 * extendService({ image: 'busybox', environment: { TZ: 'utc', PORT: '80' } }, { environment: { PORT: '8080' } });
 * // { image: 'busybox', environment: { TZ: 'utc', PORT: '8080' } }
 * ```
 */
export function extendService(base: unknown, service: Record<string, unknown>, resets: readonly (readonly string[])[] = []): Record<string, unknown> {
  const start = isRecord(base) ? base : {};
  const merged = mergeComposeDocuments(
    { services: { s: start } },
    { services: { s: service } },
    resets.map((r) => ['services', 's', ...r]),
  );
  return (merged['services'] as Record<string, Record<string, unknown>>)['s'] as Record<string, unknown>;
}
