import { generateKeyPairSync, createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProjectSpec, ServiceSpec } from '@selur/compose';
import { buildBundle, sha256Hex } from '../ct/native/bundle.js';
import { nativeCt } from '../ct/native/native-ct.js';
import { evaluatePolicy } from './evaluate-policy.js';

const HELLO = new URL('../../test/vectors/ct/hello.manifest.ctp', import.meta.url);
const SLSA = 'https://slsa.dev/provenance/v1';
const SPDX = 'https://spdx.dev/Document';

function key(): { seedHex: string; publicHex: string; fingerprint: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const seedHex = privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(-32).toString('hex');
  const publicHex = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32).toString('hex');
  return { seedHex, publicHex, fingerprint: createHash('sha256').update(publicHex).digest('hex') };
}

function service(image: string): ServiceSpec {
  return {
    image, environment: {}, env_file: [], ports: [], depends_on: {}, volumes: [], networks: {}, secrets: [], restart: 'no',
    deploy: { replicas: 1, strategy: 'rolling' }, profiles: [], labels: {}, stop_grace_period: '10s', stop_signal: 'SIGTERM', read_only: false, extensions: {},
  };
}
const spec = (image: string): ProjectSpec => ({ name: 'attested', version: '1.0', services: { api: service(image) }, volumes: {}, networks: {}, secrets: {}, configs: {}, extensions: {} });

describe('evaluatePolicy on a bundle with predicate and log attestations', () => {
  let dir: string;
  const signer = key();
  const ct = nativeCt({ keys: { release: signer.publicHex }, trustDir: false });
  const policy = { version: 1, requiredPredicates: [SLSA, SPDX], allowedSigners: [`sha256:${signer.fingerprint}`], logQuorum: 2, mode: 'strict' };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'policy-test-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  /** Writes a bundle with these (unsigned) attestations, then signs it with the release key. */
  async function attested(attestations: readonly Record<string, string>[]): Promise<string> {
    const manifest = await readFile(HELLO);
    const bytes = buildBundle(manifest, { ctpVersion: '1.0', package: { name: 'hello', version: '2.10' }, manifestSha256: sha256Hex(manifest), attestations: attestations as never }, [], 1_795_642_769);
    const path = join(dir, 'api.ctp');
    await writeFile(path, bytes);
    await ct.sign(path, { keyId: 'release', privateKey: signer.seedHex });
    return path;
  }

  it('passes when predicates, a verified allowed signer and the log quorum are all there', async () => {
    const bundle = await attested([
      { type: 'in-toto', predicate_type: SLSA },
      { type: SPDX },
      { type: 'transparency-log', log_id: 'rekor' },
      { type: 'transparency-log', log_id: 'ct-tlog' },
    ]);
    const result = await evaluatePolicy({ spec: spec(bundle), workingDir: dir }, policy, { ct });
    expect(result).toMatchObject({ passed: true, allowed: true, mode: 'strict' });
    expect(result.services[0]).toMatchObject({ passed: true, reasons: [], predicates: [SLSA, SPDX], signers: [`sha256:${signer.fingerprint}`], logOperators: ['ct-tlog', 'rekor'] });
  });

  it('fails on a missing predicate and a short log quorum (one operator twice counts once)', async () => {
    const bundle = await attested([
      { type: 'in-toto', predicate_type: SLSA },
      { type: 'transparency-log', log_id: 'rekor' },
      { type: 'transparency-log', log_id: 'rekor' },
    ]);
    const result = await evaluatePolicy({ spec: spec(bundle), workingDir: dir }, policy, { ct });
    expect(result.services[0]?.reasons).toEqual([
      `missing required predicate: ${SPDX} (found: ${SLSA})`,
      'log quorum not met: 1 distinct log operator (rekor), the policy requires 2',
    ]);
    expect(result.allowed).toBe(false);
  });
});
