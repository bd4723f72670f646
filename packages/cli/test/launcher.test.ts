/**
 * The launcher (the first two lines of dist/cli.js, see tsup.config.ts): Node 20 reads
 * `--env-file` anywhere on its command line, even after the script and through a
 * `#!/usr/bin/env node` shebang, so `selur-compose --env-file /missing` used to exit 9 with Node's
 * own message. The launcher runs Node with `--` before the script: the CLI alone reads its options.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BINARY, runCli, workspace } from './support/cli.js';

const ws = workspace('selur-cli-launcher-');
ws.write('compose.toml', 'version = "1.0"\n[services.a]\nimage = "registry.example.com/org/a.ctp"\ncommand = ["sleep", "60"]\n');
afterAll(() => ws.remove());

describe('the selur-compose launcher', () => {
  it('Node itself would read --env-file after the script, through a node shebang too (why the launcher exists)', () => {
    const script = ws.write('node-shebang.mjs', '#!/usr/bin/env node\nconsole.log("ran");\n');
    chmodSync(script, 0o755);
    const direct = spawnSync(script, ['--env-file', '/missing/file'], { encoding: 'utf8', timeout: 30_000 });
    expect(direct.status).toBe(9);
    expect(direct.stderr).toContain('/missing/file: not found');
  });

  it('--env-file /missing: exit 2 with the CLI\'s own message, wherever it stands', async () => {
    for (const args of [['--env-file', '/missing/file', 'ps'], ['ps', '--env-file', '/missing/file'], ['--env-file=/missing/file', 'config']]) {
      const result = await runCli(args, { cwd: ws.dir, env: ws.env, bin: true });
      expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(2);
      expect(result.stderr).toContain('--env-file /missing/file: cannot read the file');
      expect(result.stderr).not.toContain('node:');
    }
  });

  it('works through a symlink (node_modules/.bin) and passes every argument as it is', async () => {
    const link = join(ws.dir, 'selur-compose');
    symlinkSync(BINARY, link);
    const result = spawnSync(link, ['version'], { cwd: ws.dir, encoding: 'utf8', timeout: 30_000, env: { ...process.env, ...ws.env } });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^selur-compose \d/);
    const spaced = await runCli(['-p', 'has space', 'ps'], { cwd: ws.dir, env: ws.env, bin: true });
    expect(spaced.stderr).toMatch(/has space/); // one argument, spaces and all
    expect(readFileSync(BINARY, 'utf8').split('\n').slice(0, 2)).toEqual(['#!/bin/sh', '":" //; exec node -- "$0" "$@"']);
  });

  it('pull on the process runtime exits 4 (nothing to pull there), as the README says', async () => {
    const result = await runCli(['pull'], { cwd: ws.dir, env: ws.env, bin: true });
    expect(result.code, result.stderr).toBe(4);
    expect(result.stderr).toContain("process does not support 'pull'");
  });
});
