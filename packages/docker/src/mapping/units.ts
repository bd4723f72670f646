import { InvalidArgumentError } from '@selur/compose';

const DURATION_UNITS: Readonly<Record<string, number>> = { ns: 1e-6, us: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `"1m30s"`, `"500ms"`, `"2h"`, `"1.5s"` → milliseconds. @internal */
export function durationMs(value: string, field = 'duration'): number {
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  const re = /(\d+(?:\.\d+)?)(ns|us|ms|s|m|h)/gy;
  let total = 0;
  let consumed = 0;
  for (let match = re.exec(text); match; match = re.exec(text)) {
    total += Number(match[1]) * (DURATION_UNITS[match[2] ?? 's'] ?? 1000);
    consumed = re.lastIndex;
  }
  if (consumed !== text.length || text === '') throw new InvalidArgumentError(`${field}: '${value}' is not a duration (e.g. "30s", "1m30s", "500ms")`, { field });
  return total;
}

/** Milliseconds → the nanoseconds Docker wants (integer). @internal */
export function msToNs(ms: number): number {
  return Math.round(ms * 1e6);
}

const MEMORY_UNITS: Readonly<Record<string, number>> = { b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

/** `"512m"`, `"1g"`, `"1GiB"`, `"64MB"`, `"1048576"` → bytes. @internal */
export function memoryBytes(value: string, field = 'memory'): number {
  const match = /^(\d+(?:\.\d+)?)\s*([bkmgt])?(?:i?b)?$/i.exec(value.trim());
  if (!match) throw new InvalidArgumentError(`${field}: '${value}' is not a memory size (e.g. "512m", "1g")`, { field });
  return Math.round(Number(match[1]) * (MEMORY_UNITS[(match[2] ?? 'b').toLowerCase()] ?? 1));
}
