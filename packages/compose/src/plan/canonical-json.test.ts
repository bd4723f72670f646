import { describe, expect, it } from 'vitest';
import { canonicalJson, canonicalObject } from './canonical-json.js';

/** The definition: a copy with sorted keys (undefined and functions left out), then JSON.stringify. */
function reference(value: unknown): string {
  const sorted = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map((x) => (x === undefined ? null : sorted(x)));
    if (v instanceof RegExp) return v.toString();
    if (v !== null && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(v).sort()) {
        const x = (v as Record<string, unknown>)[key];
        if (x !== undefined && typeof x !== 'function') out[key] = sorted(x);
      }
      return out;
    }
    return v;
  };
  return JSON.stringify(sorted(value));
}

describe('canonicalJson', () => {
  const samples: unknown[] = [
    null, true, 0, -1.5, NaN, Infinity, '', 'a"b\\c\n\u2028é', [], {},
    { b: 1, a: { d: [3, { z: 1, y: undefined }], c: null } },
    { f: () => 1, u: undefined, s: Symbol('x'), n: [undefined, () => 1, Symbol('y'), 1] },
    { re: /a+b/gi, date: new Date(0), nested: [[[{ b: 2, a: 1 }]]] },
    { 'é': 1, Z: 2, a: 3, '10': 4, '9': 5, '': 6 },
    { environment: { B: 'x', A: { secret: 'pw' } }, ports: [{ target: 80, published: 0 }] },
  ];

  it.each(samples.map((s, i) => [i, s]))('sample %i is the sorted copy, stringified', (_, sample) => {
    expect(canonicalJson(sample)).toBe(reference(sample));
  });

  it('gives equal text for equal values whatever the key order', () => {
    expect(canonicalJson({ a: 1, b: { c: 2, d: 3 } })).toBe(canonicalJson({ b: { d: 3, c: 2 }, a: 1 }));
    expect(canonicalJson({ a: [1, 2] })).not.toBe(canonicalJson({ a: [2, 1] }));
  });

  it('canonicalObject reports each kept key with its text, in order', () => {
    const seen: [string, string][] = [];
    const text = canonicalObject({ b: [1], a: 'x', gone: undefined }, (key, json) => seen.push([key, json]));
    expect(text).toBe('{"a":"x","b":[1]}');
    expect(seen).toEqual([['a', '"x"'], ['b', '[1]']]);
  });
});
