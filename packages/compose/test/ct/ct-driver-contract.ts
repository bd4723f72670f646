/**
 * The CtDriver contract: one suite every CtDriver must pass. Call it from a `*.test.ts` file with a
 * factory that builds your driver on the folders given.
 *
 * @example
 * ```ts
 * ctDriverContract('nativeCt', (setup) => nativeCt({ trustDir: setup.trustDir, keysDir: setup.keysDir }));
 * ```
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isComposeError, isUnsupportedOperationError, type ComposeError, type CtDriver } from '../../src/index.js';
import { HELLO_MANIFEST_SHA256, newKey, tempDir, TEST_KEY_FINGERPRINT, TEST_KEY_PUB, vector, writeConfig } from './helpers.js';

/**
 * A broken bundle is reported by the port's stable code, `E_BUNDLE`, with a `reason` (the selur
 * package's `BundleError` is such an error; a third-party driver throws its own). The suite matches
 * by code, as every `isXxxError` guard does, so it needs no adapter package.
 */
function isBundleError(error: unknown): error is ComposeError & { readonly reason: string } {
  return isComposeError(error) && error.code === 'E_BUNDLE' && typeof (error as { reason?: unknown }).reason === 'string';
}

/** The folders a driver under test is built on. */
export interface CtContractSetup {
  /** `XDG_CONFIG_HOME`: holds `cerro-torre/trust` (test-key, contract-key) and `cerro-torre/keys` (contract-key). */
  readonly configHome: string;
  readonly trustDir: string;
  readonly keysDir: string;
  /** A scratch folder for outputs. */
  readonly workDir: string;
}

