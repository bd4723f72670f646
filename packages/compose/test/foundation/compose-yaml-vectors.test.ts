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
  'apache-airflow-trimmed': ['airflow-apiserver', 'airflow-dag-processor', 'airflow-init', 'airflow-scheduler', 'airflow-triggerer', 'airflow-worker', 'postgres', 'redis'],
  'awesome-compose-elasticsearch-logstash-kibana-trimmed': ['elasticsearch', 'kibana', 'logstash'],
  'awesome-compose-gitea-postgres-trimmed': ['db', 'gitea'],
  'awesome-compose-postgresql-pgadmin-trimmed': ['pgadmin', 'postgres'],
  'awesome-compose-prometheus-grafana-trimmed': ['grafana', 'prometheus'],
  'temporalio-docker-compose-trimmed': ['cassandra', 'temporal', 'temporal-admin-tools', 'temporal-web'],
};

/**
 * Files that use what @selur/compose does not support yet: each must fail with exactly these
 * issues, each naming its field. `[path, code]`; `unsupported-field` is a Compose field we lack,
 * `missing-image` a build-only service (an image is required today).
 */
const FAILS: Readonly<Record<string, ReadonlyArray<readonly [string, string]>>> = {
  'apache-airflow': [
    ['services.redis.expose', 'unsupported-field'],
    ['services.airflow-init.entrypoint', 'unsupported-field'],
  ],
  'awesome-compose-elasticsearch-logstash-kibana': [
    ['services.elasticsearch.container_name', 'unsupported-field'],
    ['services.logstash.container_name', 'unsupported-field'],
    ['services.kibana.container_name', 'unsupported-field'],
  ],
  'awesome-compose-gitea-postgres': [['services.db.expose', 'unsupported-field']],
  'awesome-compose-go-redis': [['services.app.image', 'missing-image']],
  'awesome-compose-nginx-flask-mysql': [
    ['services.db.expose', 'unsupported-field'],
    ['services.db.logging', 'unsupported-field'],
    ['services.backend.image', 'missing-image'],
    ['services.backend.logging', 'unsupported-field'],
    ['services.proxy.image', 'missing-image'],
    ['services.proxy.logging', 'unsupported-field'],
  ],
  'awesome-compose-nginx-golang-postgres': [
    ['services.backend.image', 'missing-image'],
    ['services.db.expose', 'unsupported-field'],
  ],
  'awesome-compose-plex': [
    ['services.plex.container_name', 'unsupported-field'],
    ['services.plex.network_mode', 'unsupported-field'],
    // ${PLEX_MEDIA_PATH} is unset here, so the mount has no source (docker-compose fails at `up` too)
    ['services.plex.volumes[0]', 'invalid-value'],
  ],
  'awesome-compose-postgresql-pgadmin': [
    ['services.postgres.container_name', 'unsupported-field'],
    ['services.pgadmin.container_name', 'unsupported-field'],
  ],
  'awesome-compose-prometheus-grafana': [
    ['services.prometheus.container_name', 'unsupported-field'],
    ['services.grafana.container_name', 'unsupported-field'],
  ],
  'awesome-compose-traefik-golang': [['services.backend.image', 'missing-image']],
  'temporalio-docker-compose': [
    ['services.cassandra.container_name', 'unsupported-field'],
    ['services.temporal.container_name', 'unsupported-field'],
    ['services.temporal-admin-tools.container_name', 'unsupported-field'],
    ['services.temporal-admin-tools.stdin_open', 'unsupported-field'],
    ['services.temporal-admin-tools.tty', 'unsupported-field'],
    ['services.temporal-web.container_name', 'unsupported-field'],
    ['networks.temporal-network.name', 'unsupported-field'],
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
