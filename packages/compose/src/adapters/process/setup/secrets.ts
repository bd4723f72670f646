import { copyFile, chmod, chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SecretSource } from '../../../runtime/types.js';
import { envName, safeSegment } from '../state/paths.js';

/**
 * Copies each secret into a fresh private folder (0700) as a 0600 file (both owned by `owner`,
 * the user the service runs as, when it has one of its own), and returns the
 * `<NAME>_FILE` variables pointing at them, and each copy's path by secret name. The content is
 * never read into memory here.
 */
export async function stageSecrets(secrets: readonly SecretSource[], owner?: { readonly uid: number; readonly gid: number }): Promise<{ dir?: string; env: Record<string, string>; files: Record<string, string> }> {
  if (secrets.length === 0) return { env: {}, files: {} };
  const dir = await mkdtemp(join(tmpdir(), 'selur-secrets-'));
  await chmod(dir, 0o700);
  if (owner) await chown(dir, owner.uid, owner.gid);
  const env: Record<string, string> = {};
  const files: Record<string, string> = {};
  try {
    for (const secret of secrets) {
      const file = join(dir, safeSegment(secret.name));
      await copyFile(secret.file, file);
      await chmod(file, 0o600);
      if (owner) await chown(file, owner.uid, owner.gid);
      env[`${envName(secret.name)}_FILE`] = file;
      files[secret.name] = file;
    }
  } catch (error) {
    await removeSecrets(dir);
    throw error;
  }
  return { dir, env, files };
}

/** Removes a folder made by {@link stageSecrets} (missing is fine). */
export async function removeSecrets(dir: string | undefined): Promise<void> {
  if (dir === undefined || !dir.includes('selur-secrets-')) return;
  await rm(dir, { recursive: true, force: true });
}
