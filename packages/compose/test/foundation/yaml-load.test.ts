import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  findComposeFiles, isComposeValidationError, isYamlSyntaxError, loadProject, parseProject, Project, type ComposeValidationError, type YamlSyntaxError,
} from '@selur/compose';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'selur-yaml-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));
const write = (name: string, text: string) => {
  mkdirSync(join(dir, name, '..'), { recursive: true });
  writeFileSync(join(dir, name), text);
};

const TOML = `version = "1.0"
name = "shop"

[services.db]
image = "postgres:16"
environment = { POSTGRES_PASSWORD = "example" }
volumes = ["pgdata:/var/lib/postgresql/data"]
healthcheck = { test = ["CMD-SHELL", "pg_isready"], interval = "5s" }

[services.web]
image = "nginx:1.27"
ports = ["8080:80"]
depends_on = { db = { condition = "service_healthy" } }
restart = "unless-stopped"
x-note = "kept"

[volumes.pgdata]
`;
const YAML = `name: shop
services:
  db:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD: example
    volumes:
      - pgdata:/var/lib/postgresql/data
    healthcheck:
      test: ["CMD-SHELL", "pg_isready"]
      interval: 5s
  web:
    image: nginx:1.27
    ports:
      - "8080:80"
    depends_on:
      db:
        condition: service_healthy
    restart: unless-stopped
    x-note: kept
volumes:
  pgdata:
`;

describe('YAML compose files', () => {
  it('load into the very same Project as the TOML that says the same', async () => {
    write('compose.toml', TOML);
    write('compose.yaml', YAML);
    const fromToml = await loadProject(join(dir, 'compose.toml'));
    const fromYaml = await loadProject(join(dir, 'compose.yaml'));
    expect(fromYaml.toJSON()).toStrictEqual(fromToml.toJSON());
    expect(parseProject(YAML, { format: 'yaml' }).toJSON()).toStrictEqual(fromToml.toJSON());
    expect(parseProject(YAML, { file: join(dir, 'x.yml') }).toJSON()).toStrictEqual(fromToml.toJSON());
  });

  it('round-trip: YAML → toYaml → YAML and TOML → toYaml → toToml give equal projects and stable text', async () => {
    write('compose.yaml', YAML);
    const project = await loadProject(join(dir, 'compose.yaml'));
    const yaml = project.toYaml();
    expect(yaml).not.toContain('version');
    const again = parseProject(yaml, { format: 'yaml' });
    expect(again.toJSON()).toStrictEqual(project.toJSON());
    expect(again.toYaml()).toBe(yaml);
    const toml = parseProject(TOML).toToml();
    expect(parseProject(parseProject(toml).toYaml(), { format: 'yaml' }).toToml()).toBe(toml);
  });

  it('toYaml gives back strings with white space at the edges of their lines (found by the property test: " \\n" came back as "\\n")', () => {
    for (const note of [' \n', 'a \nb', '\tindented\nline', 'line\n  next', 'plain\nlines\n']) {
      const project = new Project('edges').extension('x-note', note).service('app', { image: 'app', command: ['run'] });
      const loaded = parseProject(project.toYaml(), { format: 'yaml', env: {} });
      expect(loaded.toJSON()).toStrictEqual(project.toJSON());
    }
  });

  it('accept any version (informative, as in the Compose Specification)', () => {
    for (const version of ['"3.8"', '"2.4"', '3', '"1.0"']) expect(parseProject(`version: ${version}\nservices:\n  a:\n    image: x\n`, { format: 'yaml' }).toJSON().version).toBe('1.0');
  });

  it('report validation issues at file:line:column, with "did you mean"', () => {
    write('compose.yaml', 'services:\n  web:\n    image: nginx\n    helthcheck:\n      test: [CMD, true]\n    ports: ["80:http"]\n    volumes_from: [db]\n');
    try {
      parseProject(readFileSync(join(dir, 'compose.yaml'), 'utf8'), { file: join(dir, 'compose.yaml') });
      expect.unreachable();
    } catch (error) {
      expect(isComposeValidationError(error)).toBe(true);
      const issues = (error as ComposeValidationError).issues.map((i) => ({ path: i.path, line: i.line, column: i.column, code: i.code, message: i.message }));
      expect(issues).toEqual([
        { path: 'services.web.helthcheck', line: 4, column: 5, code: 'unknown-field', message: expect.stringContaining("did you mean 'healthcheck'?") },
        { path: 'services.web.ports[0]', line: 6, column: 13, code: 'invalid-value', message: expect.any(String) },
        { path: 'services.web.volumes_from', line: 7, column: 5, code: 'unsupported-field', message: expect.stringContaining("field 'volumes_from' is not supported yet") },
      ]);
      expect((error as Error).message).toContain(`${join(dir, 'compose.yaml')}:4:5: services.web.helthcheck:`);
    }
  });

  it('report YAML syntax errors as YamlSyntaxError with file:line:column', async () => {
    write('compose.yml', 'services:\n  web:\n    image: nginx\n   ports: []\n');
    try {
      await loadProject(join(dir, 'compose.yml'));
      expect.unreachable();
    } catch (error) {
      expect(isYamlSyntaxError(error)).toBe(true);
      expect(error as YamlSyntaxError).toMatchObject({ file: join(dir, 'compose.yml'), line: 4, code: 'E_YAML_SYNTAX' });
    }
  });
});

