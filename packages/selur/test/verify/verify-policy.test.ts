/**
 * verifyProject and evaluatePolicy against the ct vectors (signed.ctp, badsig.ctp, badman.ctp) and
 * Svalinn's mvp-policy.json.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseProject } from '@selur/compose';
import { evaluatePolicy, isInvalidPolicyError, nativeCt, verifyProject } from '@selur/compose-selur';
import { CT_VECTORS, fileDigest, MVP_POLICY, rejection, TEST_KEY_FINGERPRINT, TEST_KEY_PUB, VECTORS } from '../runtime/helpers.js';

const trusting = () => nativeCt({ keys: { 'test-key': TEST_KEY_PUB }, trustDir: false });
const project = (services: Record<string, string>) =>
  parseProject(['version = "1.0"', ...Object.entries(services).map(([name, image]) => `[services.${name}]\nimage = "${image}"`)].join('\n'), { cwd: CT_VECTORS, projectName: 'vectors' });

describe('verifyProject', () => {
  it('verifies every bundle and reports per service, with reasons', async () => {
    const report = await verifyProject(
      project({ good: './signed.ctp', tampered: './badsig.ctp', broken: 'badman.ctp', missing: './missing.ctp', remote: 'ghcr.io/acme/api:1.2.ctp' }),
      { ct: trusting() },
    );
    expect(report.project).toBe('vectors');
    expect(report.ok).toBe(false);
    expect(report.services.map((s) => [s.service, s.ok])).toEqual([['broken', false], ['good', true], ['missing', false], ['remote', false], ['tampered', false]]);
    const byName = Object.fromEntries(report.services.map((s) => [s.service, s]));
    expect(byName['good']).toMatchObject({ image: './signed.ctp', bundle: join(CT_VECTORS, 'signed.ctp'), digest: await fileDigest(join(CT_VECTORS, 'signed.ctp')), package: { name: 'hello', version: '2.10' }, problems: [] });
    expect(byName['good']?.signatures).toMatchObject([{ keyId: 'test-key', fingerprint: TEST_KEY_FINGERPRINT, trusted: true, valid: true }]);
    expect(byName['tampered']?.problems.join(' ')).toMatch(/signature/i);
    expect(byName['tampered']?.signatures).toMatchObject([{ keyId: 'test-key', valid: false }]);
    expect(byName['broken']?.problems.join(' ')).toMatch(/manifest-hash-mismatch/);
    expect(byName['missing']?.problems.join(' ')).toMatch(/no bundle file at .*missing\.ctp/);
    expect(byName['remote']?.problems.join(' ')).toMatch(/cannot fetch/);
  });

  it('passes a project whose bundles are all good; requireSignature fails a key it cannot check', async () => {
    const good = await verifyProject({ spec: project({ a: './signed.ctp' }).toJSON(), workingDir: CT_VECTORS }, { ct: trusting() });
    expect(good.ok).toBe(true);
    const unknownKey = nativeCt({ keys: {}, trustDir: false });
    expect((await verifyProject(project({ a: './signed.ctp' }), { ct: unknownKey })).ok).toBe(true);
    const strict = await verifyProject(project({ a: './signed.ctp' }), { ct: unknownKey, requireSignature: true });
    expect(strict.ok).toBe(false);
    expect(strict.services[0]?.problems.length).toBeGreaterThan(0);
  });
});

describe('evaluatePolicy', () => {
  it('signed.ctp fails mvp-policy.json in strict mode, with every reason', async () => {
    const policy = JSON.parse(await readFile(MVP_POLICY, 'utf8')) as unknown;
    const result = await evaluatePolicy(project({ api: './signed.ctp' }), policy, { ct: trusting() });
    expect(result).toMatchObject({ project: 'vectors', mode: 'strict', passed: false, allowed: false });
    const [api] = result.services;
    expect(api).toMatchObject({ service: 'api', passed: false, allowed: false, predicates: [], signers: [`sha256:${TEST_KEY_FINGERPRINT}`], logOperators: [] });
    expect(api?.reasons).toEqual([
      'missing required predicates: https://slsa.dev/provenance/v1, https://spdx.dev/Document (found: none)',
      `no valid signature by an allowed signer (verified signers: sha256:${TEST_KEY_FINGERPRINT}; allowed: sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef)`,
      'log quorum not met: 0 distinct log operators (none), the policy requires 1',
    ]);
  });

  it('permissive mode allows what fails, keeping the reasons', async () => {
    const policy = { ...(JSON.parse(await readFile(MVP_POLICY, 'utf8')) as object), mode: 'permissive' };
    const result = await evaluatePolicy(project({ api: './signed.ctp' }), policy, { ct: trusting() });
    expect(result).toMatchObject({ mode: 'permissive', passed: false, allowed: true });
    expect(result.services[0]?.reasons).toHaveLength(3);
  });

  it('an allowed signer counts only when its signature verifies', async () => {
    const policy = { version: 1, requiredPredicates: ['https://slsa.dev/provenance/v1'], allowedSigners: [`sha256:${TEST_KEY_FINGERPRINT}`], logQuorum: 1, mode: 'strict' };
    const trusted = await evaluatePolicy(project({ api: './signed.ctp', bad: './badsig.ctp' }), policy, { ct: trusting() });
    const byName = Object.fromEntries(trusted.services.map((s) => [s.service, s]));
    expect(byName['api']?.reasons.some((r) => r.startsWith('no valid signature'))).toBe(false);
    expect(byName['bad']?.signers).toEqual([]);
    expect(byName['bad']?.reasons.some((r) => r.startsWith('no valid signature'))).toBe(true);
    const untrusted = await evaluatePolicy(project({ api: './signed.ctp' }), policy, { ct: nativeCt({ keys: {}, trustDir: false }) });
    expect(untrusted.services[0]?.reasons).toContain(`key 'test-key' (sha256:${TEST_KEY_FINGERPRINT}) is allowed but its signature was not verified: key 'test-key' is not in the trust store`);
  });

  it('refuses an edge policy (not gatekeeper v1) with InvalidPolicyError', async () => {
    const edge = JSON.parse(await readFile(join(VECTORS, 'svalinn/policy/transparency-first-policy.json'), 'utf8')) as unknown;
    const error = await rejection(evaluatePolicy(project({ api: './signed.ctp' }), edge, { ct: trusting() }));
    expect(isInvalidPolicyError(error)).toBe(true);
    expect(String(error)).toMatch(/edge policy/);
  });
});
