const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * @internal Milliseconds of a compose duration (`"1m30s"`, `"500ms"`, `"10s"`); a number is taken
 * as ms; `fallback` when absent or unreadable.
 */
export function durationMs(value: string | number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : fallback;
  const text = value.trim();
  if (text === '') return fallback;
  let total = 0;
  let matched = '';
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) {
    total += Number(m[1]) * (UNITS[m[2] as string] as number);
    matched += m[0];
  }
  if (matched !== text) return /^\d+$/.test(text) ? Number(text) * 1000 : fallback;
  return total;
}
