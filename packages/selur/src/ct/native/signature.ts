import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import type { CtSignatureAttestation } from '@selur/compose';
import { BundleError } from '../../errors/bundle-error.js';

/** DER prefix of an Ed25519 SubjectPublicKeyInfo; the 32 raw key bytes follow. */
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
/** DER prefix of an Ed25519 PKCS#8 private key; the 32-byte seed follows. */
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** The suite ct writes: Ed25519 over the ASCII hex manifest hash. */
export const CT_SIG_SUITE = 'CT-SIG-01';

/** A public key as ct stores it: 64 lowercase hex characters. */
export function publicKeyHex(key: string | Uint8Array, keyId: string): string {
  const hex = typeof key === 'string' ? key.trim().toLowerCase() : Buffer.from(key).toString('hex');
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new BundleError('bad-key', `public key '${keyId}' is not 32 bytes (64 hex characters)`);
  return hex;
}

/** ct's fingerprint: SHA-256 (hex) of the public key's 64-character hex string. */
export function fingerprintOf(publicHex: string): string {
  return createHash('sha256').update(publicHex, 'ascii').digest('hex');
}

/** Checks an Ed25519 signature (hex) over the ASCII manifest hash with a public key (hex). */
export function verifySignature(publicHex: string, manifestSha256: string, signatureHex: string): boolean {
  try {
    const key = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, Buffer.from(publicHex, 'hex')]), format: 'der', type: 'spki' });
    return verify(null, Buffer.from(manifestSha256, 'ascii'), key, Buffer.from(signatureHex, 'hex'));
  } catch {
    return false; // a key or signature the crypto library refuses cannot vouch for anything
  }
}

/** An Ed25519 private key and its public half. */
export interface SigningKey {
  readonly keyId: string;
  readonly privateKey: KeyObject;
  readonly publicHex: string;
}

/**
 * Reads a private key: 64 hex characters (seed), 128 hex (seed then public key, ct's `.priv` file)
 * or 32 raw seed bytes. With the 128-hex form, the stored public half must match the seed.
 */
export function signingKey(keyId: string, material: string | Uint8Array): SigningKey {
  const hex = typeof material === 'string' ? material.trim().toLowerCase() : Buffer.from(material).toString('hex');
  if (!/^[0-9a-f]{64}([0-9a-f]{64})?$/.test(hex)) {
    throw new BundleError('bad-key', `private key '${keyId}' must be a 32-byte seed (64 hex) or seed+public (128 hex)`);
  }
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, Buffer.from(hex.slice(0, 64), 'hex')]), format: 'der', type: 'pkcs8' });
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  const publicHex = Buffer.from(spki.subarray(SPKI_PREFIX.length)).toString('hex');
  if (hex.length === 128 && hex.slice(64) !== publicHex) {
    throw new BundleError('bad-key', `private key '${keyId}': the stored public half does not match the seed`);
  }
  return { keyId, privateKey, publicHex };
}

/** Signs a manifest hash, producing the attestation ct writes. */
export function signatureAttestation(key: SigningKey, manifestSha256: string, at: Date): CtSignatureAttestation {
  const signature = sign(null, Buffer.from(manifestSha256, 'ascii'), key.privateKey).toString('hex');
  return {
    type: 'signature',
    suite: CT_SIG_SUITE,
    key_id: key.keyId,
    fingerprint: fingerprintOf(key.publicHex),
    signature,
    timestamp: utcTimestamp(at),
  };
}

/** `YYYY-MM-DD HH:MM:SS` in UTC, as in ct's attestations. */
export function utcTimestamp(at: Date): string {
  return at.toISOString().slice(0, 19).replace('T', ' ');
}
