/**
 * Issue 15, "The loader": each repro of the hostile-input probe as its own test.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FAST, memory } from '../engine/helpers.js';
import { isComposeError, isComposeValidationError, loadProject, parseProject, Project, type ValidationIssue } from '@selur/compose';

const BASE = 'version = "1.0"\n[services.a]\nimage = "a"\n';

/** The issues of a load that must fail validation. */
function issuesOf(text: string, options: Parameters<typeof parseProject>[1] = {}): ValidationIssue[] {
  try {
    parseProject(text, { env: {}, file: 'compose.toml', cwd: '/nonexistent-hostile', ...options });
  } catch (error) {
    if (isComposeValidationError(error)) return [...error.issues];
    throw error;
  }
  throw new Error('expected a ComposeValidationError');
}

describe('variable lookups read own properties only', () => {
  const refs = 'environment = { A = "${__proto__:-d}", B = "${constructor:-d}", C = "$toString", D = "${valueOf-d}" }\n';

  it('the env option and the process environment', () => {
    const project = parseProject(BASE + refs, { env: {}, cwd: '/nonexistent-hostile' });
    expect(project.toJSON().services['a']?.environment).toEqual({ A: 'd', B: 'd', C: '', D: 'd' });
  });

  it('.env and env_file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hostile-env-'));
    writeFileSync(join(dir, '.env'), 'FROM_DOTENV=${constructor:-dot}\n');
    writeFileSync(join(dir, 'svc.env'), 'FROM_FILE=${toString:-file}\nRAW=$hasOwnProperty\n');
    const text = `${BASE}env_file = ["svc.env"]\nenvironment = { E = "$FROM_DOTENV", F = "\${isPrototypeOf:-f}" }\n`;
    const project = parseProject(text, { env: {}, cwd: dir });
    expect(project.toJSON().services['a']?.environment).toEqual({ E: 'dot', F: 'f', FROM_FILE: 'file', RAW: '' });
  });
});

describe('interpolation is linear and bounded', () => {
  it('"${A-" × 60,000 + "x" + "}" × 60,000 (300 KB) is a located interpolation issue', () => {
    const deep = `${'${A-'.repeat(60_000)}x${'}'.repeat(60_000)}`;
    const issues = issuesOf(`${BASE}environment = { X = "${deep}" }\n`);
    expect(issues).toEqual([expect.objectContaining({ code: 'interpolation', path: 'services.a.environment.X', line: 4, message: expect.stringContaining('nested more than 64 deep') })]);
  });
});

describe('profiles given at load are the ones up runs', () => {
  it('loadProject(f, { profiles }) keeps the profiled service and up() starts it without the profiles again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hostile-profiles-'));
    const file = join(dir, 'compose.toml');
    writeFileSync(file, 'version = "1.0"\n[services.api]\nimage = "a"\ncommand = ["api"]\n[services.debug]\nimage = "d"\ncommand = ["debug"]\nprofiles = ["debug"]\n');
    const project = await loadProject(file, { env: {}, profiles: ['debug'] });
    expect(project.serviceNames()).toEqual(['api', 'debug']);
    expect(project.activeProfiles).toEqual(['debug']);
    expect(project.toJSON().services['debug']?.profiles).toEqual(['debug']);
    const runtime = memory();
    const stack = await project.up({ ...FAST, runtime });
    expect(runtime.all().map((c) => c.service).sort()).toEqual(['api', 'debug']);
    await stack.down();
    // without profiles at load the debug service is not there, and withProfiles adds to what a project has
    const plain = await loadProject(file, { env: {} });
    expect(plain.serviceNames()).toEqual(['api']);
    expect(project.withProfiles().serviceNames()).toEqual(['api', 'debug']);
  });
});

describe('command', () => {
  it('command = [] is "no override" (as in Docker Compose): left out of the spec, so toToml/toYaml round-trip the project', () => {
    const project = parseProject(`${BASE}command = []\n`, { env: {} });
    expect(project.toJSON().services['a']?.command).toBeUndefined();
    expect(parseProject(project.toToml(), { env: {} }).toJSON()).toStrictEqual(project.toJSON());
    expect(parseProject(project.toYaml(), { env: {}, format: 'yaml' }).toJSON()).toStrictEqual(project.toJSON());
    expect(parseProject('services:\n  a:\n    image: a\n    command: []\n', { env: {}, format: 'yaml', projectName: 'p' }).toJSON().services['a']?.command).toBeUndefined();
  });

  it('an empty command string is a located issue (in the loader) and a typed error (in the builders)', () => {
    for (const empty of ['""', '"   "', '"${UNSET}"']) {
      const issues = issuesOf(`${BASE}command = ${empty}\n`);
      expect(issues).toEqual([expect.objectContaining({ path: 'services.a.command', line: 4, column: 1, message: expect.stringContaining('must not be an empty string') })]);
    }
    expect(() => new Project('p').service('a', { image: 'a', command: '' })).toThrow(expect.objectContaining({ code: 'E_INVALID_ARGUMENT' }));
    expect(() => new Project('p').service('a', (s) => s.image('a').command(' '))).toThrow(/must not be an empty string/);
    expect(new Project('p').service('a', (s) => s.image('a').command(['x']).command([])).toJSON().services['a']?.command).toBeUndefined();
  });
});

describe('names: every name that is not valid is a located issue; Object.prototype names are plain names', () => {
  it('[services.__proto__] is the normal located "not a valid name" issue, not an internal one', () => {
    const issues = issuesOf(`${BASE}[services.__proto__]\nimage = "b"\n`);
    expect(issues).toEqual([expect.objectContaining({ code: 'invalid-name', path: 'services.__proto__', line: 4, column: 1, message: expect.stringContaining('is not a valid name') })]);
    for (const section of ['volumes', 'networks', 'secrets'])
      expect(issuesOf(`${BASE}[${section}.__proto__]\n`)).toEqual([expect.objectContaining({ code: 'invalid-name', line: 4 })]);
    expect(issuesOf(`${BASE}depends_on = ["__proto__"]\n`)).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'invalid-name', path: 'services.a.depends_on.__proto__', line: 4 })]));
  });

  it('a service named constructor (or toString, hasOwnProperty…) loads, round-trips, and touches no global', () => {
    const names = ['constructor', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf'];
    const text = `version = "1.0"\n${names.map((n) => `[services.${n}]\nimage = "${n}"\n[services.${n}.x-meta]\nk = 1\n`).join('')}`;
    const project = parseProject(text, { env: {}, projectName: 'p' });
    expect(project.serviceNames()).toEqual([...names].sort());
    expect(project.toJSON().services['constructor']?.image).toBe('constructor');
    // (toStrictEqual compares `.constructor`, which a service named constructor shadows)
    expect(JSON.stringify(parseProject(project.toToml(), { env: {} }).toJSON())).toBe(JSON.stringify(project.toJSON()));
    expect((Object as unknown as Record<string, unknown>)['image']).toBeUndefined();
    expect((Object.prototype.toString as unknown as Record<string, unknown>)['image']).toBeUndefined();
    // and as dotted keys and inline tables
    const dotted = parseProject(`${BASE}x-a.constructor.b = 1\nx-b = { toString = { c = 2 } }\n`, { env: {}, projectName: 'p' });
    expect(dotted.toJSON().services['a']?.extensions).toEqual({ 'x-a': { constructor: { b: 1 } }, 'x-b': { toString: { c: 2 } } });
    expect((Object as unknown as Record<string, unknown>)['b']).toBeUndefined();
  });
});
