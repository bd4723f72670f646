import { describe, expect, it } from 'vitest';
import { Project, Wait, parseProject } from '@selur/compose';

const toml = `
version = "1.0"
name = "shop"

[services.db]
image = "ghcr.io/org/postgres:16.ctp"
environment = { POSTGRES_DB = "shop", POSTGRES_PASSWORD = { secret = "db_password" } }
volumes = ["pgdata:/var/lib/postgresql/data"]
secrets = ["db_password"]
networks = ["back"]
restart = "unless-stopped"
healthcheck = { test = "pg_isready", interval = "5s", retries = 10, start_period = "30s" }

[services.api]
image = "ghcr.io/org/api:v1.ctp"
command = ["node", "server.js", "--port", "80"]
ports = ["8080:80", "127.0.0.1:9229:9229"]
environment = { DATABASE_URL = "postgres://db:5432/shop", WORKERS = 4, DEBUG = false }
labels = { team = "core" }
networks = ["back", "front"]
restart = "on-failure:3"
working_dir = "/app"
user = "1000:1000"
stop_grace_period = "90s"
stop_signal = "SIGINT"
read_only = true
x-owner = "core-team"

[services.api.depends_on.db]
condition = "service_healthy"

[services.api.deploy]
replicas = 2
resources = { limits = { cpus = "0.5", memory = "512M" } }

[services.worker]
image = "ghcr.io/org/worker:v1.ctp"
depends_on = ["db"]
volumes = ["./jobs:/jobs:ro"]
profiles = ["jobs"]
networks = ["back"]

[volumes.pgdata]

[networks.back]
driver = "selur"

[networks.front]

[secrets.db_password]
file = "./secrets/db.txt"
`;

function fluent(): Project {
  return new Project('shop', { workingDir: '/tmp' })
    .volume('pgdata')
    .network('back', { driver: 'selur' })
    .network('front')
    .secret('db_password', { file: './secrets/db.txt' })
    .service('db', (s) =>
      s
        .image('ghcr.io/org/postgres:16.ctp')
        .env({ POSTGRES_DB: 'shop', POSTGRES_PASSWORD: { secret: 'db_password' } })
        .volume('pgdata:/var/lib/postgresql/data')
        .secret('db_password')
        .network('back')
        .restart('unless-stopped')
        .healthcheck({ test: 'pg_isready', interval: '5s', retries: 10, startPeriod: 30_000 }),
    )
    .service('api', (s) =>
      s
        .image('ghcr.io/org/api:v1.ctp')
        .command('node server.js --port 80')
        .port('8080:80')
        .port({ target: 9229, published: 9229, host_ip: '127.0.0.1' })
        .env({ DATABASE_URL: 'postgres://db:5432/shop', WORKERS: 4, DEBUG: false })
        .label('team', 'core')
        .network('back', 'front')
        .restart('on-failure:3')
        .workdir('/app')
        .user('1000:1000')
        .stopGracePeriod('1m30s')
        .stopSignal('SIGINT')
        .readOnly()
        .extension('x-owner', 'core-team')
        .dependsOn('db', { condition: 'healthy' })
        .replicas(2)
        .resources({ limits: { cpus: 0.5, memory: '512m' } })
        .waitFor(Wait.forHttp('/health', { port: 80 })),
    )
    .service('worker', (s) =>
      s.image('ghcr.io/org/worker:v1.ctp').dependsOn('db').volume({ source: './jobs', target: '/jobs', read_only: true }).profiles('jobs').network('back'),
    );
}

