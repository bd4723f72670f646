import { describe, expect, it } from 'vitest';
import { ComposeValidationError, isComposeValidationError, isTomlSyntaxError, parseProject, type ValidationIssue } from '@selur/compose';

function issuesOf(text: string, options: Parameters<typeof parseProject>[1] = {}): readonly ValidationIssue[] {
  try {
    parseProject(text, { file: 'compose.toml', env: {}, ...options });
  } catch (error) {
    expect(isComposeValidationError(error)).toBe(true);
    expect(error).toBeInstanceOf(ComposeValidationError);
    return (error as ComposeValidationError).issues;
  }
  throw new Error('expected a ComposeValidationError');
}

const only = (issues: readonly ValidationIssue[], code: string) => issues.filter((i) => i.code === code);

describe('semantic rules, with paths and positions', () => {
  it('version must be 1.0', () => {
    const [issue] = issuesOf('version = "2.0"\n[services.a]\nimage = "a.ctp"\n');
    expect(issue).toMatchObject({ code: 'version', path: 'version', line: 1, column: 1, file: 'compose.toml' });
    expect(issue?.message).toContain('"1.0"');
  });

  it('image must be non-empty', () => {
    const [issue] = issuesOf('version = "1.0"\n\n[services.api]\nimage = ""\n');
    expect(issue).toMatchObject({ code: 'missing-image', path: 'services.api.image', service: 'api', line: 4, column: 1 });
  });

  it('missing image is reported at the service table', () => {
    const issues = issuesOf('version = "1.0"\n[services.api]\nports = ["80"]\n');
    expect(issues.some((i) => i.path.startsWith('services.api') && i.line === 2)).toBe(true);
  });

  it('unknown dependency names the service and the missing name', () => {
    const [issue] = issuesOf('version = "1.0"\n[services.api]\nimage = "a.ctp"\ndepends_on = ["dbb"]\n[services.db]\nimage = "d.ctp"\n');
    expect(issue).toMatchObject({ code: 'unknown-dependency', path: 'services.api.depends_on.dbb', service: 'api', line: 4, column: 15 });
    expect(issue?.message).toMatch(/service 'api'.*'dbb'.*did you mean 'db'/);
  });

  it('an optional dependency (required = false) may be missing', () => {
    const project = parseProject('version = "1.0"\n[services.api]\nimage = "a"\n[services.api.depends_on.metrics]\nrequired = false\n', { env: {} });
    expect(project.toJSON().services['api']?.depends_on['metrics']?.required).toBe(false);
    project.validate();
  });

  it('unknown network, volume, secret and environment secret', () => {
    const issues = issuesOf(
      [
        'version = "1.0"',
        '[services.api]',
        'image = "a.ctp"',
        'networks = ["front", "back"]',
        'volumes = ["./ok:/ok", "cache:/cache"]',
        'secrets = ["token"]',
        'environment = { A = "1", KEY = { secret = "api_key" } }',
        '[networks.front]',
      ].join('\n'),
    );
    expect(only(issues, 'unknown-network')).toMatchObject([{ path: 'services.api.networks.back', line: 4, column: 22 }]);
    expect(only(issues, 'unknown-volume')).toMatchObject([{ path: 'services.api.volumes[1]', line: 5, column: 24 }]);
    const secrets = only(issues, 'unknown-secret');
    expect(secrets.map((i) => i.path)).toEqual(['services.api.secrets[0]', 'services.api.environment.KEY']);
    expect(secrets[1]).toMatchObject({ line: 7, column: 26 });
    expect(secrets[1]?.message).toContain("'api_key'");
  });

  it('dependency cycles name the whole cycle', () => {
    const issues = issuesOf(
      'version = "1.0"\n[services.api]\nimage = "a"\ndepends_on = ["worker"]\n[services.worker]\nimage = "w"\ndepends_on = ["queue"]\n[services.queue]\nimage = "q"\ndepends_on = ["api"]\n',
    );
    const [cycle] = only(issues, 'dependency-cycle');
    expect(cycle?.message).toContain('api -> worker -> queue -> api');
    expect(cycle).toMatchObject({ path: 'services.api.depends_on.worker', line: 4 });
  });

  it('duplicate host ports (same ip, port, protocol; 0 ignored)', () => {
    const issues = issuesOf(
      [
        'version = "1.0"',
        '[services.a]',
        'image = "a"',
        'ports = ["8080:80", "0:81", "53:53/udp"]',
        '[services.b]',
        'image = "b"',
        'ports = ["0:80", "53:53", "127.0.0.1:8080:80"]',
      ].join('\n'),
    );
    expect(only(issues, 'duplicate-port')).toMatchObject([{ path: 'services.b.ports[2]', service: 'b', line: 7, column: 27 }]);
    expect(only(issues, 'duplicate-port')[0]?.message).toContain("service 'a' (services.a.ports[0])");
  });

  it('bad durations, ports and volume strings, with columns', () => {
    const issues = issuesOf(
      [
        'version = "1.0"',
        '[services.api]',
        'image = "a"',
        'ports = ["8080:80", "80:http"]',
        'volumes = ["data"]',
        'stop_grace_period = "soon"',
        '[services.api.healthcheck]',
        'test = "true"',
        'interval = "10 seconds"',
      ].join('\n'),
    );
    expect(issues.find((i) => i.path === 'services.api.ports[1]')).toMatchObject({ line: 4, column: 21, service: 'api' });
    expect(issues.find((i) => i.path === 'services.api.volumes[0]')).toMatchObject({ line: 5, column: 12 });
    expect(issues.find((i) => i.path === 'services.api.stop_grace_period')).toMatchObject({ code: 'invalid-duration', line: 6, column: 1 });
    expect(issues.find((i) => i.path === 'services.api.healthcheck.interval')).toMatchObject({ code: 'invalid-duration', line: 9 });
    expect(issues).toHaveLength(4); // each problem once (schema duplicates dropped)
  });

  it('secrets need exactly one of file and external', () => {
    const issues = issuesOf('version = "1.0"\n[services.a]\nimage = "a"\n[secrets.both]\nfile = "./x"\nexternal = true\n[secrets.neither]\n');
    expect(only(issues, 'secret-source').map((i) => [i.path, i.line])).toEqual([
      ['secrets.both', 4],
      ['secrets.neither', 7],
    ]);
  });

  it('unknown fields are reported (x-* allowed)', () => {
    const issues = issuesOf('version = "1.0"\nx-top = 1\n[services.api]\nimage = "a"\nx-mine = { a = 1 }\nimagee = "typo"\n');
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ code: 'unknown-field', path: 'services.api.imagee', line: 6 });
  });

  it('collects every problem into one error', () => {
    const issues = issuesOf('version = "1.0"\n[services.a]\nimage = ""\nrestart = "sometimes"\ndepends_on = ["nope"]\nports = ["x"]\n');
    expect(issues.map((i) => i.code).sort()).toEqual(['invalid-value', 'invalid-value', 'missing-image', 'unknown-dependency']);
    expect(issues.map((i) => i.line)).toEqual([3, 4, 5, 6]); // in reading order
  });

  it('interpolation errors are issues at the field', () => {
    const [issue] = issuesOf('version = "1.0"\n[services.api]\nimage = "api:${TAG:?set TAG}"\n');
    expect(issue).toMatchObject({ code: 'interpolation', path: 'services.api.image', line: 3 });
    expect(issue?.message).toContain('TAG is not set: set TAG');
  });

  it('the error message lists file:line: path: message', () => {
    try {
      parseProject('version = "1.0"\n[services.api]\nimage = ""\n', { file: 'compose.toml' });
    } catch (error) {
      expect(String((error as Error).message)).toContain('compose.toml:3:1: services.api.image:');
    }
  });
});

describe('TOML syntax errors', () => {
  it('carry file, line, column and the offending line', () => {
    try {
      parseProject('version = "1.0"\n[services.api]\nimage = "a\nports = []\n', { file: 'compose.toml' });
      expect.unreachable();
    } catch (error) {
      expect(isTomlSyntaxError(error)).toBe(true);
      const e = error as { file: string; line: number; column: number; sourceLine: string; message: string; code: string };
      expect(e).toMatchObject({ file: 'compose.toml', line: 3, code: 'E_TOML_SYNTAX', sourceLine: 'image = "a' });
      expect(e.column).toBeGreaterThan(1);
      expect(e.message).toContain('compose.toml:3:');
    }
  });

  it('reports redefinitions', () => {
    try {
      parseProject('version = "1.0"\nversion = "1.0"\n');
      expect.unreachable();
    } catch (error) {
      expect(isTomlSyntaxError(error)).toBe(true);
      expect((error as { line: number }).line).toBe(2);
    }
  });
});
