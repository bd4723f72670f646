import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isInvalidPolicyError, nativeCt, Project } from '@selur/compose';

const vectors = fileURLToPath(new URL('../../../selur/test/vectors/', import.meta.url));
const keys = { 'test-key': readFileSync(`${vectors}ct/test-key.pub`, 'utf8').trim() };

function project(): Project {
  return new Project('verified', { workingDir: `${vectors}ct` })
    .service('good', { image: './signed.ctp' })
    .service('tampered', { image: './badsig.ctp' });
}

describe('project.verify() and project.policy()', () => {
  it('verifies every bundle against the trust store: the tampered signature fails, the signed one passes', async () => {
    const report = await project().verify(nativeCt({ keys }), { requireSignature: true });
    expect(report.ok).toBe(false);
    expect(report.services.map((s) => [s.service, s.ok])).toEqual([['good', true], ['tampered', false]]);
    expect(report.services[0]?.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('evaluates a gatekeeper policy locally and refuses an edge policy', async () => {
    const mvp = JSON.parse(readFileSync(`${vectors}svalinn/policy/mvp-policy.json`, 'utf8')) as unknown;
    const verdict = await project().policy(mvp, nativeCt({ keys }));
    expect(verdict.services).toHaveLength(2);
    expect(verdict.passed).toBe(false); // ct writes no predicate attestations, which mvp-policy requires
    const edge = JSON.parse(readFileSync(`${vectors}svalinn/policy/slsa-level4-policy.json`, 'utf8')) as unknown;
    expect(isInvalidPolicyError(await project().policy(edge).catch((e: unknown) => e))).toBe(true);
  });
});
