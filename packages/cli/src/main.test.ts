import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CliIo } from './io.js';
import { main } from './main.js';

const dir = mkdtempSync(join(tmpdir(), 'selur-cli-main-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const write = (name: string, text: string) => writeFileSync(join(dir, name), text);

/** Runs `main` in-process with captured output. */
async function run(argv: string[], env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { isTTY: false, write: (t) => void (stdout += t) },
    stderr: { isTTY: false, write: (t) => void (stderr += t) },
    env: { XDG_STATE_HOME: join(dir, '.state'), ...env },
    cwd: dir,
    onInterrupt: () => () => undefined,
    now: () => Date.now(),
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

write(
  'compose.toml',
  `version = "1.0"
name = "shop"

[services.api]
image = "node"
command = ["node", "api.js"]
environment = { API_URL = "\${API_URL:-http://default}", MODE = "\${MODE:-dev}" }
depends_on = ["db"]

[services.db]
image = "node"
command = ["node", "db.js"]

[services.debug]
image = "node"
command = ["node", "debug.js"]
profiles = ["debug"]
`,
);
write('compose.prod.toml', 'version = "1.0"\n[services.api]\nenvironment = { MODE = "prod" }\n');
write('vars.env', 'API_URL=http://from-env-file\n');

describe('main (in-process)', () => {
  it('an unset variable used bare is a warning on stderr at its file and line; $PORT gets the $$PORT hint (issue 14)', async () => {
    write('unset.toml', 'version = "1.0"\nname = "vars"\n[services.api]\nimage = "node"\ncommand = ["node", "api.js", "${SELUR_TEST_UNSET_CLI}"]\nhealthcheck = { test = "curl -f http://127.0.0.1:$PORT/" }\n');
    const r = await run(['-f', 'unset.toml', 'config']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`warning: ${join(dir, 'unset.toml')}:5:`);
    expect(r.stderr).toContain('services.api.command[2]: variable SELUR_TEST_UNSET_CLI is not set');
    expect(r.stderr).toContain('did you mean `$$PORT`');
  });

  it('config prints the canonical TOML, interpolated', async () => {
    const r = await run(['config']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^name = "shop"$/m);
    expect(r.stdout).toContain('API_URL = "http://default"');
    expect(r.stdout).not.toContain('[services.debug]');
  });

  it('config --format json merges -f overrides, --env-file values and profiles', async () => {
    const r = await run(['-f', 'compose.toml', '-f', 'compose.prod.toml', '--env-file', 'vars.env', '--profile', 'debug', 'config', '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const spec = JSON.parse(r.stdout) as { services: Record<string, { environment: Record<string, string> }> };
    expect(Object.keys(spec.services)).toEqual(['api', 'db', 'debug']);
    expect(spec.services['api']!.environment).toEqual({ API_URL: 'http://from-env-file', MODE: 'prod' });
  });

  it('the shell environment wins over --env-file, SELUR_COMPOSE_FILE and SELUR_PROJECT_NAME are read', async () => {
    const r = await run(['--env-file', 'vars.env', 'config', '--format', 'json'], {
      API_URL: 'http://from-shell',
      SELUR_COMPOSE_FILE: `compose.toml:compose.prod.toml`,
      SELUR_PROJECT_NAME: 'other',
    });
    const spec = JSON.parse(r.stdout) as { name: string; services: Record<string, { environment: Record<string, string> }> };
    expect(spec.name).toBe('other');
    expect(spec.services['api']!.environment).toEqual({ API_URL: 'http://from-shell', MODE: 'prod' });
  });

  it('config --services and --hash', async () => {
    expect((await run(['config', '--services'])).stdout).toBe('api\ndb\n');
    const hashes = await run(['config', '--hash']);
    expect(hashes.code, hashes.stderr).toBe(0);
    expect(hashes.stdout).toMatch(/^api [0-9a-f]{64}\ndb [0-9a-f]{64}\n$/);
    expect((await run(['config', '-q'])).stdout).toBe('');
  });

  it('images lists image and kind per service', async () => {
    const r = await run(['images', '--format', 'json']);
    expect(JSON.parse(r.stdout)).toEqual([
      { service: 'api', image: 'node', kind: 'image', build: '' },
      { service: 'db', image: 'node', kind: 'image', build: '' },
    ]);
  });

  it('a bad project name is a usage error (exit 2)', async () => {
    const r = await run(['-p', 'Bad Name', 'config']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: projectName must be lowercase/);
  });

  it('help and version need no compose file', async () => {
    expect((await run(['--help'])).stdout).toMatch(/^selur-compose \d+\.\d+\.\d+ — /);
    expect((await run(['help', 'network'])).stdout).toMatch(/^Usage: selur-compose \[GLOBAL OPTIONS\] network ls\|create\|rm/);
    expect((await run(['version'])).stdout).toMatch(/^selur-compose \d+\.\d+\.\d+ \(@selur\/compose /);
  });
});
