import { parseDuration } from '@selur/compose';

const UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

/**
 * @internal A compose memory size (`512m`, `1.5g`, `1048576`; binary units, as Docker reads
 * them) as a Kubernetes quantity: `512Mi`, `1536Mi`, or a plain byte count.
 */
export function memoryQuantity(input: string): string {
  const match = /^(\d+(?:\.\d+)?)([bkmgt]?)i?b?$/.exec(input.trim().toLowerCase());
  if (!match) throw new Error(`not a memory size: ${input}`);
  const bytes = Math.round(Number(match[1]) * (UNITS[match[2] ?? ''] ?? 1));
  for (const [suffix, size] of [['Ti', 1024 ** 4], ['Gi', 1024 ** 3], ['Mi', 1024 ** 2], ['Ki', 1024]] as const) {
    if (bytes >= size && bytes % size === 0) return `${bytes / size}${suffix}`;
  }
  return String(bytes);
}

/** @internal CPUs (`0.5`) as a Kubernetes quantity in millicores (`500m`) or whole cores (`2`). */
export function cpuQuantity(cpus: number): string {
  const milli = Math.round(cpus * 1000);
  return milli % 1000 === 0 ? String(milli / 1000) : `${milli}m`;
}

/** @internal A compose duration in whole seconds, rounded up, at least `min`. */
export function seconds(duration: string, min = 1): number {
  return Math.max(min, Math.ceil(parseDuration(duration) / 1000));
}
