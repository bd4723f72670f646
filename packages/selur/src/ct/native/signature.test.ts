import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isBundleError } from '../../errors/bundle-error.js';
import { fingerprintOf, publicKeyHex, signatureAttestation, signingKey, utcTimestamp, verifySignature } from './signature.js';

const TEST_KEY = 'd59313a3d1be650f787ce7f38b5945d8f54b85cf3d29b28d50029a92e29449f5';
const HASH = 'd47aa5c7ea32b82df371ecf2957fe66312b02f1acc5bf47b73332ba357b68800';
const SIG = '77c48bc46bc03923b99e31c779a7dd7d23eef9356191b57306c43b6ce1a5e245bbf5bc48025936369a9d71f4c1186e5d81ea806432428655b3954017d657b809';

function seed(): string {
  return generateKeyPairSync('ed25519').privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(-32).toString('hex');
}

describe('CT-SIG-01', () => {
  it("computes ct's fingerprint: SHA-256 of the public key's hex string", () => {
    expect(fingerprintOf(TEST_KEY)).toBe('85fe20fbf4e146723d1be73940e969076f5b0decb0d0834aaa87a98f22d9b071');
  });

  it("verifies signed.ctp's signature over the ASCII hex hash, and not a tampered one", () => {
    expect(verifySignature(TEST_KEY, HASH, SIG)).toBe(true);
    expect(verifySignature(TEST_KEY, HASH, `00${SIG.slice(2)}`)).toBe(false);
    expect(verifySignature(TEST_KEY, `0${HASH.slice(1)}`, SIG)).toBe(false);
  });

  it('signs what it verifies, with a UTC timestamp, for seed and seed+public keys', () => {
    const key = signingKey('k', seed());
    const attestation = signatureAttestation(key, HASH, new Date(Date.UTC(2026, 10, 25, 21, 39, 29)));
    expect(attestation).toMatchObject({ type: 'signature', suite: 'CT-SIG-01', key_id: 'k', fingerprint: fingerprintOf(key.publicHex), timestamp: '2026-11-25 21:39:29' });
    expect(verifySignature(key.publicHex, HASH, attestation.signature)).toBe(true);
    const s = seed();
    expect(signingKey('k', Buffer.from(s, 'hex')).publicHex).toBe(signingKey('k', s).publicHex);
  });

  it('reads ct .priv files (seed then public) and refuses a mismatched public half', () => {
    const s = seed();
    const key = signingKey('k', s);
    expect(signingKey('k', `${s}${key.publicHex}\n`).publicHex).toBe(key.publicHex);
    const other = signingKey('o', seed());
    for (const bad of [`${s}${other.publicHex}`, 'zz', s.slice(2)]) {
      let thrown: unknown;
      try {
        signingKey('k', bad);
      } catch (error) {
        thrown = error;
      }
      expect(isBundleError(thrown) && thrown.reason).toBe('bad-key');
    }
  });

  it('accepts public keys as hex or 32 raw bytes and refuses anything else', () => {
    expect(publicKeyHex(Buffer.from(TEST_KEY, 'hex'), 'k')).toBe(TEST_KEY);
    expect(publicKeyHex(`${TEST_KEY.toUpperCase()}\n`, 'k')).toBe(TEST_KEY);
    expect(() => publicKeyHex('abc', 'k')).toThrow(/64 hex/);
  });

  it('formats timestamps as ct does', () => {
    expect(utcTimestamp(new Date(0))).toBe('1970-01-01 00:00:00');
  });
});
