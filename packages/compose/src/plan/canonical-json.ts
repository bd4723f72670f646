/**
 * @internal JSON with object keys sorted at every level and `undefined` dropped, so that equal
 * values always serialise to equal text (the input of config hashes). Written out directly
 * rather than by sorting a copy and stringifying it: a plan serialises every field of every
 * service, and the copies were most of its time.
 *
 * Same text as `JSON.stringify` of a copy with sorted keys: `undefined` and functions are left
 * out of objects and become `null` in arrays, a RegExp becomes its source text, any other object
 * (a Date too) is written by its own enumerable keys, and integer-like keys come first in numeric
 * order (a JavaScript object keeps them so, sorted or not).
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
  for (const key of sortedKeys(value)) {
    const json = canonicalValue(value[key]);
    if (json === undefined) continue;
    written?.(key, json);
    out += (out.length === 1 ? '' : ',') + JSON.stringify(key) + ':' + json;
  }
  return `${out}}`;
}

/** Keys as a copy of `value` with sorted keys holds them: integer-like keys first, ascending (as `Object.keys` gives them), then the others sorted. */
function sortedKeys(value: object): string[] {
  const keys = Object.keys(value);
  let integers = 0;
  while (integers < keys.length && isArrayIndex(keys[integers] as string)) integers++;
  if (integers === 0) return keys.sort();
  return [...keys.slice(0, integers), ...keys.slice(integers).sort()];
}

function isArrayIndex(key: string): boolean {
  return /^(?:0|[1-9]\d{0,9})$/.test(key) && Number(key) < 4_294_967_295;
}
