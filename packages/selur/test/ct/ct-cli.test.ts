import { existsSync } from 'node:fs';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isInvalidArgumentError, isUnsupportedOperationError } from '@selur/compose';
import { ctCli, isBundleError, isCtCommandError, nativeCt, type CtCliOptions } from '@selur/compose-selur';
import { newKey, tempDir, TEST_KEY_PUB, vector, writeConfig } from '../../../compose/test/ct/helpers.js';
import { installStandin } from './standin.js';

const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error);

describe('ctCli against the stand-in ct', () => {
  let dir: { path: string; remove: () => Promise<void> };
  let log: string;
  let make: (options?: CtCliOptions & { extraEnv?: Record<string, string> }) => ReturnType<typeof ctCli>;
  const calls = async (): Promise<string[][]> =>
    existsSync(log) ? (await readFile(log, 'utf8')).trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as string[]) : [];

  beforeEach(async () => {
    dir = await tempDir();
    log = join(dir.path, 'calls.jsonl');
    const standin = await installStandin(dir.path);
    await writeConfig(join(dir.path, 'config'), { 'test-key': { publicHex: TEST_KEY_PUB } });
    make = (options = {}) =>
      ctCli({
        path: standin.path,
        keys: { 'test-key': TEST_KEY_PUB },
        ...options,
        env: { ...standin.env, CT_STANDIN_LOG: log, XDG_CONFIG_HOME: join(dir.path, 'config'), CT_STANDIN_REGISTRY: join(dir.path, 'registry'), ...options.env, ...options.extraEnv },
      });
  });
  afterEach(() => dir.remove());

  it('maps ct verify exit codes on the vectors: 0 ok, 1 hash mismatch, 10 malformed, 11 missing', async () => {
    const ct = make();
    expect((await ct.verify(vector('signed.ctp'))).ok).toBe(true);
    for (const [file, reason, exit] of [
      ['badman.ctp', 'manifest-hash-mismatch', 1],
      ['out-nonl.ctp', 'manifest-hash-mismatch', 1],
      ['hello.manifest.ctp', 'malformed', 10],
      ['absent.ctp', 'not-found', 11],
    ] as const) {
      const thrown = await failure(ct.verify(vector(file)));
      expect(isBundleError(thrown) && thrown.reason).toBe(reason);
      const cause = (thrown as Error).cause;
      expect(isCtCommandError(cause) && cause.exitCode).toBe(exit);
    }
    expect(await calls()).toContainEqual(['verify', vector('badman.ctp'), '--offline']);
  });

  it("quotes ct's stdout in its errors", async () => {
    const thrown = await failure(make().verify(vector('badman.ctp')));
    expect((thrown as Error).message).toContain('FAILED: manifest hash mismatch');
  });

  it('fails badsig.ctp, which ct itself passes, by checking signatures in TypeScript', async () => {
    const report = await make().verify(vector('badsig.ctp'));
    expect(report.ok).toBe(false);
    expect(report.problems.map((p) => p.reason)).toEqual(['bad-signature']);
    expect(await calls()).toEqual([['verify', vector('badsig.ctp'), '--offline']]);
  });

  it('passes a compact summary to ct, which calls it malformed (exit 10)', async () => {
    const bytes = Buffer.from(await readFile(vector('out-nonl.ctp')));
    const text = bytes.subarray(1536, 1536 + 220).toString();
    const compact = Buffer.from(JSON.stringify(JSON.parse(text)).padEnd(220, ' '));
    compact.copy(bytes, 1536);
    await writeFile(join(dir.path, 'compact.ctp'), bytes);
    const thrown = await failure(make().verify(join(dir.path, 'compact.ctp')));
    expect(isBundleError(thrown) && thrown.reason).toBe('malformed');
  });

  it('passes arguments as an array: spaces, quotes and shell syntax reach ct intact; a leading dash cannot become a flag', async () => {
    const ct = make({ offline: false });
    const odd = join(dir.path, `it's "a" $(touch pwned); name`);
    const { path } = await ct.pack(vector('hello.manifest.ctp'), { output: odd });
    expect(path).toBe(`${odd}.ctp`);
    expect((await ct.verify(path)).ok).toBe(true);
    expect(existsSync(join(dir.path, 'pwned'))).toBe(false);
    const recorded = await calls();
    expect(recorded).toEqual([
      ['pack', vector('hello.manifest.ctp'), '-o', odd],
      ['verify', `${odd}.ctp`],
    ]);
    await failure(make({ cwd: dir.path }).verify('-v.ctp'));
    expect((await calls()).at(-1)).toEqual(['verify', './-v.ctp', '--offline']);
  });

  it('knows that `pack -o X` writes X.ctp (and never X.ctp.ctp)', async () => {
    const ct = make();
    const a = await ct.pack(vector('hello.manifest.ctp'), { output: join(dir.path, 'a') });
    const b = await ct.pack(vector('hello.manifest.ctp'), { output: join(dir.path, 'b.ctp') });
    expect([a.path, b.path]).toEqual([join(dir.path, 'a.ctp'), join(dir.path, 'b.ctp')]);
    expect(existsSync(join(dir.path, 'b.ctp.ctp'))).toBe(false);
    expect((await calls()).map((args) => args[3])).toEqual([join(dir.path, 'a'), join(dir.path, 'b')]);
    expect(a.digest).toBe(await nativeCt({ keys: {} }).digest(a.path));
  });

  it("hands ct a copy with a final LF, so ct's packer quirk cannot produce a bundle that fails its own verify", async () => {
    const manifest = join(dir.path, 'mini.toml');
    await writeFile(manifest, '[metadata]\nname = "mini"\nversion = "1.0"');
    const { path } = await make().pack(manifest, { output: join(dir.path, 'mini') });
    expect((await make().verify(path)).ok).toBe(true);
    expect((await calls())[0]?.[1]).not.toBe(manifest);
  });

  it('agrees with the native writer: same manifest, summary and members', async () => {
    const key = newKey();
    await writeConfig(join(dir.path, 'config'), { 'k': { publicHex: key.publicHex, privHex: key.privHex } });
    const native = nativeCt({ keys: { k: key.publicHex } });
    const viaCt = await make({ keys: { k: key.publicHex } }).pack(vector('hello.manifest.ctp'), { output: join(dir.path, 'ct'), sign: { keyId: 'k' } });
    const viaNative = await native.pack(vector('hello.manifest.ctp'), { output: join(dir.path, 'native'), sign: { keyId: 'k', privateKey: key.privHex } });
    const [a, b] = await Promise.all([native.inspect(viaCt.path), native.inspect(viaNative.path)]);
    const strip = (c: typeof a) => ({ ...c, path: '', digest: '', members: c.members.map((m) => ({ ...m, mtime: 0 })), summary: { ...c.summary, attestations: [] }, attestations: [] });
    expect(strip(a)).toEqual(strip(b));
    expect(a.attestations[0]).toMatchObject({ key_id: 'k', signature: (b.attestations[0] as { signature: string }).signature }); // Ed25519 is deterministic
    expect((await native.verify(viaCt.path, { requireSignature: true })).ok).toBe(true);
    expect((await make().verify(viaNative.path)).ok).toBe(true);
    expect(await calls()).toContainEqual(['pack', vector('hello.manifest.ctp'), '-o', join(dir.path, 'ct'), '--sign', '--key', 'k']);
  });

  it('reports sbom, provenance, attestations, policy and bundle sign as unsupported without running ct', async () => {
    const ct = make();
    for (const operation of ['sbom', 'provenance', 'attestations', 'policy'] as const) {
      const thrown = await failure(ct[operation](vector('signed.ctp')));
      expect(isUnsupportedOperationError(thrown) && thrown.provider).toBe('ct');
      expect((thrown as Error).message).toContain(operation);
    }
    expect(isUnsupportedOperationError(await failure(ct.sign(vector('signed.ctp'), { keyId: 'k' })))).toBe(true);
    expect(isInvalidArgumentError(await failure(ct.pack(vector('hello.manifest.ctp'), { output: join(dir.path, 'x'), sign: { keyId: 'k', privateKey: 'ab' } })))).toBe(true);
    expect(await calls()).toEqual([]);
  });

  it('pushes and fetches through ct, mapping its exit codes', async () => {
    const ct = make();
    await ct.push(vector('signed.ctp'), 'localhost:5000/hello:2.10');
    const exists = await failure(ct.push(vector('signed.ctp'), 'localhost:5000/hello:2.10'));
    expect(isCtCommandError(exists) && exists.exitCode).toBe(3);
    expect((exists as Error).message).toContain('already exists');
    await ct.push(vector('signed.ctp'), 'localhost:5000/hello:2.10', { force: true });
    const out = join(dir.path, 'fetched.ctp');
    expect(await ct.fetch('localhost:5000/hello:2.10', { output: out })).toBe(out);
    expect(await readFile(out)).toEqual(await readFile(vector('signed.ctp')));
    expect(await ct.fetch('localhost:5000/hello:2.10', { verifyOnly: true })).toBeUndefined();
    const missing = await failure(ct.fetch('localhost:5000/nope:1'));
    expect(isCtCommandError(missing) && missing.exitCode).toBe(1);
    const malformed = await failure(ct.push(vector('hello.manifest.ctp'), 'localhost:5000/x:1'));
    expect(isBundleError(malformed) && malformed.reason).toBe('malformed');
    expect((await calls()).slice(0, 3)).toEqual([
      ['push', vector('signed.ctp'), 'localhost:5000/hello:2.10'],
      ['push', vector('signed.ctp'), 'localhost:5000/hello:2.10'],
      ['push', vector('signed.ctp'), 'localhost:5000/hello:2.10', '--force'],
    ]);
  });

  it('passes registry credentials through the environment and never puts them in errors', async () => {
    const denied = await failure(make({ extraEnv: { CT_STANDIN_REQUIRE_AUTH: '1' } }).push(vector('signed.ctp'), 'localhost:5000/a:1'));
    expect(isCtCommandError(denied) && denied.exitCode).toBe(2);
    const ct = make({ extraEnv: { CT_STANDIN_REQUIRE_AUTH: '1', CT_REGISTRY_USER: 'me', CT_REGISTRY_PASS: 's3cret-pass' } });
    await ct.push(vector('signed.ctp'), 'localhost:5000/a:1');
    const exists = await failure(ct.push(vector('signed.ctp'), 'localhost:5000/a:1'));
    expect(isCtCommandError(exists)).toBe(true);
    expect(JSON.stringify({ ...(exists as object), message: (exists as Error).message })).not.toContain('s3cret-pass');
  });

  it('reports a missing ct binary, an unknown exit code and a timeout as CtCommandError', async () => {
    const missing = await failure(ctCli({ path: join(dir.path, 'no-such-ct') }).verify(vector('signed.ctp')));
    expect(isCtCommandError(missing) && missing.exitCode).toBeNull();
    expect((missing as Error).message).toContain('nativeCt()');

    const odd = join(dir.path, 'odd-ct');
    await writeFile(odd, '#!/usr/bin/env node\nprocess.stdout.write("something new\\n"); process.exit(42);\n');
    await chmod(odd, 0o755);
    const env = (await installStandin(join(dir.path))).env;
    const unknown = await failure(ctCli({ path: odd, env }).verify(vector('signed.ctp')));
    expect(isCtCommandError(unknown) && unknown.exitCode).toBe(42);
    expect((unknown as Error).message).toContain('something new');

    const slow = join(dir.path, 'slow-ct');
    await writeFile(slow, '#!/usr/bin/env node\nsetTimeout(() => {}, 60000);\n');
    await chmod(slow, 0o755);
    const timedOut = await failure(ctCli({ path: slow, env, timeoutMs: 200 }).verify(vector('signed.ctp')));
    expect(isCtCommandError(timedOut) && timedOut.signal).toBe('SIGTERM');
  });

  it('validates its options eagerly', () => {
    expect(() => ctCli({ timeoutMs: -1 })).toThrow(/timeoutMs/);
    expect(() => ctCli({ path: '' })).toThrow(/path/);
  });

  it('answers "Unknown command" for what ct lacks (the stand-in follows the reference)', async () => {
    const { execFile } = await import('node:child_process');
    const standin = join(dir.path, 'ct');
    const result = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      execFile(process.execPath, [standin, 'sbom', 'x.ctp'], (error, stdout) => resolve({ code: error ? (error as { code?: number }).code ?? null : 0, stdout }));
    });
    expect(result).toEqual({ code: 1, stdout: 'Unknown command: sbom\n' });
  });
});
