/**
 * Issue 14, "variables": an unset `${VAR}` used bare became the empty string in silence. It is
 * now a located warning of the loaded project (`project.source.warnings`, printed by the CLI),
 * and `$PORT` in a command or healthcheck gets a "did you mean `$$PORT`" hint, since the
 * runtime sets PORT itself when the service starts.
 */
import { describe, expect, it } from 'vitest';
import { parseProject } from '@selur/compose';

const text = [
  'version = "1.0"',
  'name = "vars"',
  '[services.api]',
  'image = "api.ctp"',
  'command = ["node", "api.js", "--db", "${SELUR_TEST_DB_URL}"]',
  'environment = { GREETING = "${GREETING:-hi}", SELUR_TEST_MODE = "$SELUR_TEST_MODE" }',
  '[services.api.healthcheck]',
  'test = "wget -q -O- http://127.0.0.1:$PORT/health"',
  '',
].join('\n');

describe('unset variables (issue 14)', () => {
  it('each variable used bare that is unset is a warning at its file, line and field; one with a default is not', () => {
    const project = parseProject(text, { file: 'compose.toml', env: { SELUR_TEST_DB_URL: undefined, SELUR_TEST_MODE: undefined, GREETING: undefined, PORT: undefined } });
    const warnings = project.source.warnings ?? [];
    expect(warnings.map((w) => [w.code, w.path, w.line])).toEqual([
      ['unset-variable', 'services.api.command[3]', 5],
      ['unset-variable', 'services.api.environment.SELUR_TEST_MODE', 6],
      ['unset-variable', 'services.api.healthcheck.test', 8],
    ]);
    expect(warnings.every((w) => w.file === 'compose.toml' && w.service === 'api')).toBe(true);
    expect(warnings[0]?.message).toContain('variable SELUR_TEST_DB_URL is not set');
    expect(warnings[0]?.message).not.toContain('$$');
  });

  it('$PORT in a healthcheck gets the $$PORT hint', () => {
    const project = parseProject(text, { file: 'compose.toml', env: { SELUR_TEST_DB_URL: 'x', SELUR_TEST_MODE: 'y', PORT: undefined } });
    const [warning] = project.source.warnings ?? [];
    expect(warning?.path).toBe('services.api.healthcheck.test');
    expect(warning?.message).toContain('did you mean `$$PORT`');
  });

  it('a project whose variables are all set has no warnings', () => {
    expect(parseProject(text, { file: 'compose.toml', env: { SELUR_TEST_DB_URL: 'x', SELUR_TEST_MODE: 'y', PORT: '80' } }).source.warnings).toBeUndefined();
  });
});
