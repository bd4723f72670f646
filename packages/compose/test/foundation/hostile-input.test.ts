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

describe('deep nesting, cycles, throwing getters and Proxies are typed errors', () => {
  const nested = (depth: number): unknown => {
    let value: unknown = 1;
    for (let i = 0; i < depth; i++) value = [value];
    return value;
  };

  it('an x- value 3,000 levels deep in a file is a located too-deep issue (TOML, and YAML)', () => {
    // TOML: past the parser's bound (1000) a located syntax error, below it our own limit
    for (const depth of [70, 900]) {
      const issues = issuesOf(`${BASE}x-d = ${'['.repeat(depth)}${']'.repeat(depth)}\n`);
      expect(issues).toEqual([expect.objectContaining({ code: 'too-deep', line: 4, message: expect.stringContaining('nested more than 64 levels deep') })]);
    }
    expect(() => parseProject(`${BASE}x-d = ${'['.repeat(3000)}${']'.repeat(3000)}\n`, { env: {}, file: 'c.toml' })).toThrow(
      expect.objectContaining({ code: 'E_TOML_SYNTAX', line: 4 }),
    );
    const yaml = `services:\n  a:\n    image: a\n    x-d: ${'['.repeat(3000)}${']'.repeat(3000)}\n`;
    let error: unknown;
    try {
      parseProject(yaml, { env: {}, format: 'yaml', file: 'c.yaml', projectName: 'p' });
    } catch (e) {
      error = e;
    }
    expect(isComposeError(error)).toBe(true);
    expect((error as { issues?: ValidationIssue[]; line?: number }).issues?.[0]?.line ?? (error as { line?: number }).line).toBe(4);
  });

  it('a YAML alias that refers to itself is a located issue, not a stack overflow', () => {
    expect(() => parseProject('services:\n  a:\n    image: a\n    x-loop: &l\n      - *l\n', { env: {}, format: 'yaml', file: 'c.yaml', projectName: 'p' })).toThrow(
      expect.objectContaining({ code: 'E_YAML_SYNTAX', line: 5, message: expect.stringContaining('refers to a node that contains it') }),
    );
  });

  it('the builders refuse deep values, cycles, throwing getters and Proxies with InvalidArgumentError', () => {
    const typed = (f: () => unknown, message: RegExp) => expect(f).toThrow(expect.objectContaining({ code: 'E_INVALID_ARGUMENT', message: expect.stringMatching(message) }));
    typed(() => new Project('p').service('a', { image: 'a', 'x-d': nested(3000) } as never), /nested more than 64/);
    const cyclic: Record<string, unknown> = { image: 'a' };
    cyclic['x-c'] = { self: cyclic };
    typed(() => new Project('p').service('a', cyclic as never), /refers to itself/);
    const getter = { image: 'a', get command(): string { throw new Error('boom'); } };
    typed(() => new Project('p').service('a', getter), /services\.a\.command: reading the field threw: boom/);
    const trap = new Proxy({ image: 'a' }, { get: () => { throw new Error('trap'); }, ownKeys: () => { throw new Error('trap'); } });
    typed(() => new Project('p').service('a', trap), /a Proxy is not accepted/);
    typed(() => new Project('p').service('a', { image: 'a', environment: new Proxy({}, {}) }), /services\.a\.environment: a Proxy/);
    typed(() => new Project('p').extension('x-d', nested(3000)), /nested more than 64/);
    typed(() => new Project('p').service('a', (s) => s.image('a').extension('x-c', cyclic)), /refers to itself/);
    typed(() => Project.fromJSON(cyclic as never), /refers to itself/);
    // shared (not cyclic) references are fine
    const shared = { k: 1 };
    expect(new Project('p').service('a', { image: 'a', 'x-a': [shared, shared] } as never).toJSON().services['a']?.extensions).toEqual({ 'x-a': [{ k: 1 }, { k: 1 }] });
  });
});
