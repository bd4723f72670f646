import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isInvalidArgumentError, isUnsupportedOperationError } from '@selur/compose';
import { isBundleError, nativeCt } from '@selur/compose-selur';
import { HELLO_MANIFEST_SHA256, newKey, tempDir, TEST_KEY_FINGERPRINT, TEST_KEY_PUB, vector, writeConfig } from '../../../compose/test/ct/helpers.js';

const PACK_TIME = new Date(1795642769 * 1000); // signed.ctp was packed at 2026-11-25 21:39:29 UTC
const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error);

describe('nativeCt', () => {
  let dir: { path: string; remove: () => Promise<void> };
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(() => dir.remove());

  it("packs hello.manifest.ctp into the same members as ct's signed.ctp (only the attestation differs)", async () => {
    const ct = nativeCt({ keys: {}, clock: () => PACK_TIME });
    const { path } = await ct.pack(vector('hello.manifest.ctp'), { output: join(dir.path, 'hello') });
    const ours = await readFile(path);
    const theirs = await readFile(vector('signed.ctp'));
    expect(ours.subarray(0, 2048)).toEqual(theirs.subarray(0, 2048)); // manifest header + data, byte for byte
    // summary header: same but for size (octal) and checksum
    const header = (b: Buffer) => Buffer.concat([b.subarray(2048, 2048 + 124), b.subarray(2048 + 136, 2048 + 148), b.subarray(2048 + 156, 2560)]);
    expect(header(ours)).toEqual(header(theirs));
    const summary = (b: Buffer) => b.subarray(2560).toString('utf8').replace(/\0+$/, '');
    const prefix = summary(theirs).slice(0, summary(theirs).indexOf('"attestations": ') + 16);
    expect(summary(ours)).toBe(`${prefix}[]\n}\n`);
    expect(ours.length).toBe(2048 + 512 + 512 + 1024);
  });

  it('trusts the keys in $XDG_CONFIG_HOME/cerro-torre/trust by default', async () => {
    await writeConfig(dir.path, { 'test-key': { publicHex: TEST_KEY_PUB, trust: 'ultimate' } });
    const saved = process.env['XDG_CONFIG_HOME'];
    process.env['XDG_CONFIG_HOME'] = dir.path;
    try {
      const report = await nativeCt().verify(vector('signed.ctp'), { requireSignature: true });
      expect(report.ok).toBe(true);
    } finally {
      if (saved === undefined) delete process.env['XDG_CONFIG_HOME'];
      else process.env['XDG_CONFIG_HOME'] = saved;
    }
  });

  it('trusts keys given in code (hex or raw bytes), and then reads no folder', async () => {
    for (const key of [TEST_KEY_PUB, Buffer.from(TEST_KEY_PUB, 'hex')]) {
      const report = await nativeCt({ keys: { 'test-key': key } }).verify(vector('signed.ctp'), { requireSignature: true });
      expect(report.signatures).toEqual([expect.objectContaining({ keyId: 'test-key', fingerprint: TEST_KEY_FINGERPRINT, trusted: true, valid: true })]);
    }
  });

  it('reports a signature by an unknown key as a warning, and fails it when a signature is required', async () => {
    const ct = nativeCt({ trustDir: dir.path });
    const lenient = await ct.verify(vector('signed.ctp'));
    expect(lenient.ok).toBe(true);
    expect(lenient.signatures[0]).toMatchObject({ keyId: 'test-key', trusted: false, valid: null });
    expect(lenient.warnings).toEqual([expect.stringContaining("'test-key'")]);
    const strict = await ct.verify(vector('signed.ctp'), { requireSignature: true });
    expect(strict.ok).toBe(false);
    expect(strict.problems.map((p) => p.reason)).toEqual(['untrusted-key']);
    const thrown = await failure(ct.verify(vector('signed.ctp'), { requireSignature: true, throwOnFailure: true }));
    expect(isBundleError(thrown) && thrown.reason).toBe('untrusted-key');
  });

  it('refuses a key marked revoked, or whose .meta fingerprint differs', async () => {
    await writeConfig(join(dir.path, 'a'), { 'test-key': { publicHex: TEST_KEY_PUB, trust: 'revoked' } });
    await writeConfig(join(dir.path, 'b'), { 'test-key': { publicHex: TEST_KEY_PUB, fingerprint: 'f'.repeat(64) } });
    for (const home of ['a', 'b']) {
      const report = await nativeCt({ trustDir: join(dir.path, home, 'cerro-torre', 'trust') }).verify(vector('signed.ctp'));
      expect(report.ok).toBe(false);
      expect(report.problems.map((p) => p.reason)).toEqual(['untrusted-key']);
    }
  });

  it('fails a signature whose fingerprint is not that of the trusted key with that id', async () => {
    const other = newKey();
    const report = await nativeCt({ keys: { 'test-key': other.publicHex } }).verify(vector('signed.ctp'));
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([expect.objectContaining({ reason: 'bad-signature', message: expect.stringContaining('fingerprint') })]);
  });

  it('signs an existing bundle (replacing its own earlier signature), keeping the rest', async () => {
    const key = newKey();
    const ct = nativeCt({ keys: { me: key.publicHex, 'test-key': TEST_KEY_PUB }, clock: () => PACK_TIME });
    const once = await ct.sign(vector('signed.ctp'), { keyId: 'me', privateKey: key.privHex, output: join(dir.path, 'two.ctp') });
    const twice = await ct.sign(once.path, { keyId: 'me', privateKey: key.seedHex });
    expect(twice.path).toBe(once.path);
    const report = await ct.verify(twice.path, { requireSignature: true });
    expect(report.ok).toBe(true);
    expect(report.manifestSha256).toBe(HELLO_MANIFEST_SHA256);
    expect(report.signatures.map((s) => [s.keyId, s.valid, s.timestamp])).toEqual([
      ['test-key', true, '2026-11-25 21:39:29'],
      ['me', true, '2026-11-25 21:39:29'],
    ]);
  });

  it('refuses to sign a tampered bundle', async () => {
    const key = newKey();
    const thrown = await failure(nativeCt({ keys: {} }).sign(vector('badman.ctp'), { keyId: 'me', privateKey: key.seedHex, output: join(dir.path, 'x.ctp') }));
    expect(isBundleError(thrown) && thrown.reason).toBe('manifest-hash-mismatch');
  });

  it('explains a missing private key, manifest or metadata', async () => {
    const ct = nativeCt({ keys: {}, keysDir: dir.path });
    const noKey = await failure(ct.pack(vector('hello.manifest.ctp'), { output: join(dir.path, 'x'), sign: { keyId: 'absent' } }));
    expect(isBundleError(noKey) && noKey.reason).toBe('bad-key');
    const noManifest = await failure(ct.pack(join(dir.path, 'absent.toml'), { output: join(dir.path, 'x') }));
    expect(isBundleError(noManifest) && noManifest.reason).toBe('not-found');
    const noMetadata = await failure(ct.pack({ manifest: '[build]\nsystem = "make"\n' }, { output: join(dir.path, 'x') }));
    expect(isBundleError(noMetadata) && noMetadata.reason).toBe('malformed-manifest');
  });

  it('refuses a folder as a bundle, and an oversized file before reading it', async () => {
    const notFile = await failure(nativeCt({ keys: {} }).verify(dir.path));
    expect(isBundleError(notFile) && notFile.reason).toBe('unreadable');
    const big = await failure(nativeCt({ keys: {}, limits: { maxBundleBytes: 4096 } }).inspect(vector('badsig.ctp')));
    expect(isBundleError(big) && big.reason).toBe('oversized');
  });

  it('refuses a symlink among the sources', async () => {
    const { symlink, mkdir } = await import('node:fs/promises');
    await mkdir(join(dir.path, 'src'));
    await writeFile(join(dir.path, 'target'), 'x');
    await symlink(join(dir.path, 'target'), join(dir.path, 'src', 'link'));
    const thrown = await failure(nativeCt({ keys: {} }).pack(vector('hello.manifest.ctp'), { output: join(dir.path, 'x'), sources: join(dir.path, 'src') }));
    expect(isInvalidArgumentError(thrown)).toBe(true);
  });

  it('validates its options eagerly, naming the field', () => {
    const thrown = (make: () => unknown) => {
      try {
        make();
      } catch (error) {
        return error;
      }
      return undefined;
    };
    const badKey = thrown(() => nativeCt({ keys: { k: 'not-a-key' } }));
    expect(isInvalidArgumentError(badKey) && badKey.field).toBe('keys.k');
    const badLimit = thrown(() => nativeCt({ limits: { maxMembers: 0 } }));
    expect(isInvalidArgumentError(badLimit) && badLimit.field).toBe('limits.maxMembers');
  });

  it('reports an output it cannot write as unwritable, leaving no temporary file', async () => {
    const { readdir } = await import('node:fs/promises');
    const thrown = await failure(nativeCt({ keys: {} }).pack(vector('hello.manifest.ctp'), { output: join(dir.path, 'no-such-dir', 'x') }));
    expect(isBundleError(thrown) && thrown.reason).toBe('unwritable');
    expect(await readdir(dir.path)).toEqual([]);
  });

  it('has no OCI client: push and fetch point at ctCli', async () => {
    const ct = nativeCt({ keys: {} });
    for (const thrown of [await failure(ct.push(vector('signed.ctp'), 'localhost:5000/x')), await failure(ct.fetch('localhost:5000/x'))]) {
      expect(isUnsupportedOperationError(thrown)).toBe(true);
      expect((thrown as Error).message).toContain('ctCli');
    }
    expect(ct.capabilities.has('push')).toBe(false);
  });
});