function objects(): Project {
  return new Project('shop')
    .volume('pgdata', {})
    .network('back', { driver: 'selur' })
    .network('front', {})
    .secret('db_password', { file: './secrets/db.txt' })
    .service('db', {
      image: 'ghcr.io/org/postgres:16.ctp',
      environment: { POSTGRES_DB: 'shop', POSTGRES_PASSWORD: { secret: 'db_password' } },
      volumes: ['pgdata:/var/lib/postgresql/data'],
      secrets: ['db_password'],
      networks: ['back'],
      restart: 'unless-stopped',
      healthcheck: { test: 'pg_isready', interval: '5s', retries: 10, start_period: '30s' },
    })
    .service('api', {
      image: 'ghcr.io/org/api:v1.ctp',
      command: ['node', 'server.js', '--port', '80'],
      ports: ['8080:80', '127.0.0.1:9229:9229'],
      environment: ['DATABASE_URL=postgres://db:5432/shop', 'WORKERS=4', 'DEBUG=false'],
      labels: ['team=core'],
      networks: ['back', 'front'],
      restart: 'on-failure:3',
      workdir: '/app',
      user: '1000:1000',
      stop_grace_period: '90s',
      stop_signal: 'SIGINT',
      read_only: true,
      'x-owner': 'core-team',
      depends_on: { db: { condition: 'service_healthy' } },
      deploy: { replicas: 2, resources: { limits: { cpus: '0.5', memory: '512M' } } },
    })
    .service('worker', { image: 'ghcr.io/org/worker:v1.ctp', depends_on: ['db'], volumes: ['./jobs:/jobs:ro'], profiles: ['jobs'], networks: ['back'] });
}

describe('builders and loader produce equal projects', () => {
  it('fluent, object and TOML forms give the same toJSON (values and key order)', () => {
    const loaded = parseProject(toml, { profiles: ['jobs'] });
    const a = fluent().toJSON();
    const b = objects().toJSON();
    const c = loaded.toJSON();
    expect(a).toStrictEqual(c);
    expect(b).toStrictEqual(c);
    expect(JSON.stringify(a)).toBe(JSON.stringify(c));
    expect(JSON.stringify(b)).toBe(JSON.stringify(c));
    fluent().validate();
    loaded.validate();
  });

  it('fills defaults and expands short forms', () => {
    const api = fluent().toJSON().services['api'];
    expect(api?.depends_on).toEqual({ db: { condition: 'service_healthy', required: true, restart: false } });
    expect(api?.ports[1]).toEqual({ host_ip: '127.0.0.1', protocol: 'tcp', published: 9229, target: 9229 });
    expect(api?.stop_grace_period).toBe('1m30s');
    const db = fluent().toJSON().services['db'];
    expect(db?.healthcheck).toEqual({ disable: false, interval: '5s', retries: 10, start_interval: '5s', start_period: '30s', test: 'pg_isready', timeout: '30s' });
    expect(db?.deploy).toEqual({ replicas: 1, strategy: 'rolling' });
    expect(db?.stop_signal).toBe('SIGTERM');
  });

  it('keeps wait strategies out of the spec but on the model', () => {
    const project = fluent();
    expect(project.waitStrategies().get('api')?.kind).toBe('http');
    expect(JSON.stringify(project.toJSON())).not.toContain('waitFor');
  });

  it('round-trips through TOML', () => {
    const project = fluent();
    const again = parseProject(project.toToml(), { profiles: ['jobs'] });
    expect(again.toJSON()).toStrictEqual(project.toJSON());
    expect(again.toToml()).toBe(project.toToml());
  });

  it('port ranges expand the same way in both forms', () => {
    const loaded = parseProject('version = "1.0"\n[services.a]\nimage = "a"\nports = ["8000-8001:80-81", "9000"]\n', { projectName: 'r' });
    const built = new Project('r').service('a', (s) => s.image('a').port('8000-8001:80-81').port(9000));
    expect(built.toJSON()).toStrictEqual(loaded.toJSON());
    expect(loaded.toJSON().services['a']?.ports.map((p) => p.target)).toEqual([80, 81, 9000]);
  });

  it('drops services of inactive profiles when loading', () => {
    expect(parseProject(toml).serviceNames()).toEqual(['api', 'db']);
    expect(fluent().withProfiles().serviceNames()).toEqual(['api', 'db']);
    expect(fluent().withProfiles('jobs').serviceNames()).toEqual(['api', 'db', 'worker']);
  });
});
