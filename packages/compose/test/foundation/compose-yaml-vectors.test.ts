import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
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
  // build-only services (no image): the runtime names the image it builds
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
  // `- KEY` environment entries, `${VAR}` in read_only, `.env` files, `name:`, `healthcheck: { disable: false }`…
  mastodon: ['db', 'redis', 'sidekiq', 'streaming', 'web'],
  'goauthentik-authentik': ['postgresql', 'redis', 'server', 'worker'],
  langfuse: ['clickhouse', 'langfuse-web', 'langfuse-worker', 'minio', 'postgres', 'redis'],
  'plausible-community-edition': ['plausible', 'plausible_db', 'plausible_events_db'],
  'mattermost-docker': ['mattermost'],
  immich: ['database', 'immich-machine-learning', 'immich-server', 'redis'],
  'immich-trimmed': ['database', 'immich-machine-learning', 'immich-server', 'redis'],
  'n8n-hosting-with-postgres-and-worker': ['n8n', 'n8n-runner', 'n8n-worker', 'n8n-worker-runner', 'postgres', 'redis'],
  'awesome-compose-pihole-cloudflared-doh': ['cloudflared', 'pihole'],
  'awesome-compose-nginx-golang-postgres-rabbitmq': ['backend', 'db', 'mq', 'proxy'],
  'grafana-loki': ['grafana', 'loki', 'promtail'],
  'minio-distributed': ['minio1', 'minio2', 'minio3', 'minio4'],
  'awesome-compose-wordpress-mysql': ['db', 'phpmyadmin', 'wordpress'],
  'nextcloud-all-in-one': ['nextcloud-aio-mastercontainer'],
  'nextcloud-all-in-one-trimmed': ['nextcloud-aio-mastercontainer'],
  'awesome-compose-netdata': ['netdata'],
  'awesome-compose-react-java-mysql': ['backend', 'db', 'frontend'],
  'awesome-compose-portainer': ['portainer'],
  // `name:`, booleans in `environment`, a shell entrypoint with `$$`
  supabase: ['analytics', 'auth', 'db', 'functions', 'imgproxy', 'kong', 'meta', 'realtime', 'rest', 'storage', 'studio', 'supavisor', 'vector'],
  // `- KEY` entries by the hundred, `${CONFIG}` = `~/…` binds, a network alias from a variable, `expose`
  'jitsi-docker-jitsi-meet': ['jicofo', 'jvb', 'prosody', 'web'],
  // `x-` anchors merged (`<<`) into services, depends_on entries and healthchecks; builds; `ulimits`; external volumes
  'sentry-self-hosted': [
    'clickhouse', 'cron', 'geoipupdate', 'ingest-consumer', 'kafka', 'memcached', 'nginx', 'post-process-forwarder', 'postgres', 'redis', 'relay',
    'sentry-cleanup', 'smtp', 'snuba-api', 'snuba-cleanup', 'snuba-consumer', 'snuba-outcomes-consumer', 'snuba-replacer', 'snuba-sessions-consumer',
    'snuba-subscription-consumer-events', 'snuba-subscription-consumer-transactions', 'snuba-transactions-cleanup', 'snuba-transactions-consumer',
    'subscription-consumer-events', 'subscription-consumer-transactions', 'symbolicator', 'symbolicator-cleanup', 'web', 'worker', 'zookeeper',
  ],
};

/** A copy without the nulls (which TOML cannot write), at any depth. */
function withoutNulls<T>(value: T): T {
  if (Array.isArray(value)) return value.filter((v) => v !== null).map(withoutNulls) as T;
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null).map(([k, v]) => [k, withoutNulls(v)])) as T;
  return value;
}

