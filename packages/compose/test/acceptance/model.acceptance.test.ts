/**
 * Issue 2 through the public API: the fluent and object forms, typed errors for bad values,
 * equal toJSON from builders and TOML, loadProject (override file, .env, profiles), validation
 * errors with every issue and its file:line:column, TOML syntax errors.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import {
  ComposeError,
  Project,
  Wait,
  isComposeError,
  isInvalidArgumentError,
  isComposeValidationError,
  isTomlSyntaxError,
  loadProject,
  parseProject,
} from '@selur/compose';

const dirs: string[] = [];
function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'acc-model-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** The thrown value of `fn` (fails when it does not throw). */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('the model (issue 2)', () => {
  test('the exact fluent example from the issue builds and validates', () => {
    const shop = new Project('shop')
      .service('db', { image: 'ghcr.io/org/postgres:16.ctp', healthcheck: { test: 'pg_isready', interval: '5s' } })
      .service('api', (s) => s.image('ghcr.io/org/api:v1.ctp').dependsOn('db', { condition: 'healthy' }).port('8080:80').env({ DATABASE_URL: 'postgres://db:5432/shop' }));
    expect(() => shop.validate()).not.toThrow();
    const json = shop.toJSON();
    expect(json.name).toBe('shop');
    expect(json.services['api']?.depends_on).toEqual({ db: { condition: 'service_healthy', restart: false, required: true } });
    expect(json.services['api']?.ports[0]).toMatchObject({ published: 8080, target: 80 });
    expect(json.services['db']?.healthcheck).toMatchObject({ test: 'pg_isready', interval: '5s', retries: 3 });
  });

  test.each([
    ['a bad service name', () => new Project('shop').service('Bad Name!', { image: 'x.ctp' }), 'Bad Name!', undefined],
    ['a bad port', () => new Project('shop').service('api', (s) => s.image('x.ctp').port('99999:80')), 'api', 'ports'],
    ['a bad duration', () => new Project('shop').service('db', { image: 'x.ctp', healthcheck: { test: 'true', interval: 'soon' } }), 'db', 'healthcheck.interval'],
    ['a bad volume string', () => new Project('shop').service('api', { image: 'x.ctp', volumes: [':::'] }), 'api', 'volumes'],
    ['a bad restart policy', () => new Project('shop').service('api', { image: 'x.ctp', restart: 'sometimes' as never }), 'api', 'restart'],
  ])('%s throws at once a typed error naming the service and field', (_what, build, service, field) => {
    const error = thrown(build);
    expect(isComposeError(error)).toBe(true);
    expect(error).toBeInstanceOf(ComposeError);
    const e = error as ComposeError;
    expect(e.message).toContain(service);
    if (field !== undefined) {
      expect(e.service).toBe(service);
      expect(e.field ?? '').toContain(field);
    }
  });

  test.each([
    ['Wait.forPort(0)', () => Wait.forPort(0)],
    ["Wait.forHttp('health')", () => Wait.forHttp('health', { port: 80 })],
    ['Wait.forLog(x, { times: 0 })', () => Wait.forLog('x', { times: 0 })],
    ['Wait.forCommand([])', () => Wait.forCommand([])],
    ['withTimeout(-1)', () => Wait.forPort(80).withTimeout(-1)],
    ['waitFor(not a strategy)', () => new Project('shop').service('api', (s) => s.image('x.ctp').waitFor({ kind: 'soon' } as never))],
  ])('a bad wait strategy (%s) throws a typed error', (_what, build) => {
    expect(isInvalidArgumentError(thrown(build))).toBe(true);
  });

  test('a bad project name throws a typed error', () => {
    expect(isComposeError(thrown(() => new Project('Shop Project')))).toBe(true);
  });

  test('fluent, object and TOML forms give equal toJSON, and toToml/fromJSON round-trip', () => {
    const fluent = new Project('shop', { workingDir: '/srv/shop' })
      .volume('pgdata')
      .service('db', (s) => s.image('ghcr.io/org/postgres:16.ctp').volume('pgdata:/var/lib/postgresql/data').healthcheck({ test: 'pg_isready', interval: '5s' }))
      .service('api', (s) => s.image('ghcr.io/org/api:v1.ctp').port('8080:80').env({ DATABASE_URL: 'postgres://db:5432/shop' }).dependsOn('db', { condition: 'healthy' }));
    const object = new Project('shop', { workingDir: '/srv/shop' })
      .volume('pgdata')
      .service('db', { image: 'ghcr.io/org/postgres:16.ctp', volumes: ['pgdata:/var/lib/postgresql/data'], healthcheck: { test: 'pg_isready', interval: '5s' } })
      .service('api', { image: 'ghcr.io/org/api:v1.ctp', ports: ['8080:80'], environment: { DATABASE_URL: 'postgres://db:5432/shop' }, depends_on: { db: { condition: 'service_healthy' } } });
    const toml = parseProject(
      `version = "1.0"
name = "shop"
[services.db]
image = "ghcr.io/org/postgres:16.ctp"
volumes = ["pgdata:/var/lib/postgresql/data"]
healthcheck = { test = "pg_isready", interval = "5s" }
[services.api]
image = "ghcr.io/org/api:v1.ctp"
ports = ["8080:80"]
environment = { DATABASE_URL = "postgres://db:5432/shop" }
depends_on = { db = { condition = "service_healthy" } }
[volumes.pgdata]
`,
      { file: '/srv/shop/compose.toml', cwd: '/srv/shop' },
    );
    expect(object.toJSON()).toEqual(fluent.toJSON());
    expect(toml.toJSON()).toEqual(fluent.toJSON());
    expect(JSON.stringify(toml.toJSON())).toBe(JSON.stringify(fluent.toJSON())); // stable key order too
    const again = parseProject(fluent.toToml(), { file: '/srv/shop/compose.toml', cwd: '/srv/shop' });
    expect(again.toJSON()).toEqual(fluent.toJSON());
    expect(Project.fromJSON(fluent.toJSON()).toJSON()).toEqual(fluent.toJSON());
  });

  test('loadProject merges compose.override.toml, reads .env beside the file, resolves paths, activates profiles', async () => {
    const dir = folder({
      'compose.toml': `version = "1.0"
[services.api]
image = "\${REGISTRY}/api:\${TAG:-latest}.ctp"
environment = { ACC_MODE = "\${ACC_SELUR_MODE-dev}", LITERAL = "$$HOME" }
volumes = ["./data:/data"]
[services.debug]
image = "debug.ctp"
profiles = ["debug"]
`,
      'compose.override.toml': '[services.api]\nports = ["8080:80"]\nenvironment = { EXTRA = "yes" }\n',
      '.env': 'REGISTRY=ghcr.io/org\nTAG=v2\n',
    });
    const project = await loadProject(join(dir, 'compose.toml'), { projectName: 'loaded' });
    expect(project.name).toBe('loaded');
    const api = project.toJSON().services['api'];
    expect(api?.image).toBe('ghcr.io/org/api:v2.ctp');
    expect(api?.environment).toEqual({ ACC_MODE: 'dev', LITERAL: '$HOME', EXTRA: 'yes' });
    expect(api?.ports.map((p) => p.published)).toEqual([8080]);
    // Relative paths stay relative in the canonical spec and resolve against the file's folder
    // (checked end to end with a secret file in secrets.acceptance.test.ts).
    expect(api?.volumes[0]?.source).toBe('./data');
    expect(project.source.workingDir).toBe(dir);
    expect(project.serviceNames()).not.toContain('debug');

    const withEnv = await loadProject(join(dir, 'compose.toml'), { projectName: 'loaded', env: { TAG: 'v3', ACC_SELUR_MODE: 'prod' }, profiles: ['debug'] });
    expect(withEnv.toJSON().services['api']?.image).toBe('ghcr.io/org/api:v3.ctp');
    expect(withEnv.toJSON().services['api']?.environment['ACC_MODE']).toBe('prod');
    expect(withEnv.serviceNames()).toContain('debug');
  });

  test('a required variable that is missing is a typed error', async () => {
    const dir = folder({ 'compose.toml': 'version = "1.0"\n[services.api]\nimage = "${IMAGE:?set IMAGE to the api bundle}"\n' });
    const error = await loadProject(join(dir, 'compose.toml')).catch((e: unknown) => e);
    expect(isComposeError(error)).toBe(true);
    expect((error as Error).message).toContain('set IMAGE to the api bundle');
  });

  test('validation lists every issue with code, field path and file:line:column', async () => {
    const dir = folder({
      'compose.toml': `version = "1.0"
[services.api]
image = "api.ctp"
ports = ["8080:80", "8080:81"]
depends_on = ["cache", "worker"]
[services.worker]
image = "worker.ctp"
depends_on = ["api"]
healthcheck = { test = "true", interval = "often" }
`,
    });
    const file = join(dir, 'compose.toml');
    const error = await loadProject(file).catch((e: unknown) => e);
    expect(isComposeValidationError(error)).toBe(true);
    if (!isComposeValidationError(error)) return;
    const paths = error.issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['services.api.depends_on.cache', 'services.worker.healthcheck.interval']));
    expect(error.issues.some((i) => /api -> worker -> api|worker -> api -> worker/.test(i.message))).toBe(true);
    expect(error.issues.some((i) => i.path.startsWith('services.api.ports') && /8080/.test(i.message))).toBe(true);
    expect(error.issues.length).toBeGreaterThanOrEqual(4);
    for (const issue of error.issues) {
      expect(issue.code).toMatch(/\S/);
      expect(issue.file).toBe(file);
      expect(issue.line).toBeGreaterThan(0);
      expect(issue.column).toBeGreaterThan(0);
    }
    const cache = error.issues.find((i) => i.path === 'services.api.depends_on.cache');
    expect(cache?.line).toBe(5);
    expect(error.message).toContain(`${file}:5:`);
  });

  test('a TOML syntax error gives file, line, column and the offending line', () => {
    const error = thrown(() => parseProject('version = "1.0"\n[services.api]\nimage = "api.ctp\n', { file: 'compose.toml' }));
    expect(isTomlSyntaxError(error)).toBe(true);
    if (!isTomlSyntaxError(error)) return;
    expect(error.file).toBe('compose.toml');
    expect(error.line).toBe(3);
    expect(error.column).toBeGreaterThan(0);
    expect(error.message).toContain('image = "api.ctp');
  });
});
