import { InvalidArgumentError } from '../errors/invalid-argument-error.js';
import { show } from './show.js';
import type { VolumeMountSpec } from './types.js';

/** True when a mount source is a host path (bind mount) rather than a volume name. */
export function isBindSource(source: string): boolean {
  return source.startsWith('./') || source.startsWith('../') || source.startsWith('/') || source.startsWith('~') || source === '.' || source === '..';
}

function fail(input: unknown, field: string, why: string): never {
  throw new InvalidArgumentError(
    `${field}: ${why}; expected "SOURCE:TARGET[:ro|rw]" (a ./path or /path for a bind mount, or a declared volume name) or { type, source, target, read_only }, received ${show(input)}`,
    { field },
  );
}

/**
 * Parses a mount to its canonical {@link VolumeMountSpec}: `"./data:/data:ro"`,
 * `"pgdata:/var/lib/postgresql/data"` or a long-form object.
 *
 * @throws {@link InvalidArgumentError} naming the field and the accepted forms.
 * @example
 * ```ts
 * parseVolumeMount('./data:/data:ro'); // { type: 'bind', source: './data', target: '/data', read_only: true }
 * ```
 */
const CONSISTENCY = new Set(['consistent', 'cached', 'delegated']);

function record(value: unknown, input: unknown, field: string, key: string, allowed: readonly string[]): Record<string, unknown> | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(input, field, `${key} must be a table`);
  for (const k of Object.keys(value)) if (!allowed.includes(k)) fail(input, field, `unknown key '${key}.${k}'`);
  return value as Record<string, unknown>;
}

function check(value: unknown, ok: boolean, input: unknown, field: string, why: string): void {
  if (value !== undefined && !ok) fail(input, field, why);
}

/** Parses the short form `SOURCE:TARGET[:OPTIONS]` (or an anonymous volume, `TARGET`). */
function parseShort(input: string, field: string): VolumeMountSpec {
  const parts = input.split(':');
  if (parts.length > 3) fail(input, field, 'expected at most three ":"-separated parts');
  if (parts.length === 1) {
    if (!input.startsWith('/')) fail(input, field, 'a single path is an anonymous volume and must be absolute');
    return { read_only: false, source: '', target: input, type: 'volume' };
  }
  const [source, target, options] = parts as [string, string, string | undefined];
  if (source.length === 0) fail(input, field, 'the source is empty');
  if (!target.startsWith('/')) fail(input, field, 'the target must be an absolute path inside the service');
  const type = isBindSource(source) ? 'bind' : 'volume';
  let readOnly = false;
  let selinux: 'z' | 'Z' | undefined;
  let nocopy: boolean | undefined;
  let consistency: string | undefined;
  for (const option of options === undefined ? [] : options.split(',')) {
    if (option === 'ro' || option === 'rw') readOnly = option === 'ro';
    else if ((option === 'z' || option === 'Z') && type === 'bind') selinux = option;
    else if (option === 'nocopy' && type === 'volume') nocopy = true;
    else if (CONSISTENCY.has(option)) consistency = option;
    else fail(input, field, `unknown option "${option}" (ro, rw${type === 'bind' ? ', z, Z' : ', nocopy'}, cached, delegated, consistent)`);
  }
  const spec: { -readonly [K in keyof VolumeMountSpec]: VolumeMountSpec[K] } = { read_only: readOnly, source, target, type };
  if (selinux !== undefined) spec.bind = { selinux };
  if (nocopy !== undefined) spec.volume = { nocopy };
  if (consistency !== undefined) spec.consistency = consistency;
  return sorted(spec);
}

function sorted(spec: VolumeMountSpec): VolumeMountSpec {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(spec).sort()) if (spec[key as keyof VolumeMountSpec] !== undefined) out[key] = spec[key as keyof VolumeMountSpec];
  return out as unknown as VolumeMountSpec;
}