/** Files that must fail, with exactly these issues (`[path, code]`), each naming its field. */
const FAILS: Readonly<Record<string, ReadonlyArray<readonly [string, string]>>> = {
  'awesome-compose-plex': [
    // ${PLEX_MEDIA_PATH} is unset here, so the mount has no source (docker-compose 1.29 would mount the project folder)
    ['services.plex.volumes[0]', 'invalid-value'],
  ],
  // Compose's version 1 format (services at the top level), which the Compose Specification no longer reads
  'zulip-docker-zulip-v1': [
    ['database', 'unknown-field'],
    ['memcache', 'unknown-field'],
    ['rabbitmq', 'unknown-field'],
    ['camo', 'unknown-field'],
    ['zulip', 'unknown-field'],
    ['redis', 'unknown-field'],
    ['services', 'missing-field'],
  ],
  // the secrets are declared by the project's compose.override.yaml, not in this file (`attach: false` is read)
  'zulip-docker-zulip': [
    ['services.database.secrets[0]', 'unknown-secret'],
    ['services.memcached.secrets[0]', 'unknown-secret'],
    ['services.rabbitmq.secrets[0]', 'unknown-secret'],
    ['services.redis.secrets[0]', 'unknown-secret'],
    ['services.zulip.secrets[0]', 'unknown-secret'],
    ['services.zulip.secrets[1]', 'unknown-secret'],
    ['services.zulip.secrets[2]', 'unknown-secret'],
    ['services.zulip.secrets[3]', 'unknown-secret'],
    ['services.zulip.secrets[4]', 'unknown-secret'],
    ['services.zulip.secrets[5]', 'unknown-secret'],
  ],
  // broken upstream: `frontend` depends on `backend` (the service is `Backend`), and both publish host port 3000
  'awesome-compose-react-express-mongodb': [
    ['services.frontend.ports[0]', 'duplicate-port'],
    ['services.frontend.depends_on.backend', 'unknown-dependency'],
  ],
};

describe('real Compose files (vectors/compose-yaml)', () => {
  it('every folder is listed once, as loading or failing', () => {
    const folders = readdirSync(root, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
    expect(folders).toEqual([...Object.keys(LOADS), ...Object.keys(FAILS)].sort());
    expect(folders.length).toBeGreaterThanOrEqual(32);
  });

  for (const [folder, services] of Object.entries(LOADS)) {
    it(`${folder} loads, validates and round-trips through YAML and TOML`, async () => {
      const project = await loadProject(fileIn(folder), { env: {} });
      project.validate();
      expect(project.serviceNames()).toEqual(services);
      // env_file paths are read again from the project's folder
      const again = { projectName: project.name, env: {}, cwd: dirname(fileIn(folder)) };
      const yaml = parseProject(project.toYaml(), { ...again, format: 'yaml' });
      expect(yaml.toJSON()).toStrictEqual(project.toJSON());
      const toml = parseProject(project.toToml(), again);
      // TOML has no null: a null inside an `x-` extension (sentry's `KEY:` in an anchored
      // environment, which the services resolve from .env) is left out by toToml
      expect(toml.toJSON()).toStrictEqual(withoutNulls(project.toJSON()));
      // the whole chain: YAML -> project -> toToml -> load -> toYaml -> load
      const chained = parseProject(toml.toYaml(), { ...again, format: 'yaml' });
      expect(chained.toJSON()).toStrictEqual(withoutNulls(project.toJSON()));
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
        // a missing top-level field is in the file but on no line of it
        if (issue.code === 'missing-field' && !issue.path.includes('.')) expect(issue).toMatchObject({ file });
        else expect(issue).toMatchObject({ file, line: expect.any(Number), column: expect.any(Number) });
        const field = /[^.[\]]+(?=(\[\d+\])?$)/.exec(issue.path)?.[0] ?? '';
        if (issue.code === 'unsupported-field') expect(issue.message).toContain(`field '${field}' is not supported yet`);
        if (issue.code === 'missing-image') expect(issue.message).toContain('image');
      }
    });
  }

  it('a version 1 file is told why: its services are at the top level', async () => {
    const error = await loadProject(fileIn('zulip-docker-zulip-v1'), { env: {} }).catch((e: unknown) => e);
    expect((error as ComposeValidationError).issues.find((i) => i.path === 'services')?.message).toContain("version 1 format");
  });

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
