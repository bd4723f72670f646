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
export function parseVolumeMount(input: unknown, field = 'volume'): VolumeMountSpec {
  if (typeof input === 'string') {
    const parts = input.split(':');
    if (parts.length < 2 || parts.length > 3) fail(input, field, 'expected two or three ":"-separated parts');
    const [source, target, mode] = parts as [string, string, string | undefined];
    if (source.length === 0) fail(input, field, 'the source is empty');
    if (!target.startsWith('/')) fail(input, field, 'the target must be an absolute path inside the service');
    if (mode !== undefined && mode !== 'ro' && mode !== 'rw') fail(input, field, `mode must be "ro" or "rw", not "${mode}"`);
    return { read_only: mode === 'ro', source, target, type: isBindSource(source) ? 'bind' : 'volume' };
  }
  if (typeof input === 'object' && input !== null && !Array.isArray(input)) {
    const o = input as Record<string, unknown>;
    for (const key of Object.keys(o)) if (!['type', 'source', 'target', 'read_only'].includes(key)) fail(input, field, `unknown key '${key}'`);
    const { source, target } = o;
    if (typeof source !== 'string' || source.length === 0) fail(input, field, 'source must be a non-empty string');
    if (typeof target !== 'string' || !target.startsWith('/')) fail(input, field, 'target must be an absolute path');
    const type = o['type'] ?? (isBindSource(source) ? 'bind' : 'volume');
    if (type !== 'bind' && type !== 'volume') fail(input, field, 'type must be "bind" or "volume"');
    const readOnly = o['read_only'] ?? false;
    if (typeof readOnly !== 'boolean') fail(input, field, 'read_only must be true or false');
    return { read_only: readOnly, source, target, type };
  }
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
  return !mount.source.includes(':') && !mount.target.includes(':') && (mount.type === 'bind') === isBindSource(mount.source);
}
