import { InvalidArgumentError, parseDuration } from '@selur/compose';

/** A compose duration (`"1m30s"`) → the nanoseconds Swarm wants. @internal */
export function durationNs(value: string | undefined, field: string): number | undefined {
  if (value === undefined) return undefined;
  return Math.round(parseDuration(value, field) * 1e6);
}

const MEMORY_UNITS: Readonly<Record<string, number>> = { b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

/** `"512m"`, `"1g"`, `"64MiB"`, `"1048576"` → bytes (binary units, as Docker reads them). @internal */
export function memoryBytes(value: string | undefined, field: string): number | undefined {
  if (value === undefined) return undefined;
  const match = /^(\d+(?:\.\d+)?)\s*([bkmgt])?(?:i?b)?$/i.exec(value.trim());
  if (!match) throw new InvalidArgumentError(`${field}: '${value}' is not a memory size (e.g. "512m", "1g")`, { field });
  return Math.round(Number(match[1]) * (MEMORY_UNITS[(match[2] ?? 'b').toLowerCase()] ?? 1));
}

/** CPUs (`0.5`) → nano CPUs. @internal */
export function nanoCpus(cpus: number | undefined): number | undefined {
  return cpus === undefined ? undefined : Math.round(cpus * 1e9);
}
