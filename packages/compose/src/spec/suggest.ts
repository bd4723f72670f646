/**
 * Optimal string alignment distance (Damerau–Levenshtein where a transposed pair counts once):
 * `healtcheck` → `healthcheck` is 1, `helathcheck` → `healthcheck` is 1, `port` → `ports` is 1.
 * Stops early and returns `limit + 1` once the distance is known to exceed `limit`.
 */
export function editDistance(a: string, b: string, limit = Number.MAX_SAFE_INTEGER): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let previous2: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, (previous[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, (previous2[j - 2] as number) + 1);
      current.push(d);
      rowMin = Math.min(rowMin, d);
    }
    if (rowMin > limit) return limit + 1;
    previous2 = previous;
    previous = current;
  }
  return previous[b.length] as number;
}

/**
 * The allowed name closest to `name` (case-insensitive edit distance at most 2, and at most 1
 * for names of up to 4 letters, so short names are not matched to anything), or undefined. Ties
 * go to the first in `allowed`.
 *
 * @example
 * ```ts
 * closestName('helthcheck', ['image', 'healthcheck']); // 'healthcheck'
 * closestName('zzz', ['image']); // undefined
 * ```
 */
export function closestName(name: string, allowed: Iterable<string>): string | undefined {
  const lower = name.toLowerCase();
  const limit = lower.length <= 4 ? 1 : 2;
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of allowed) {
    const d = editDistance(lower, candidate.toLowerCase(), limit);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}
