import { chmod, copyFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const STANDIN = fileURLToPath(new URL('./fixtures/ct-standin.mjs', import.meta.url));

/** Installs the stand-in `ct` as an executable in `dir`; returns its path and an env that finds `node`. */
export async function installStandin(dir: string): Promise<{ path: string; env: Record<string, string> }> {
  const path = join(dir, 'ct');
  await copyFile(STANDIN, path);
  await chmod(path, 0o755);
  return { path, env: { PATH: `${dirname(process.execPath)}:${process.env['PATH'] ?? ''}` } };
}