/** Runs the CtDriver contract against the driver the factory builds. */
export function ctDriverContract(name: string, factory: (setup: CtContractSetup) => CtDriver | Promise<CtDriver>): void {
  describe(`CtDriver contract: ${name}`, () => {
    let driver: CtDriver;
    let setup: CtContractSetup;
    let cleanup: () => Promise<void>;
    const signer = newKey();

    beforeAll(async () => {
      const dir = await tempDir();
      cleanup = dir.remove;
      const configHome = join(dir.path, 'config');
      await writeConfig(configHome, { 'test-key': { publicHex: TEST_KEY_PUB, trust: 'ultimate' }, 'contract-key': { publicHex: signer.publicHex, privHex: signer.privHex } });
      const workDir = join(dir.path, 'work');
      await mkdir(workDir);
      setup = { configHome, trustDir: join(configHome, 'cerro-torre', 'trust'), keysDir: join(configHome, 'cerro-torre', 'keys'), workDir };
      driver = await factory(setup);
    });
    afterAll(() => cleanup());

    it('declares the operations every CtDriver has', () => {
      for (const capability of ['digest', 'inspect', 'verify', 'verify-signatures', 'pack'] as const) expect(driver.capabilities.has(capability)).toBe(true);
      for (const capability of ['sbom', 'provenance', 'attestations', 'policy'] as const) expect(driver.capabilities.has(capability)).toBe(false);
    });

    it('digests the whole file as sha256:<hex>', async () => {
      const bytes = await readFile(vector('signed.ctp'));
      expect(await driver.digest(vector('signed.ctp'))).toBe(`sha256:${createHash('sha256').update(bytes).digest('hex')}`);
    });

    it('inspects a bundle: manifest, summary, members, attestations', async () => {
      const contents = await driver.inspect(vector('signed.ctp'));
      expect(contents.manifest).toBe(await readFile(vector('hello.manifest.ctp'), 'utf8'));
      expect(contents.summary.package).toEqual({ name: 'hello', version: '2.10' });
      expect(contents.summary.manifestSha256).toBe(HELLO_MANIFEST_SHA256);
      expect(contents.members.map((m) => [m.name, m.size, m.mode])).toEqual([
        ['manifest.ctp', 1279, 0o644],
        ['summary.json', 601, 0o644],
      ]);
      expect(contents.attestations).toHaveLength(1);
      expect(contents.attestations[0]).toMatchObject({ type: 'signature', suite: 'CT-SIG-01', key_id: 'test-key', fingerprint: TEST_KEY_FINGERPRINT });
    });

    it('verifies signed.ctp with a trusted test-key', async () => {
      const report = await driver.verify(vector('signed.ctp'), { requireSignature: true });
      expect(report.ok).toBe(true);
      expect(report.problems).toEqual([]);
      expect(report.manifestSha256).toBe(HELLO_MANIFEST_SHA256);
      expect(report.digest).toBe(await driver.digest(vector('signed.ctp')));
      expect(report.signatures).toEqual([
        { keyId: 'test-key', fingerprint: TEST_KEY_FINGERPRINT, suite: 'CT-SIG-01', timestamp: '2026-11-25 21:39:29', trusted: true, valid: true },
      ]);
    });

    it('fails badsig.ctp (which the real ct verify passes)', async () => {
      const report = await driver.verify(vector('badsig.ctp'));
      expect(report.ok).toBe(false);
      expect(report.problems.map((p) => p.reason)).toEqual(['bad-signature']);
      expect(report.signatures[0]).toMatchObject({ keyId: 'test-key', trusted: true, valid: false });
      const thrown = await driver.verify(vector('badsig.ctp'), { throwOnFailure: true }).catch((error: unknown) => error);
      expect(isBundleError(thrown) && thrown.reason).toBe('bad-signature');
    });

    for (const file of ['badman.ctp', 'out-nonl.ctp']) {
      it(`rejects ${file} with a manifest hash mismatch`, async () => {
        const thrown = await driver.verify(vector(file)).catch((error: unknown) => error);
        expect(isBundleError(thrown)).toBe(true);
        expect(isBundleError(thrown) && thrown.reason).toBe('manifest-hash-mismatch');
      });
    }

    it('rejects a missing bundle as not-found', async () => {
      const thrown = await driver.verify(join(setup.workDir, 'absent.ctp')).catch((error: unknown) => error);
      expect(isBundleError(thrown) && thrown.reason).toBe('not-found');
    });

    it('packs a manifest file: `output: X` writes X.ctp, which verifies', async () => {
      const result = await driver.pack(vector('hello.manifest.ctp'), { output: join(setup.workDir, 'hello') });
      expect(result.path).toBe(join(setup.workDir, 'hello.ctp'));
      expect(result.manifestSha256).toBe(HELLO_MANIFEST_SHA256);
      expect(result.package).toEqual({ name: 'hello', version: '2.10' });
      expect(result.digest).toBe(await driver.digest(result.path));
      const report = await driver.verify(result.path);
      expect(report).toMatchObject({ ok: true, signatures: [], problems: [] });
      const required = await driver.verify(result.path, { requireSignature: true });
      expect(required.ok).toBe(false);
      expect(required.problems.map((p) => p.reason)).toEqual(['unsigned']);
    });

    it('packs manifest text without a final LF into a bundle that verifies', async () => {
      const result = await driver.pack({ manifest: '[metadata]\nname = "mini"\nversion = "1.0"' }, { output: join(setup.workDir, 'mini.ctp') });
      expect(result.path).toBe(join(setup.workDir, 'mini.ctp'));
      expect((await driver.inspect(result.path)).manifest).toBe('[metadata]\nname = "mini"\nversion = "1.0"\n');
      expect((await driver.verify(result.path)).ok).toBe(true);
    });

    it('packs sources as src/... members in name order', async () => {
      const sources = join(setup.workDir, 'sources');
      await mkdir(join(sources, 'lib'), { recursive: true });
      await writeFile(join(sources, 'main.c'), 'int main(void) { return 0; }\n');
      await writeFile(join(sources, 'lib', 'a.h'), '#pragma once\n');
      const result = await driver.pack(vector('hello.manifest.ctp'), { output: join(setup.workDir, 'with-src'), sources });
      const contents = await driver.inspect(result.path);
      expect(contents.members.map((m) => m.name)).toEqual(['manifest.ctp', 'summary.json', 'src/lib/a.h', 'src/main.c']);
      expect((await driver.verify(result.path)).ok).toBe(true);
    });

    it('packs and signs with a key from the key store; the signature verifies', async () => {
      const result = await driver.pack(vector('hello.manifest.ctp'), { output: join(setup.workDir, 'signed-here'), sign: { keyId: 'contract-key' } });
      const report = await driver.verify(result.path, { requireSignature: true });
      expect(report.ok).toBe(true);
      expect(report.signatures).toMatchObject([{ keyId: 'contract-key', fingerprint: signer.fingerprint, trusted: true, valid: true }]);
    });

    for (const operation of ['sbom', 'provenance', 'attestations', 'policy'] as const) {
      it(`reports ${operation} as unsupported`, async () => {
        const thrown = await driver[operation](vector('signed.ctp')).catch((error: unknown) => error);
        expect(isUnsupportedOperationError(thrown)).toBe(true);
        expect(isUnsupportedOperationError(thrown) && thrown.operation).toBe(operation);
      });
    }
  });
}
