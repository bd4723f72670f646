/**
 * Keeping secrets out of the Vörðr client's errors. Internal: used by `vordr-http-client.ts`.
 *
 * Every error the client rejects with passes through {@link scrubError} with the secrets it knows:
 * the `secrets` option, and for `containerCreate`/`run` every value of that call's `config.env`
 * (the client cannot tell which variables are secret, so it treats them all as such). The core's
 * {@link secretRedactor} decides what is replaced; its marker is `[redacted]`.
 */
import { isComposeError, secretRedactor, type Redactor, type VordrCreateParams } from '@selur/compose';

/** The values of a create call's `config.env`, in any of its three forms. */
export function envValues(params: VordrCreateParams | undefined): string[] {
  const env: unknown = params?.config?.env;
  if (typeof env !== 'object' || env === null) return [];
  if (!Array.isArray(env)) return Object.values(env).filter((v): v is string => typeof v === 'string');
  return env.flatMap((item: unknown) => {
    if (typeof item === 'string') return item.includes('=') ? [item.slice(item.indexOf('=') + 1)] : [];
    const value = typeof item === 'object' && item !== null ? (item as { value?: unknown }).value : undefined;
    return typeof value === 'string' ? [value] : [];
  });
}

/** A redactor for the client's secrets plus a call's own. */
export function redactorFor(secrets: readonly string[], extra: readonly string[] = []): Redactor {
  return secretRedactor([...secrets, ...extra]);
}

/**
 * Replaces every secret in a typed error the client is about to reject with: its message and
 * stack, its string fields (`serverMessage`, `body`, `location`, …), its `data` (deeply) and its
 * causes. Values that are not the SDK's errors (an abort signal's reason) are the caller's own and
 * pass unchanged.
 */
export function scrubError(error: unknown, redact: Redactor): unknown {
  if (isComposeError(error)) scrubObject(error, redact, 0, new Set());
  return error;
}

function scrubObject(target: object, redact: Redactor, depth: number, seen: Set<object>): void {
  if (depth > 6 || seen.has(target)) return;
  seen.add(target);
  const record = target as Record<string, unknown>;
  const keys = new Set([...Object.keys(target), ...(target instanceof Error ? ['message', 'stack', 'cause'] : [])]);
  for (const key of keys) {
    const value = record[key];
    if (typeof value === 'string') {
      const clean = redact(value);
      if (clean !== value) Object.defineProperty(target, key, { value: clean, writable: true, configurable: true, enumerable: Object.prototype.propertyIsEnumerable.call(target, key) });
    } else if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
      scrubObject(value, redact, depth + 1, seen); // arrays too: their indexes are keys
    }
  }
}
