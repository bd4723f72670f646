import { InvalidArgumentError } from '../errors/invalid-argument-error.js';
import { show } from './show.js';
import type { DurationString } from './types.js';

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, us: 0.001, µs: 0.001, ns: 0.000001 };
const PART = /(\d+(?:\.\d+)?)(ms|us|µs|ns|h|m|s)/y;

/**
 * Parses a compose duration (`"30s"`, `"1m30s"`, `"500ms"`, `"2h"`, `"1.5s"`) to milliseconds.
 * Returns `undefined` for anything else (empty, negative, unknown unit, stray characters).
 *
 * @example
 * ```ts
 * tryParseDuration('1m30s'); // 90_000
 * tryParseDuration('soon');  // undefined
 * ```
 */
export function tryParseDuration(text: string): number | undefined {
  if (text.length === 0 || text.length > 64) return undefined;
  if (text === '0') return 0;
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < text.length) {
    const start = PART.lastIndex;
    const match = PART.exec(text);
    if (!match || match.index !== start) return undefined;
    total += Number(match[1]) * (UNIT_MS[match[2] as string] as number);
  }
  return Number.isFinite(total) ? Math.round(total) : undefined;
}

/**
 * Parses a compose duration to milliseconds; a number is taken as milliseconds already.
 *
 * @throws {@link InvalidArgumentError} naming the expected forms.
 * @example
 * ```ts
 * parseDuration('1m30s'); // 90_000
 * parseDuration(250);     // 250
 * ```
 */
export function parseDuration(input: string | number, field = 'duration'): number {
  if (typeof input === 'number') {
    if (Number.isFinite(input) && input >= 0) return Math.round(input);
  } else if (typeof input === 'string') {
    const ms = tryParseDuration(input);
    if (ms !== undefined) return ms;
  }
  throw new InvalidArgumentError(
    `${field}: expected a duration like "30s", "1m30s", "500ms" or "2h" (or milliseconds as a number), received ${show(input)}`,
    { field },
  );
}

/**
 * Formats milliseconds as the canonical compose duration: largest units first, zero parts left
 * out, `"0s"` for zero.
 *
 * @example
 * ```ts
 * formatDuration(90_000); // '1m30s'
 * formatDuration(1500);   // '1s500ms'
 * ```
 */
export function formatDuration(ms: number): DurationString {
  let rest = Math.max(0, Math.round(ms));
  if (rest === 0) return '0s';
  let out = '';
  for (const [unit, size] of [['h', 3_600_000], ['m', 60_000], ['s', 1000], ['ms', 1]] as const) {
    const count = Math.floor(rest / size);
    if (count > 0) {
      out += `${count}${unit}`;
      rest -= count * size;
    }
  }
  return out as DurationString;
}

/** Normalises a duration string or milliseconds to its canonical form. @throws {@link InvalidArgumentError} */
export function canonicalDuration(input: string | number, field?: string): DurationString {
  if (typeof input === 'string') {
    const known = canonical.get(input);
    if (known !== undefined) return known;
    const result = formatDuration(parseDuration(input, field));
    if (canonical.size < 1000) canonical.set(input, result);
    return result;
  }
  return formatDuration(parseDuration(input, field));
}

/** Memo of canonical forms: the same few durations repeat across services. */
const canonical = new Map<string, DurationString>();

/**
 * Milliseconds of a duration that may be absent or unreadable (canonical specs always hold
 * readable ones): a number is taken as milliseconds, a bare integer string as seconds (the form
 * Docker accepts), anything else unreadable gives `fallback`.
 *
 * @example
 * ```ts
 * durationOr('1m30s', 10_000); // 90_000
 * durationOr(undefined, 10_000); // 10_000
 * ```
 */
export function durationOr(value: string | number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : fallback;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  return tryParseDuration(text) ?? fallback;
}
