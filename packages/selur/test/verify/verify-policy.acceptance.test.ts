import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Project } from '@selur/compose';
import { evaluatePolicy, isInvalidPolicyError, nativeCt, verifyProject } from '@selur/compose-selur';

const vectors = fileURLToPath(new URL('../vectors/', import.meta.url));
const keys = { 'test-key': readFileSync(`${vectors}ct/test-key.pub`, 'utf8').trim() };

function project(): Project {
  return new Project('verified', { workingDir: `${vectors}ct` })
    .service('good', { image: './signed.ctp' })
    .service('tampered', { image: './badsig.ctp' });
}

describe('verifyProject() and evaluatePolicy() on a Project', () => {
  it('verifies every bundle against the trust store: the tampered signature fails, the signed one passes', async () => {
    const report = await verifyProject(project(), { ct: nativeCt({ keys }), requireSignature: true });
    expect(report.ok).toBe(false);
    expect(report.services.map((s) => [s.service, s.ok])).toEqual([['good', true], ['tampered', false]]);
    expect(report.services[0]?.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('evaluates a gatekeeper policy locally and refuses an edge policy', async () => {
    const mvp = JSON.parse(readFileSync(`${vectors}svalinn/policy/mvp-policy.json`, 'utf8')) as unknown;
    const verdict = await evaluatePolicy(project(), mvp, { ct: nativeCt({ keys }) });
    expect(verdict.services).toHaveLength(2);
    expect(verdict.passed).toBe(false); // ct writes no predicate attestations, which mvp-policy requires
    const edge = JSON.parse(readFileSync(`${vectors}svalinn/policy/slsa-level4-policy.json`, 'utf8')) as unknown;
    expect(isInvalidPolicyError(await evaluatePolicy(project(), edge).catch((e: unknown) => e))).toBe(true);
  });
});
