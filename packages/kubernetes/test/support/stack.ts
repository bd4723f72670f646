import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Project } from '@selur/compose';

/** The secret value written to the representative stack's secret file (tests check it leaks nowhere). */
export const SECRET_VALUE = 's3cr3t-do-not-print';

/**
 * A representative stack: a database that owns its volume (a StatefulSet), a migration the API
 * waits for to complete (a Job), an API with an HTTP healthcheck and two replicas, a cache with a
 * TCP check, and a web front end that only needs the API started.
 */
export function representativeStack(secretValue = SECRET_VALUE): { project: Project; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'selur-k8s-'));
  writeFileSync(join(dir, 'db_password.txt'), secretValue);
  const project = new Project('shop', { workingDir: dir })
    .volume('pgdata')
    .secret('db_password', { file: './db_password.txt' })
    .service('db', {
      image: 'postgres:16',
      ports: ['5432'],
      volumes: ['pgdata:/var/lib/postgresql/data'],
      secrets: ['db_password'],
      environment: { POSTGRES_PASSWORD_FILE: '/run/secrets/db_password' },
      healthcheck: { test: 'pg_isready -U app', interval: '5s', timeout: '3s', retries: 5, start_period: '20s', start_interval: '2s' },
      deploy: { resources: { limits: { cpus: 1, memory: '512m' }, reservations: { cpus: 0.25, memory: '256m' } } },
      user: '999:999',
      stop_grace_period: '30s',
    })
    .service('migrate', {
      image: 'ghcr.io/example/api:1.4.2',
      command: ['api', 'migrate'],
      environment: { DB_PASSWORD: { secret: 'db_password' } },
      depends_on: { db: { condition: 'service_healthy' } },
    })
    .service('api', {
      image: 'ghcr.io/example/api:1.4.2',
      ports: ['8080:80'],
      environment: { DB_HOST: 'db', DB_PASSWORD: { secret: 'db_password' } },
      healthcheck: { test: ['CMD', 'curl', '-fsS', 'http://localhost:80/health'], interval: '10s', timeout: '2s', retries: 3 },
      depends_on: { db: { condition: 'service_healthy' }, migrate: { condition: 'service_completed_successfully' } },
      deploy: { replicas: 2, resources: { limits: { cpus: 0.5, memory: '1g' } } },
      read_only: true,
      labels: { 'com.example.team': 'payments' },
    })
    .service('cache', {
      image: 'redis:7',
      ports: ['6379'],
      healthcheck: { test: 'nc -z localhost 6379', interval: '5s' },
    })
    .service('web', {
      image: 'ghcr.io/example/web:2',
      ports: ['80:8080'],
      depends_on: { api: { condition: 'service_started' }, cache: { condition: 'service_healthy' } },
    });
  return { project, dir };
}
