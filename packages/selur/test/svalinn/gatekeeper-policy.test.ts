import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { InvalidPolicyError, isInvalidPolicyError, parseGatekeeperPolicy, validateGatekeeperPolicy } from '@selur/compose-selur';
import { SVALINN_VECTORS, readSvalinnVector, svalinnSchemas } from '../servers/svalinn-schemas.js';
import { rejection } from './helpers.js';

const policyFiles = readdirSync(new URL('policy/', SVALINN_VECTORS)).filter((f) => f.endsWith('.json')).sort();

describe('gatekeeper policy v1, against the vector policies', () => {
  it('finds the seven vector policies', () => {
    expect(policyFiles).toHaveLength(7);
    expect(policyFiles).toContain('mvp-policy.json');
  });

  it('accepts mvp-policy.json and returns it typed', () => {
    const mvp = readSvalinnVector('policy/mvp-policy.json');
    expect(validateGatekeeperPolicy(mvp)).toEqual([]);
    const policy = parseGatekeeperPolicy(mvp);
    expect(policy.version).toBe(1);
    expect(policy.logQuorum).toBe(1);
    expect(policy.allowedSigners).toEqual(['sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef']);
  });

  for (const file of policyFiles.filter((f) => f !== 'mvp-policy.json')) {
    it(`rejects ${file} (an edge policy) naming what is wrong`, async () => {
      const value = readSvalinnVector(`policy/${file}`);
      const issues = validateGatekeeperPolicy(value);
      expect(issues.map((i) => i.path)).toEqual(expect.arrayContaining(['version', 'requiredPredicates', 'allowedSigners', 'logQuorum']));
      expect(issues.find((i) => i.path === 'version')?.message).toBe('must be the integer 1, got the string "1.0"');
      const error = await rejection(Promise.resolve().then(() => parseGatekeeperPolicy(value, { file })));
      expect(error).toBeInstanceOf(InvalidPolicyError);
      expect(isInvalidPolicyError(error)).toBe(true);
      const e = error as InvalidPolicyError;
      expect(e.code).toBe('E_INVALID_POLICY');
      expect(e.file).toBe(file);
      expect(e.message).toContain('looks like an edge policy');
      expect(e.message).toContain('version: must be the integer 1');
      expect(e.message).toContain('logQuorum: is required');
    });
  }

  it('names each bad entry by index', () => {
    const issues = validateGatekeeperPolicy({
      version: 1,
      requiredPredicates: ['https://slsa.dev/provenance/v1', 'not a uri'],
      allowedSigners: ['sha256:ABC'],
      logQuorum: 0,
      mode: 'lenient',
    });
    expect(issues).toEqual([
      { path: 'requiredPredicates[1]', message: 'must be predicate type URIs, got the string "not a uri"' },
      { path: 'allowedSigners[0]', message: "must be key ids of the form 'sha256:<64 lowercase hex>', got the string \"sha256:ABC\"" },
      { path: 'logQuorum', message: 'must be an integer ≥ 1, got number 0' },
      { path: 'mode', message: "must be 'strict' or 'permissive', got the string \"lenient\"" },
    ]);
    expect(validateGatekeeperPolicy(null)).toEqual([{ path: '', message: 'must be an object, got null' }]);
    expect(validateGatekeeperPolicy({ version: 1, requiredPredicates: [], allowedSigners: [], logQuorum: 1 }).map((i) => i.path)).toEqual(['requiredPredicates', 'allowedSigners']);
  });

  it('agrees with Svalinn\'s gatekeeper-policy.v1.json on generated values', () => {
    const schemas = svalinnSchemas();
    const uri = fc.constantFrom('https://slsa.dev/provenance/v1', 'https://spdx.dev/Document', 'urn:example:x', 'not a uri', '', 'slsa.dev/provenance');
    const signer = fc.constantFrom(`sha256:${'0'.repeat(64)}`, `sha256:${'a'.repeat(63)}`, `sha256:${'A'.repeat(64)}`, 'sha512:00', `sha256:${'f'.repeat(64)}`);
    const anyValue = fc.constantFrom<unknown>(null, 1, '1', true, [], {}, 'x');
    const field = <T>(arb: fc.Arbitrary<T>) => fc.option(fc.oneof(arb, anyValue), { nil: undefined });
    const policy = fc.record(
      {
        version: field(fc.constantFrom<unknown>(1, '1.0', 2, 1.5, 0)),
        requiredPredicates: field(fc.array(fc.oneof(uri, anyValue), { maxLength: 3 })),
        allowedSigners: field(fc.array(fc.oneof(signer, anyValue), { maxLength: 3 })),
        logQuorum: field(fc.constantFrom<unknown>(1, 2, 0, -1, 1.5, '1')),
        mode: field(fc.constantFrom<unknown>('strict', 'permissive', 'lenient')),
        notes: field(fc.constantFrom<unknown>('note', 3)),
        extra: field(fc.constantFrom<unknown>('allowed by the schema')),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.oneof(policy, anyValue), (value) => {
        const ours = validateGatekeeperPolicy(value).length === 0;
        expect(ours).toBe(schemas.check('gatekeeper-policy.v1', value).valid);
      }),
      { numRuns: 2000, seed: 4 },
    );
  });
});
