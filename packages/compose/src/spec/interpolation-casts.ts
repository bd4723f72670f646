/**
 * Compose interpolates every string before it reads the fields' types, so a boolean or an integer
 * field may be written as a variable: `read_only: ${READ_ONLY}` with `READ_ONLY=false`. The
 * interpolated string is then read as the field's type, as Docker Compose does (its list of typed
 * fields; only the ones the model has are here). A literal string (no `$`) is not cast: that
 * stays a type error, as it was.
 */

/** Paths (segments; `*` matches any one segment) of fields read as booleans. */
const BOOLEAN_PATHS: readonly (readonly string[])[] = [
  ['services', '*', 'read_only'],
  ['services', '*', 'init'],
  ['services', '*', 'privileged'],
  ['services', '*', 'stdin_open'],
  ['services', '*', 'tty'],
  ['services', '*', 'healthcheck', 'disable'],
  ['services', '*', 'volumes', '*', 'read_only'],
  ['services', '*', 'volumes', '*', 'volume', 'nocopy'],
  ['networks', '*', 'external'],
  ['networks', '*', 'internal'],
  ['networks', '*', 'attachable'],
  ['networks', '*', 'enable_ipv6'],
  ['volumes', '*', 'external'],
  ['secrets', '*', 'external'],
  ['configs', '*', 'external'],
];

/** Paths of fields read as integers. */
const INTEGER_PATHS: readonly (readonly string[])[] = [
  ['services', '*', 'healthcheck', 'retries'],
  ['services', '*', 'cpu_shares'],
  ['services', '*', 'scale'],
  ['services', '*', 'deploy', 'replicas'],
  ['services', '*', 'ports', '*', 'target'],
  ['services', '*', 'ports', '*', 'published'],
  ['services', '*', 'ulimits', '*'],
  ['services', '*', 'ulimits', '*', 'soft'],
  ['services', '*', 'ulimits', '*', 'hard'],
];

const TRUE = new Set(['true', 'yes', 'y', 'on']);
const FALSE = new Set(['false', 'no', 'n', 'off']);

function matches(patterns: readonly (readonly string[])[], path: readonly (string | number)[]): boolean {
  return patterns.some((p) => p.length === path.length && p.every((s, i) => s === '*' || s === String(path[i])));
}

/**
 * The value an interpolated string takes at `path`: a boolean or an integer where the field has
 * that type and the text reads as one (`true`/`false`, `yes`/`no`, `on`/`off`, any case; digits),
 * else the string itself (the normaliser then reports the type).
 *
 * @example
 * ```ts
 * castInterpolated(['services', 'web', 'read_only'], 'false'); // false
 * ```
 */
export function castInterpolated(path: readonly (string | number)[], text: string): unknown {
  if (path[0] !== 'services' && path.length !== 3) return text;
  const lower = text.trim().toLowerCase();
  if (matches(BOOLEAN_PATHS, path)) {
    if (TRUE.has(lower)) return true;
    if (FALSE.has(lower)) return false;
    return text;
  }
  if (/^-?\d+$/.test(lower) && matches(INTEGER_PATHS, path)) {
    const n = Number(lower);
    return Number.isSafeInteger(n) ? n : text;
  }
  return text;
}
