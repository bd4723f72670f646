import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, workspace } from './support/cli.js';

/** The real bundles made and signed by `ct` (see docs/reference/ct.md). */
const VECTORS = fileURLToPath(new URL('../../selur/test/vectors/ct/', import.meta.url));

const ws = workspace('selur-cli-supply-');
afterAll(() => ws.remove());

describe('selur-compose supply-chain commands (subprocess)', { timeout: 60_000 }, () => {
  it('verify checks every local bundle (stricter than ct: a tampered signature fails) and exits 1 on a failure', async () => {
    for (const name of ['signed.ctp', 'badsig.ctp', 'badman.ctp']) copyFileSync(join(VECTORS, name), join(ws.dir, name));
    // ct's trust store layout, holding the key that signed the vectors.
    const trust = join(ws.dir, 'config', 'cerro-torre', 'trust');
    mkdirSync(trust, { recursive: true });
    for (const name of ['test-key.pub', 'test-key.meta']) copyFileSync(join(VECTORS, name), join(trust, name));
    ws.write(
      'compose.toml',
      'version = "1.0"\n[services.good]\nimage = "./signed.ctp"\n[services.forged]\nimage = "./badsig.ctp"\n[services.tampered]\nimage = "./badman.ctp"\n[services.plain]\nimage = "node"\n',
    );
    const env = { ...ws.env, XDG_CONFIG_HOME: join(ws.dir, 'config') };
    const result = await runCli(['verify', '--format', 'json'], { cwd: ws.dir, env });
    expect(result.code, result.stderr).toBe(1);
    const rows = JSON.parse(result.stdout) as { service: string; ok: boolean; digest: string; detail: string }[];
    expect(rows.map((r) => [r.service, r.ok])).toEqual([
      ['forged', false],
      ['good', true],
      ['tampered', false],
    ]);
    expect(rows.find((r) => r.service === 'good')!.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(rows.find((r) => r.service === 'good')!.detail).toBe('signed by test-key');

    const one = await runCli(['verify', 'good'], { cwd: ws.dir, env });
    expect(one.code, one.stderr).toBe(0);
    expect(one.stdout).toMatch(/^SERVICE +RESULT +DIGEST +DETAIL\ngood +ok +sha256:[0-9a-f]{12}… +signed by test-key\n$/);
  });

  it('sbom of a bundle says in one line that ct cannot produce one (exit 4)', async () => {
    const result = await runCli(['sbom', 'good'], { cwd: ws.dir, env: ws.env });
    expect(result.code).toBe(4);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^error: .*sbom/);
  });
});
