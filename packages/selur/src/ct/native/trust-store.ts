import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { InvalidArgumentError } from '@selur/compose';
import { fingerprintOf, publicKeyHex } from './signature.js';
import { KEY_ID_PATTERN } from './summary.js';

/** A key found in the trust store, or why the key on disk cannot be used. */
export type TrustLookup =
  | { readonly found: true; readonly publicHex: string; readonly fingerprint: string }
  | { readonly found: false; readonly problem?: string | undefined };

/** Where trusted public keys come from. */
export interface TrustStore {
  find(keyId: string): Promise<TrustLookup>;
}

/** ct's config folder: `$XDG_CONFIG_HOME/cerro-torre` or `~/.config/cerro-torre`. */
export function ctConfigDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env['XDG_CONFIG_HOME'];
  return join(xdg && xdg.length > 0 ? xdg : join(homedir(), '.config'), 'cerro-torre');
}

/** Trust levels in a `.meta` file that mean "do not trust". */
const DISTRUST = new Set(['never', 'none', 'revoked', 'untrusted', 'disabled']);

/**
 * A trust store made of keys given in code and/or ct's trust folder (`<key_id>.pub`: 64 hex + LF;
 * an optional `<key_id>.meta` whose `fingerprint` must match and whose `trust` must not be
 * never/none/revoked/untrusted/disabled).
 */
export function trustStore(keys: Readonly<Record<string, string | Uint8Array>>, dir: string | undefined): TrustStore {
  const inCode = new Map<string, TrustLookup>();
  for (const [keyId, key] of Object.entries(keys)) {
    let publicHex: string;
    try {
      publicHex = publicKeyHex(key, keyId);
    } catch (cause) {
      throw new InvalidArgumentError(`keys['${keyId}'] must be an Ed25519 public key: 64 hex characters or 32 bytes`, { field: `keys.${keyId}`, cause });
    }
    inCode.set(keyId, { found: true, publicHex, fingerprint: fingerprintOf(publicHex) });
  }
  return {
    async find(keyId: string): Promise<TrustLookup> {
      const given = inCode.get(keyId);
      if (given) return given;
      if (dir === undefined || !KEY_ID_PATTERN.test(keyId)) return { found: false };
      return fromDir(dir, keyId);
    },
  };
}

async function fromDir(dir: string, keyId: string): Promise<TrustLookup> {
  let pub: string;
  try {
    pub = await readFile(join(dir, `${keyId}.pub`), 'utf8');
  } catch {
    return { found: false };
  }
  if (!/^[0-9a-f]{64}\n?$/.test(pub)) return { found: false, problem: `${join(dir, `${keyId}.pub`)} is not 64 lowercase hex characters and a LF` };
  const publicHex = pub.slice(0, 64);
  const fingerprint = fingerprintOf(publicHex);
  let meta: string | undefined;
  try {
    meta = await readFile(join(dir, `${keyId}.meta`), 'utf8');
  } catch {
    meta = undefined;
  }
  if (meta !== undefined) {
    const fields = new Map<string, string>();
    for (const line of meta.split('\n')) {
      const match = /^\s*([A-Za-z_]+)\s*=\s*(.*?)\s*$/.exec(line);
      if (match?.[1] && match[2] !== undefined) fields.set(match[1], match[2]);
    }
    const metaFingerprint = fields.get('fingerprint');
    if (metaFingerprint !== undefined && metaFingerprint !== fingerprint) {
      return { found: false, problem: `${keyId}.meta fingerprint ${metaFingerprint} does not match the key (${fingerprint})` };
    }
    const trust = fields.get('trust');
    if (trust !== undefined && DISTRUST.has(trust.toLowerCase())) return { found: false, problem: `key '${keyId}' is marked trust = ${trust}` };
  }
  return { found: true, publicHex, fingerprint };
}
