/**
 * @internal JSON with object keys sorted at every level and `undefined` dropped, so that equal
 * values always serialise to equal text (the input of config hashes). Written out directly
 * rather than by sorting a copy and stringifying it: a plan serialises every field of every
 * service, and the copies were most of its time.
 *
 * Same text as `JSON.stringify` of a copy with sorted keys: `undefined` and functions are left
 * out of objects and become `null` in arrays, a RegExp becomes its source text, any other object
 * (a Date too) is written by its own enumerable keys.
 */
export function canonicalJson(value: unknown): string {
  return canonicalValue(value) as string;
}

/** {@link canonicalJson}, or undefined for a value JSON leaves out (`undefined`, a function). */
export function canonicalValue(value: unknown): string | undefined {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value === 'function' ? undefined : JSON.stringify(value);
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + (canonicalValue(value[i]) ?? 'null');
    return `${out}]`;
  }
  if (value instanceof RegExp) return JSON.stringify(value.toString());
  return canonicalObject(value as Record<string, unknown>);
}

/** An object's canonical JSON; `written` receives each kept key with its canonical value. */
export function canonicalObject(value: Readonly<Record<string, unknown>>, written?: (key: string, json: string) => void): string {
  let out = '{';
  for (const key of Object.keys(value).sort()) {
    const json = canonicalValue(value[key]);
    if (json === undefined) continue;
    written?.(key, json);
    out += (out.length === 1 ? '' : ',') + JSON.stringify(key) + ':' + json;
  }
  return `${out}}`;
}
