import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isComposeValidationError, loadProject, parseProject, type ComposeValidationError } from '@selur/compose';

/** Real public Compose files (see vectors/compose-yaml/README.md for where each comes from). */
const root = fileURLToPath(new URL('../vectors/compose-yaml/', import.meta.url));
const fileIn = (folder: string) => {
  const name = readdirSync(join(root, folder)).find((f) => /\.ya?ml$/.test(f));
  if (!name) throw new Error(`no compose file in ${folder}`);
  return join(root, folder, name);
};

/** Files that load as they are (or as trimmed, see the README), with their services. */
const LOADS: Readonly<Record<string, readonly string[]>> = {
  'awesome-compose-minecraft': ['minecraft'],
  'awesome-compose-nextcloud-redis-mariadb': ['db', 'nc', 'redis'],
  'apache-airflow': ['airflow-apiserver', 'airflow-dag-processor', 'airflow-init', 'airflow-scheduler', 'airflow-triggerer', 'airflow-worker', 'postgres', 'redis'],
  'apache-airflow-trimmed': ['airflow-apiserver', 'airflow-dag-processor', 'airflow-init', 'airflow-scheduler', 'airflow-triggerer', 'airflow-worker', 'postgres', 'redis'],
  'awesome-compose-elasticsearch-logstash-kibana': ['elasticsearch', 'kibana', 'logstash'],
  'awesome-compose-elasticsearch-logstash-kibana-trimmed': ['elasticsearch', 'kibana', 'logstash'],
  'awesome-compose-gitea-postgres': ['db', 'gitea'],
  'awesome-compose-gitea-postgres-trimmed': ['db', 'gitea'],
  // build-only services (no image) are named <project>-<service>, as Docker Compose does
  'awesome-compose-go-redis': ['app', 'redis'],
  'awesome-compose-nginx-flask-mysql': ['backend', 'db', 'proxy'],
  'awesome-compose-nginx-golang-postgres': ['backend', 'db', 'proxy'],
  'awesome-compose-postgresql-pgadmin': ['pgadmin', 'postgres'],
  'awesome-compose-postgresql-pgadmin-trimmed': ['pgadmin', 'postgres'],
  'awesome-compose-prometheus-grafana': ['grafana', 'prometheus'],
  'awesome-compose-prometheus-grafana-trimmed': ['grafana', 'prometheus'],
  'awesome-compose-traefik-golang': ['backend', 'frontend'],
  'temporalio-docker-compose': ['cassandra', 'temporal', 'temporal-admin-tools', 'temporal-web'],
  'temporalio-docker-compose-trimmed': ['cassandra', 'temporal', 'temporal-admin-tools', 'temporal-web'],
};

/** Files that must fail, with exactly these issues (`[path, code]`), each naming its field. */
const FAILS: Readonly<Record<string, ReadonlyArray<readonly [string, string]>>> = {
  'awesome-compose-plex': [
    // ${PLEX_MEDIA_PATH} is unset here, so the mount has no source (docker-compose fails at `up` too)
    ['services.plex.volumes[0]', 'invalid-value'],
  ],
};

describe('real Compose files (vectors/compose-yaml)', () => {
  it('every folder is listed once, as loading or failing', () => {
    const folders = readdirSync(root, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
    expect(folders).toEqual([...Object.keys(LOADS), ...Object.keys(FAILS)].sort());
    expect(folders.length).toBeGreaterThanOrEqual(10);
  });

  for (const [folder, services] of Object.entries(LOADS)) {
    it(`${folder} loads, validates and round-trips through YAML and TOML`, async () => {
      const project = await loadProject(fileIn(folder), { env: {} });
      project.validate();
      expect(project.serviceNames()).toEqual(services);
      const yaml = parseProject(project.toYaml(), { format: 'yaml', projectName: project.name });
      expect(yaml.toJSON()).toStrictEqual(project.toJSON());
      const toml = parseProject(project.toToml(), { projectName: project.name });
      expect(toml.toJSON()).toStrictEqual(project.toJSON());
    });
  }

  for (const [folder, expected] of Object.entries(FAILS)) {
    it(`${folder} is refused, each unsupported field named at file:line:column`, async () => {
      const file = fileIn(folder);
      let error: unknown;
      try {
        await loadProject(file, { env: {} });
      } catch (e) {
        error = e;
      }
      expect(isComposeValidationError(error), String(error)).toBe(true);
      const issues = (error as ComposeValidationError).issues;
      expect(issues.map((i) => [i.path, i.code])).toEqual(expected);
      for (const issue of issues) {
        expect(issue).toMatchObject({ file, line: expect.any(Number), column: expect.any(Number) });
        const field = /[^.[\]]+(?=(\[\d+\])?$)/.exec(issue.path)?.[0] ?? '';
        if (issue.code === 'unsupported-field') expect(issue.message).toContain(`field '${field}' is not supported yet`);
        if (issue.code === 'missing-image') expect(issue.message).toContain('image');
      }
    });
  }

  it('YAML features of the Airflow file: anchors, merge keys into environment and depends_on, profiles', async () => {
    const project = await loadProject(fileIn('apache-airflow-trimmed'), { env: {}, profiles: ['flower', 'debug'] });
    const spec = project.toJSON();
    expect(project.serviceNames()).toContain('flower');
    const worker = spec.services['airflow-worker'];
    expect(worker?.image).toBe('apache/airflow:|version|');
    expect(worker?.environment['DUMB_INIT_SETSID']).toBe('0');
    expect(worker?.environment['AIRFLOW__CORE__EXECUTOR']).toBe('CeleryExecutor');
    expect(worker?.user).toBe('50000:0');
    expect(Object.fromEntries(Object.entries(worker?.depends_on ?? {}).map(([k, v]) => [k, v.condition]))).toEqual({
      'airflow-apiserver': 'service_healthy',
      'airflow-init': 'service_completed_successfully',
      postgres: 'service_healthy',
      redis: 'service_healthy',
    });
    expect(spec.services['airflow-init']?.command?.[1]).toContain('export AIRFLOW_UID=$(id -u)');
    expect(spec.services['flower']?.profiles).toEqual(['flower']);
  });
});
