import { afterAll, describe, expect, it } from 'vitest';
import { runCli, workspace } from './support/cli.js';

const ws = workspace('selur-cli-errors-');
afterAll(() => ws.remove());
const cli = (args: string[], cwd = ws.dir) => runCli(args, { cwd, env: ws.env });

describe('selur-compose errors (subprocess)', { timeout: 60_000 }, () => {
  it('a TOML syntax error exits 3 with file:line:column, the offending line and a caret', async () => {
    const dir = workspace('selur-cli-toml-');
    try {
      const file = dir.write('compose.toml', 'version = "1.0"\n\n[services.api\nimage = "node"\n');
      const result = await cli(['config'], dir.dir);
      expect(result.code).toBe(3);
      expect(result.stdout).toBe('');
      const [first, source, caret] = result.stderr.split('\n');
      expect(first).toMatch(new RegExp(`^error: ${file.replace(/[/.]/g, '\\$&')}:3:\\d+: invalid TOML: `));
      expect(source).toBe('  3 | [services.api');
      expect(caret).toMatch(/^ {4}\| {2,}\^$/);
      expect(result.stderr).not.toMatch(/^\s+at /m);
    } finally {
      dir.remove();
    }
  });

  it('validation problems exit 3, each with file:line:column and the offending line', async () => {
    const file = ws.write(
      'invalid.toml',
      ['version = "1.0"', '', '[services.api]', 'image = "node"', 'depends_on = ["db"]', 'restart = "sometimes"', ''].join('\n'),
    );
    const result = await cli(['-f', 'invalid.toml', 'config']);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/^error: invalid compose project: 2 problems$/m);
    const lines = result.stderr.split('\n');
    const depends = lines.findIndex((l) => l.startsWith(`${file}:5:`) && l.includes('services.api.depends_on'));
    expect(depends, result.stderr).toBeGreaterThan(0);
    expect(lines[depends + 1]).toBe('  5 | depends_on = ["db"]');
    expect(lines[depends + 2]).toMatch(/^ {4}\| +\^$/);
    expect(result.stderr).toMatch(new RegExp(`^${file.replace(/[/.]/g, '\\$&')}:6:\\d+: services\\.api\\.restart: `, 'm'));
    expect(result.stderr).toMatch(/^hint: /m);
  });

  it('a missing compose file says where it looked and what to do (exit 1)', async () => {
    const empty = workspace('selur-cli-empty-');
    try {
      const result = await cli(['ps'], empty.dir);
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(
        `error: no compose.toml, compose.yaml, compose.yml, docker-compose.yml, docker-compose.yaml in ${empty.dir} or its parents: pass -f FILE or set SELUR_COMPOSE_FILE\n`,
      );
    } finally {
      empty.remove();
    }
  });

  it('an operation the runtime cannot do fails with one line and exit 4', async () => {
    ws.write('compose.toml', 'version = "1.0"\n[services.api]\nimage = "node"\ncommand = ["node", "-e", "0"]\nbuild = { context = "." }\n');
    const build = await cli(['build']);
    expect(build.code).toBe(4);
    expect(build.stderr).toBe("error: process does not support 'build': host processes run commands, not images; try --runtime docker\n");
    const sbom = await cli(['sbom', 'api']);
    expect(sbom.code).toBe(4);
    expect(sbom.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('a wrong command line exits 2 and names the help to read', async () => {
    const unknown = await cli(['upp']);
    expect(unknown).toMatchObject({ code: 2, stdout: '' });
    expect(unknown.stderr).toBe("error: unknown command 'upp' (did you mean 'up'?)\nRun 'selur-compose --help' for usage.\n");
    const option = await cli(['logs', '--follw']);
    expect(option.code).toBe(2);
    expect(option.stderr).toMatch(/^error: unknown option '--follw'\nRun 'selur-compose logs --help' for usage\.\n$/);
    const service = await cli(['logs', 'nope']);
    expect(service.code).toBe(2);
    expect(service.stderr).toMatch(/^error: no service 'nope' in project '[a-z0-9_-]+' \(services: api\)\n/);
  });

  it('exec into a service that is not running says how to start it (exit 1)', async () => {
    ws.write('compose.toml', 'version = "1.0"\n[services.api]\nimage = "node"\ncommand = ["node", "-e", "0"]\n');
    const result = await cli(['exec', 'api', 'true']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe("error: service 'api' is not running: start it with 'selur-compose up -d api'\n");
  });

  it('--help works for every command without a compose file, --version prints the version', async () => {
    const empty = workspace('selur-cli-help-');
    try {
      const help = await cli(['up', '--help'], empty.dir);
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(/^Usage: selur-compose \[GLOBAL OPTIONS\] up \[OPTIONS\] \[SERVICE\.\.\.\]\n/);
      const version = await cli(['--version'], empty.dir);
      expect(version).toMatchObject({ code: 0, stdout: 'selur-compose 0.1.0\n' });
      const completion = await cli(['completion', 'bash'], empty.dir);
      expect(completion.stdout).toContain('complete -o default -F _selur_compose selur-compose');
    } finally {
      empty.remove();
    }
  });
});
