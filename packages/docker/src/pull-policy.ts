/**
 * A service's `pull_policy` (Compose) as the Docker runtime acts on it:
 * - `always`: pull before every create;
 * - `never`: never pull (a missing image is an {@link ImageNotFoundError} saying so);
 * - `missing` / `if_not_present` (and no policy): pull only when the engine lacks the image;
 * - `build`: build the image from the service's `build` section before every create;
 * - `daily`, `weekly`, `every_<n>[smhdw]`: pull when the local image was tagged longer ago than
 *   that, or is missing.
 * @internal
 */
export type PullPolicy =
  | { readonly kind: 'always' }
  | { readonly kind: 'never' }
  | { readonly kind: 'missing' }
  | { readonly kind: 'build' }
  | { readonly kind: 'every'; readonly ms: number };

const UNIT_MS: Readonly<Record<string, number>> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** Reads `pull_policy` (the schema has checked its form). @internal */
export function pullPolicyOf(policy: string | undefined): PullPolicy {
  switch (policy) {
    case undefined:
    case 'missing':
    case 'if_not_present':
      return { kind: 'missing' };
    case 'always':
    case 'never':
    case 'build':
      return { kind: policy };
    case 'daily':
      return { kind: 'every', ms: UNIT_MS['d'] as number };
    case 'weekly':
      return { kind: 'every', ms: UNIT_MS['w'] as number };
  }
  const every = /^every_([0-9]+)([smhdw]?)$/.exec(policy);
  if (every) return { kind: 'every', ms: Number(every[1]) * (UNIT_MS[every[2] || 's'] as number) };
  return { kind: 'missing' };
}

/**
 * When the image was last tagged on this engine (`Metadata.LastTagTime`, else `Created`), in ms;
 * undefined when neither is a real date. @internal
 */
export function imageAgeBase(inspect: { readonly Created?: string | undefined; readonly Metadata?: { readonly LastTagTime?: string | undefined } | undefined }): number | undefined {
  for (const text of [inspect.Metadata?.LastTagTime, inspect.Created]) {
    if (text === undefined || text === '' || text.startsWith('0001-')) continue;
    const ms = Date.parse(text);
    if (Number.isFinite(ms)) return ms;
  }
  return undefined;
}