function parseLong(o: Record<string, unknown>, input: unknown, field: string): VolumeMountSpec {
  for (const key of Object.keys(o))
    if (!['type', 'source', 'target', 'read_only', 'bind', 'volume', 'tmpfs', 'consistency'].includes(key)) fail(input, field, `unknown key '${key}'`);
  const { target } = o;
  const source = o['source'] ?? '';
  if (typeof target !== 'string' || !target.startsWith('/')) fail(input, field, 'target must be an absolute path');
  if (typeof source !== 'string') fail(input, field, 'source must be a string');
  const type = o['type'] ?? (source === '' ? 'volume' : isBindSource(source) ? 'bind' : 'volume');
  if (type !== 'bind' && type !== 'volume' && type !== 'tmpfs') fail(input, field, 'type must be "bind", "volume" or "tmpfs"');
  if (type === 'bind' && source === '') fail(input, field, 'a bind mount needs a source path');
  if (type === 'tmpfs' && source !== '') fail(input, field, 'a tmpfs mount has no source');
  const readOnly = o['read_only'] ?? false;
  if (typeof readOnly !== 'boolean') fail(input, field, 'read_only must be true or false');
  const bind = record(o['bind'], input, field, 'bind', ['create_host_path', 'propagation', 'selinux']);
  const volume = record(o['volume'], input, field, 'volume', ['nocopy', 'subpath']);
  const tmpfs = record(o['tmpfs'], input, field, 'tmpfs', ['size', 'mode']);
  if ((bind && type !== 'bind') || (volume && type !== 'volume') || (tmpfs && type !== 'tmpfs')) fail(input, field, `only the options of type "${type}" apply`);
  check(bind?.['create_host_path'], typeof bind?.['create_host_path'] === 'boolean', input, field, 'bind.create_host_path must be true or false');
  check(bind?.['propagation'], ['private', 'rprivate', 'shared', 'rshared', 'slave', 'rslave'].includes(String(bind?.['propagation'])), input, field, 'bind.propagation must be private, rprivate, shared, rshared, slave or rslave');
  check(bind?.['selinux'], bind?.['selinux'] === 'z' || bind?.['selinux'] === 'Z', input, field, 'bind.selinux must be "z" or "Z"');
  check(volume?.['nocopy'], typeof volume?.['nocopy'] === 'boolean', input, field, 'volume.nocopy must be true or false');
  check(volume?.['subpath'], typeof volume?.['subpath'] === 'string' && volume['subpath'] !== '', input, field, 'volume.subpath must be a path');
  const size = tmpfs?.['size'];
  let bytes: number | undefined;
  if (size !== undefined) {
    bytes = typeof size === 'number' ? size : typeof size === 'string' ? sizeInBytes(size) : undefined;
    if (bytes === undefined || !Number.isInteger(bytes) || bytes < 0) fail(input, field, 'tmpfs.size must be a number of bytes or a size like "64m"');
  }
  check(tmpfs?.['mode'], Number.isInteger(tmpfs?.['mode']) && (tmpfs?.['mode'] as number) >= 0 && (tmpfs?.['mode'] as number) <= 0o7777, input, field, 'tmpfs.mode must be a file mode like 0o1777');
  check(o['consistency'], CONSISTENCY.has(String(o['consistency'])), input, field, 'consistency must be consistent, cached or delegated');
  const compactTable = (t: Record<string, unknown> | undefined) => {
    if (t === undefined) return undefined;
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(t).sort()) if (t[key] !== undefined) out[key] = t[key];
    return Object.keys(out).length > 0 ? out : undefined;
  };
  return sorted({
    bind: compactTable(bind),
    consistency: o['consistency'] as string | undefined,
    read_only: readOnly,
    source,
    target,
    tmpfs: compactTable(tmpfs === undefined ? undefined : { ...tmpfs, size: bytes }),
    type,
    volume: compactTable(volume),
  } as VolumeMountSpec);
}

const UNITS: Readonly<Record<string, number>> = { '': 1, b: 1, k: 1024, kb: 1024, m: 1024 ** 2, mb: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3 };

/** `"64m"` → 67108864; undefined when it is not a size. */
export function sizeInBytes(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(text.trim());
  const unit = match ? UNITS[(match[2] as string).toLowerCase()] : undefined;
  return match && unit !== undefined ? Math.round(Number(match[1]) * unit) : undefined;
}

/**
 * Parses a mount to its canonical {@link VolumeMountSpec}: `"./data:/data:ro"`,
 * `"pgdata:/var/lib/postgresql/data:nocopy"`, `"/var/cache"` (an anonymous volume) or a long-form
 * object (`type` bind, volume or tmpfs, with their options).
 *
 * @throws {@link InvalidArgumentError} naming the field and the accepted forms.
 * @example
 * ```ts
 * parseVolumeMount('./data:/data:ro'); // { type: 'bind', source: './data', target: '/data', read_only: true }
 * ```
 */
export function parseVolumeMount(input: unknown, field = 'volume'): VolumeMountSpec {
  if (typeof input === 'string') return parseShort(input, field);
  if (typeof input === 'object' && input !== null && !Array.isArray(input)) return parseLong(input as Record<string, unknown>, input, field);
  fail(input, field, 'wrong type');
}

/**
 * Formats a mount in its short string form (`source:target[:ro]`).
 *
 * @example
 * ```ts
 * formatVolumeMount({ type: 'volume', source: 'db', target: '/data', read_only: false }); // 'db:/data'
 * ```
 */
export function formatVolumeMount(mount: VolumeMountSpec): string {
  return `${mount.source}:${mount.target}${mount.read_only ? ':ro' : ''}`;
}

/** True when the short string form parses back to the same mount (so it can be rendered short). */
export function hasShortForm(mount: VolumeMountSpec): boolean {
  if (mount.type === 'tmpfs' || mount.source === '' || mount.bind !== undefined || mount.volume !== undefined || mount.consistency !== undefined) return false;
  return !mount.source.includes(':') && !mount.target.includes(':') && (mount.type === 'bind') === isBindSource(mount.source);
}
