/**
 * What the CtDriver contract suite (and the tests of every driver) need: the ct vectors made by the
 * real `ct` (kept with the selur stack's package), keys in ct's formats, ct's config folder layout.
 */
import { generateKeyPairSync, createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The ct vectors: `packages/selur/test/vectors/ct/` (made and signed by the real ct). */
export const VECTORS = fileURLToPath(new URL('../../../selur/test/vectors/ct/', import.meta.url));
export const vector = (name: string): string => join(VECTORS, name);
export const TEST_KEY_PUB = 'd59313a3d1be650f787ce7f38b5945d8f54b85cf3d29b28d50029a92e29449f5';
export const TEST_KEY_FINGERPRINT = '85fe20fbf4e146723d1be73940e969076f5b0decb0d0834aaa87a98f22d9b071';
export const HELLO_MANIFEST_SHA256 = 'd47aa5c7ea32b82df371ecf2957fe66312b02f1acc5bf47b73332ba357b68800';

/** A fresh temp folder; `remove()` deletes it. */
export async function tempDir(): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'ct-test-'));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** A new Ed25519 key in ct's formats. */
export function newKey(): { seedHex: string; publicHex: string; privHex: string; fingerprint: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const seedHex = privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(-32).toString('hex');
  const publicHex = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32).toString('hex');
  return { seedHex, publicHex, privHex: seedHex + publicHex, fingerprint: createHash('sha256').update(publicHex).digest('hex') };
}

/** Lays out ct's config folder: `trust/<id>.pub` (+ `.meta`) and `keys/<id>.priv`. */
export async function writeConfig(
  configHome: string,
  keys: Record<string, { publicHex: string; privHex?: string; trust?: string; fingerprint?: string }>,
): Promise<void> {
  const root = join(configHome, 'cerro-torre');
  await mkdir(join(root, 'trust'), { recursive: true });
  await mkdir(join(root, 'keys'), { recursive: true });
  for (const [id, key] of Object.entries(keys)) {
    await writeFile(join(root, 'trust', `${id}.pub`), `${key.publicHex}\n`);
    if (key.trust !== undefined || key.fingerprint !== undefined) {
      const fp = key.fingerprint ?? createHash('sha256').update(key.publicHex).digest('hex');
      await writeFile(join(root, 'trust', `${id}.meta`), `key_id = ${id}\nfingerprint = ${fp}\ntrust = ${key.trust ?? 'ultimate'}\ncreated = 2026-01-18\n`);
    }
    if (key.privHex) await writeFile(join(root, 'keys', `${id}.priv`), `${key.privHex}\n`);
  }
}
