import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { extendService, mergeComposeDocuments } from './merge.js';

const name = fc.constantFrom('a', 'b', 'c', 'db', 'web');
const unique = <T>(arb: fc.Arbitrary<T>, key: (t: T) => string) => fc.uniqueArray(arb, { selector: key, maxLength: 4 });

/** A service of the fields whose merge rules differ: identities, key/value sets, replaced commands, named maps, scalars. */
const service = fc.record(
  {
    image: fc.constantFrom('x:1', 'x:2', 'y'),
    command: fc.array(fc.constantFrom('sh', '-c', 'echo hi'), { maxLength: 3 }),
    entrypoint: fc.array(fc.constantFrom('tini', '--'), { maxLength: 2 }),
    ports: unique(fc.tuple(fc.integer({ min: 8000, max: 8003 }), fc.integer({ min: 80, max: 82 })), ([h, t]) => `${h}:${t}`).map((ps) => ps.map(([h, t]) => `${h}:${t}`)),
    volumes: unique(fc.tuple(fc.constantFrom('v1', 'v2', './d'), fc.constantFrom('/a', '/b', '/c')), ([, t]) => t).map((vs) => vs.map(([s, t]) => `${s}:${t}`)),
    secrets: unique(name, (n) => n),
    configs: unique(fc.record({ source: name, target: fc.constantFrom('/x', '/y', '/z') }), (c) => c.target),
    environment: fc.oneof(
      fc.dictionary(fc.constantFrom('A', 'B', 'C'), fc.constantFrom('1', '2')),
      unique(fc.tuple(fc.constantFrom('A', 'B', 'C'), fc.constantFrom('1', '2')), ([k]) => k).map((es) => es.map(([k, v]) => `${k}=${v}`)),
    ),
    labels: fc.dictionary(fc.constantFrom('l.a', 'l.b'), fc.constantFrom('x', 'y')),
    dns: unique(fc.constantFrom('1.1.1.1', '8.8.8.8', '9.9.9.9'), (d) => d),
    cap_add: unique(fc.constantFrom('NET_ADMIN', 'SYS_TIME'), (c) => c),
    depends_on: unique(name, (n) => n),
    healthcheck: fc.record({ test: fc.array(fc.constantFrom('CMD', 'true'), { maxLength: 2 }), retries: fc.integer({ min: 1, max: 3 }) }, { requiredKeys: [] }),
  },
  { requiredKeys: [] },
);
const doc = fc.record({ services: fc.dictionary(name, service, { maxKeys: 3 }) });

const frozen = <T>(value: T): T => {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) frozen(v);
    Object.freeze(value);
  }
  return value;
};

describe('mergeComposeDocuments: properties of the Compose merge rules', () => {
  it('an empty override changes nothing, and merging onto nothing gives the override', () => {
    fc.assert(
      fc.property(doc, (d) => {
        expect(mergeComposeDocuments(d, {})).toEqual(d);
        expect(mergeComposeDocuments({}, d)).toEqual(d);
      }),
    );
  });

  it('merging a document over itself gives it back (sequences are unique by their identity, commands replaced)', () => {
    fc.assert(fc.property(doc, (d) => {
        expect(mergeComposeDocuments(d, d)).toEqual(d);
      }));
  });

  it('never changes its inputs', () => {
    fc.assert(fc.property(doc, doc, (a, b) => void mergeComposeDocuments(frozen(a), frozen(b))));
  });

  it('is associative: merging -f a -f b -f c is the same whichever pair is merged first', () => {
    fc.assert(fc.property(doc, doc, doc, (a, b, c) => {
        expect(mergeComposeDocuments(mergeComposeDocuments(a, b), c)).toEqual(mergeComposeDocuments(a, mergeComposeDocuments(b, c)));
      }));
  });

  it('extends follows the same rules as an override file', () => {
    fc.assert(
      fc.property(service, service, (base, own) => {
        const merged = mergeComposeDocuments({ services: { s: base } }, { services: { s: own } });
        expect(extendService(base, own)).toEqual((merged['services'] as Record<string, unknown>)['s']);
      }),
    );
  });

  it('the override wins every scalar and every replaced sequence it sets', () => {
    fc.assert(
      fc.property(service, service, (base, own) => {
        const merged = extendService(base, own);
        for (const field of ['image', 'command', 'entrypoint'] as const) if (own[field] !== undefined) expect(merged[field]).toEqual(own[field]);
        if (own.healthcheck?.test !== undefined) expect((merged['healthcheck'] as { test: unknown }).test).toEqual(own.healthcheck.test);
      }),
    );
  });
});
