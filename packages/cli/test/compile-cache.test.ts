import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, workspace } from './support/cli.js';

// The built CLI keeps one compile cache folder per command (src/cache-profile.ts): a `ps` after a
// `version` reads caches that a `ps` wrote, which hold the functions `ps` runs, not version's
// (which lack them: each `ps` then compiled its own code again).
const ws = workspace('selur-cli-cache-');
afterAll(() => ws.remove());
ws.write('compose.toml', 'version = "1.0"\nname = "cached"\n\n[services.web]\nimage = "node"\ncommand = ["node", "-e", "setInterval(() => {}, 1000)"]\n');
const cacheRoot = join(ws.dir, 'compile-cache');
const env = { ...ws.env, NODE_COMPILE_CACHE: cacheRoot };

/** The cache files of each command's folder. */
function folders(): Record<string, string[]> {
  const [build] = readdirSync(cacheRoot).filter((name) => name.startsWith('selur-cjs-'));
  const root = join(cacheRoot, build!);
  return Object.fromEntries(readdirSync(root).sort().map((name) => [name, readdirSync(join(root, name)).filter((file) => file.endsWith('.cache')).sort()]));
}

describe('the compile cache of the built CLI (subprocess)', { timeout: 60_000 }, () => {
  it('`version` then `ps` write one folder each; `ps` has its own cache of the CLI, not the one `version` wrote', async () => {
    const version = await runCli(['version'], { cwd: ws.dir, env });
    expect(version.code, version.stderr).toBe(0);
    expect(Object.keys(folders())).toEqual(['version']);
    expect(folders()['version']).toHaveLength(1); // dist/run.js: version loads nothing of the SDK
    const ps = await runCli(['-f', join(ws.dir, 'compose.toml'), 'ps'], { cwd: ws.dir, env });
    expect(ps.code, ps.stderr).toBe(0);
    const after = folders();
    expect(Object.keys(after)).toEqual(['ps', 'version']);
    expect(after['ps']).toEqual(expect.arrayContaining(after['version']!)); // run.js, cached again for ps
    expect(after['ps']!.length).toBeGreaterThan(after['version']!.length); // and the SDK's modules
    // a second `ps` writes nothing new
    const again = await runCli(['ps'], { cwd: ws.dir, env });
    expect(again.code, again.stderr).toBe(0);
    expect(folders()).toEqual(after);
  });
});
