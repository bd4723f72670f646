/**
 * Forms of the Compose Specification that real files use (see vectors/compose-yaml) and that a
 * Project must read as Docker Compose does: `environment` keys without a value, typed fields
 * written as variables, `healthcheck: { disable: false }`, and the service fields a Project keeps.
 */
import { describe, expect, it } from 'vitest';
import { isComposeValidationError, parseProject, type ComposeValidationError } from '@selur/compose';
import { castInterpolated } from '../../src/spec/interpolation-casts.js';

const yaml = (text: string, env: Record<string, string> = {}) => parseProject(text, { format: 'yaml', env, projectName: 'forms' }).toJSON();

function issuesOf(run: () => unknown): Array<[string, string]> {
  try {
    run();
  } catch (error) {
    if (!isComposeValidationError(error)) throw error;
    return (error as ComposeValidationError).issues.map((i) => [i.path, i.code]);
  }
  throw new Error('expected a ComposeValidationError');
}

describe('environment entries without a value', () => {
  it('`- KEY` takes the value the file is interpolated with, and is left out when unset', () => {
    const spec = yaml('services:\n  a:\n    image: x\n    environment:\n      - SET\n      - EMPTY\n      - UNSET\n      - B=2\n', { SET: 'one', EMPTY: '' });
    expect(spec.services['a']?.environment).toEqual({ B: '2', EMPTY: '', SET: 'one' });
  });

  it('`KEY:` (null in a table) does the same', () => {
    const spec = yaml('services:\n  a:\n    image: x\n    environment:\n      SET:\n      UNSET:\n      B: 2\n', { SET: 'one' });
    expect(spec.services['a']?.environment).toEqual({ B: '2', SET: 'one' });
  });

  it('a list item that is neither KEY=VALUE nor a variable name is still refused, at its index', () => {
    expect(issuesOf(() => yaml('services:\n  a:\n    image: x\n    environment:\n      - "=x"\n      - OK\n      - "not a name"\n'))).toEqual([
      ['services.a.environment[0]', 'invalid-value'],
      ['services.a.environment[2]', 'invalid-value'],
    ]);
  });

  it('a compose.toml reads a bare KEY the same way', () => {
    expect(parseProject('version = "1.0"\n[services.a]\nimage = "x"\nenvironment = ["KEY"]\n', { env: {} }).toJSON().services['a']?.environment).toEqual({});
    expect(parseProject('version = "1.0"\n[services.a]\nimage = "x"\nenvironment = ["KEY"]\n', { env: { KEY: 'v' } }).toJSON().services['a']?.environment).toEqual({ KEY: 'v' });
  });
});

describe('typed fields written as variables', () => {
  it('an interpolated boolean or integer field is read as its type', () => {
    const spec = yaml(
      'services:\n  a:\n    image: x\n    read_only: ${RO}\n    tty: ${TTY}\n    healthcheck:\n      test: ["CMD", "true"]\n      retries: ${RETRIES}\nnetworks:\n  n:\n    internal: ${INTERNAL}\n',
      { RO: 'false', TTY: 'TRUE', RETRIES: '7', INTERNAL: 'yes' },
    );
    expect(spec.services['a']).toMatchObject({ read_only: false, tty: true, healthcheck: { retries: 7 } });
    expect(spec.networks['n']?.internal).toBe(true);
  });

  it('a literal string in a boolean field stays a type error, and so does a variable that is not a boolean', () => {
    expect(issuesOf(() => yaml('services:\n  a:\n    image: x\n    read_only: "false"\n'))).toContainEqual(['services.a.read_only', 'type']);
    expect(issuesOf(() => yaml('services:\n  a:\n    image: x\n    read_only: ${RO}\n', { RO: 'maybe' }))).toContainEqual(['services.a.read_only', 'type']);
  });

  it('castInterpolated casts only where the field is typed', () => {
    expect(castInterpolated(['services', 'a', 'read_only'], 'off')).toBe(false);
    expect(castInterpolated(['services', 'a', 'ulimits', 'nofile', 'soft'], '1024')).toBe(1024);
    expect(castInterpolated(['services', 'a', 'image'], 'true')).toBe('true');
    expect(castInterpolated(['services', 'a', 'environment', 'RETRIES'], '7')).toBe('7');
    expect(castInterpolated(['services', 'a', 'healthcheck', 'retries'], '99999999999999999999')).toBe('99999999999999999999');
  });
});

describe('healthcheck: { disable: false }', () => {
  it('alone, it changes nothing: the service has no healthcheck of its own (the image keeps its own)', () => {
    expect(yaml('services:\n  a:\n    image: x\n    healthcheck:\n      disable: false\n').services['a']?.healthcheck).toBeUndefined();
  });

  it('with timing but no test, the image\'s test runs with that timing (a Project holds no test)', () => {
    const health = yaml('services:\n  a:\n    image: x\n    healthcheck:\n      disable: false\n      interval: 5s\n').services['a']?.healthcheck;
    expect(health).toEqual({ disable: false, interval: '5s', retries: 3, start_interval: '5s', start_period: '0s', timeout: '30s' });
  });

  it('an empty test is refused, not read as the image\'s', () => {
    expect(issuesOf(() => yaml('services:\n  a:\n    image: x\n    healthcheck:\n      test: []\n'))).toEqual([['services.a.healthcheck.test', 'missing-field']]);
  });
});

describe("a loaded service keeps every field (Service.toJSON drops none)", () => {
  it('entrypoint, container_name, tty, stdin_open, expose, logging, hostname, cap_add survive loading and both formats', () => {
    const text = [
      'services:',
      '  a:',
      '    image: x',
      '    entrypoint: sh -c',
      '    container_name: the-a',
      '    hostname: a.local',
      '    tty: true',
      '    stdin_open: true',
      '    expose: [80]',
      '    cap_add: [NET_ADMIN]',
      '    logging:',
      '      driver: json-file',
      '      options: { max-size: 10m }',
      '',
    ].join('\n');
    const project = parseProject(text, { format: 'yaml', projectName: 'forms' });
    expect(project.toJSON().services['a']).toMatchObject({
      entrypoint: ['sh', '-c'],
      container_name: 'the-a',
      hostname: 'a.local',
      tty: true,
      stdin_open: true,
      expose: ['80'],
      cap_add: ['NET_ADMIN'],
      logging: { driver: 'json-file', options: { 'max-size': '10m' } },
    });
    expect(Object.keys(project.toJSON().services['a'] ?? {})).toEqual(Object.keys(project.toJSON().services['a'] ?? {}).sort());
    expect(parseProject(project.toToml(), { projectName: 'forms' }).toJSON()).toStrictEqual(project.toJSON());
    expect(parseProject(project.toYaml(), { format: 'yaml', projectName: 'forms' }).toJSON()).toStrictEqual(project.toJSON());
  });
});