describe('findComposeFiles: discovery as Docker Compose does it', () => {
  it('prefers compose.toml, then compose.yaml, compose.yml, docker-compose.yml, docker-compose.yaml, and lists the losers', () => {
    expect(findComposeFiles(dir)).toBeUndefined();
    write('docker-compose.yaml', YAML);
    expect(findComposeFiles(dir)).toEqual({ file: join(dir, 'docker-compose.yaml'), overrides: [], ignored: [] });
    write('docker-compose.yml', YAML);
    expect(findComposeFiles(dir)?.file).toBe(join(dir, 'docker-compose.yml'));
    write('compose.yml', YAML);
    expect(findComposeFiles(dir)?.file).toBe(join(dir, 'compose.yml'));
    write('compose.yaml', YAML);
    expect(findComposeFiles(dir)?.file).toBe(join(dir, 'compose.yaml'));
    write('compose.toml', TOML);
    expect(findComposeFiles(dir)).toEqual({
      file: join(dir, 'compose.toml'),
      overrides: [],
      ignored: ['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml'].map((n) => join(dir, n)),
    });
  });

  it('walks up to the nearest folder that has one', () => {
    write('compose.yaml', YAML);
    mkdirSync(join(dir, 'a', 'b'), { recursive: true });
    expect(findComposeFiles(join(dir, 'a', 'b'))?.file).toBe(join(dir, 'compose.yaml'));
    write('a/docker-compose.yml', YAML);
    expect(findComposeFiles(join(dir, 'a', 'b'))?.file).toBe(join(dir, 'a', 'docker-compose.yml'));
  });

  it('picks the override of the main file’s format: compose.override.toml, or the first YAML override name', () => {
    write('compose.yaml', YAML);
    write('compose.override.toml', '');
    expect(findComposeFiles(dir)?.overrides).toEqual([]);
    write('docker-compose.override.yaml', '');
    write('docker-compose.override.yml', '');
    expect(findComposeFiles(dir)).toMatchObject({ overrides: [join(dir, 'docker-compose.override.yml')], ignored: [join(dir, 'docker-compose.override.yaml')] });
    write('compose.override.yml', '');
    expect(findComposeFiles(dir)?.overrides).toEqual([join(dir, 'compose.override.yml')]);
    rmSync(join(dir, 'compose.yaml'));
    write('compose.toml', TOML);
    expect(findComposeFiles(dir)?.overrides).toEqual([join(dir, 'compose.override.toml')]);
  });
});

describe('overrides and the Compose merge rules across files', () => {
  it('loadProject merges the YAML override beside the file, with !reset and !override', async () => {
    write('docker-compose.yml', YAML);
    write(
      'docker-compose.override.yml',
      'services:\n  web:\n    ports: !override ["9090:80"]\n    restart: !reset null\n    environment: [DEBUG=1]\n  db:\n    volumes: ["./pg:/var/lib/postgresql/data"]\n    healthcheck:\n      test: [CMD, "true"]\n',
    );
    const project = await loadProject(join(dir, 'docker-compose.yml'));
    expect(project.source.files).toEqual([join(dir, 'docker-compose.yml'), join(dir, 'docker-compose.override.yml')]);
    const { web, db } = project.toJSON().services;
    expect(web?.ports).toEqual([{ protocol: 'tcp', published: 9090, target: 80 }]);
    expect(web?.restart).toBe('no');
    expect(web?.environment).toEqual({ DEBUG: '1' });
    expect(db?.volumes).toEqual([{ type: 'bind', source: './pg', target: '/var/lib/postgresql/data', read_only: false }]);
    expect(db?.healthcheck?.test).toEqual(['CMD', 'true']);
    expect((await loadProject(join(dir, 'docker-compose.yml'), { overrideFiles: [] })).toJSON().services['web']?.restart).toBe('unless-stopped');
  });

  it('mixes formats: a YAML override over a TOML file, located in its own file', async () => {
    write('compose.toml', TOML);
    write('prod.yaml', '\nservices:\n  web:\n    deploy:\n      replicas: many\n');
    try {
      await loadProject(join(dir, 'compose.toml'), { overrideFiles: [join(dir, 'prod.yaml')] });
      expect.unreachable();
    } catch (error) {
      expect((error as ComposeValidationError).issues[0]).toMatchObject({ path: 'services.web.deploy.replicas', file: join(dir, 'prod.yaml'), line: 5, column: 7 });
    }
    write('prod.yaml', 'services:\n  web:\n    deploy:\n      replicas: 3\n');
    const project = await loadProject(join(dir, 'compose.toml'), { overrideFiles: [join(dir, 'prod.yaml')] });
    expect(project.toJSON().services['web']?.deploy.replicas).toBe(3);
  });
});

describe('the upstream TOML vectors through YAML', () => {
  it('TOML → YAML → TOML gives the same text and project', async () => {
    const vector = fileURLToPath(new URL('../vectors/compose/basic.compose.toml', import.meta.url));
    const project = await loadProject(vector, { env: {} });
    const yaml = project.toYaml();
    const back = parseProject(yaml, { format: 'yaml', projectName: 'compose' });
    expect(back.toJSON()).toStrictEqual(project.toJSON());
    expect(back.toToml()).toBe(project.toToml());
  });
});
