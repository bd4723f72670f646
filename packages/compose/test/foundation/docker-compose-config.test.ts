/**
 * The real Compose files of vectors/compose-yaml, read by Debian's `docker-compose config`
 * (1.29.2, installed by .ci/run) and by @selur/compose: the same services, images, commands,
 * environment, ports and depends_on. This test FAILS (never skips) when docker-compose is missing.
 *
 * Differences that remain, and why:
 * - `command` as a string: docker-compose prints it as written; @selur/compose splits it like a
 *   shell (no expansion). Compared after splitting docker-compose's string the same way.
 * - Profiles: `docker-compose config` lists the services of every profile; a Project holds the
 *   active ones. Ours is loaded with every profile the file names active.
 * - Volumes are not compared: docker-compose makes relative bind sources absolute and adds `:rw`;
 *   @selur/compose keeps them as written (resolved against the project folder when run).
 * - Defaults are not compared: the canonical Project fills them (restart "no", healthcheck
 *   interval 30s, …); docker-compose prints only what the file says.
 * - `version`: docker-compose prints its own (3.9); a YAML file's version is informative here.
 * - A literal `$` is `$$` in docker-compose's output (so it loads again, as our toToml/toYaml
 *   write it); a Project holds the `$` itself. Compared after reading `$$` as `$`.
 * - awesome-compose-prometheus-grafana(-trimmed) mounts two volumes at /prometheus: docker-compose
 *   1.29 refuses it ("Duplicate mount points"); @selur/compose accepts it (Compose v2 keeps the last
 *   mount for a target when merging; a rule against duplicates in one file is still to be added).
 * - The files that use fields @selur/compose does not support yet (container_name, expose,
 *   entrypoint, logging, network_mode, stdin_open, tty, networks.*.name, build-only services)
 *   are accepted by docker-compose and refused here: see compose-yaml-vectors.test.ts.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadProject, type ProjectSpec } from '@selur/compose';
import { splitCommand } from '../../src/spec/values.js';

const root = fileURLToPath(new URL('../vectors/compose-yaml/', import.meta.url));
const fileIn = (folder: string) => join(root, folder, readdirSync(join(root, folder)).find((f) => /\.ya?ml$/.test(f)) ?? 'missing');

/** The files both docker-compose and @selur/compose accept. */
const COMPARED = [
  'awesome-compose-minecraft',
  'awesome-compose-nextcloud-redis-mariadb',
  'apache-airflow-trimmed',
  'awesome-compose-elasticsearch-logstash-kibana-trimmed',
  'awesome-compose-gitea-postgres-trimmed',
  'awesome-compose-postgresql-pgadmin-trimmed',
  'temporalio-docker-compose-trimmed',
];

function dockerEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith('COMPOSE_')) delete env[key];
  return env;
}

function dockerComposeConfig(file: string): { code: number; stdout: string; stderr: string } {
  const r = spawnSync('docker-compose', ['-f', file, 'config'], { cwd: dirname(file), env: dockerEnv(), encoding: 'utf8', timeout: 60_000 });
  return { code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}

type DockerService = {
  image?: string;
  command?: string | string[];
  environment?: Record<string, unknown>;
  ports?: Array<{ target: number | string; published?: number | string; protocol?: string; host_ip?: string }>;
  depends_on?: Record<string, { condition?: string }> | string[];
};

const portKey = (p: { target: number | string; published?: number | string | undefined; protocol?: string | undefined; host_ip?: string | undefined }) =>
  `${p.host_ip ?? ''}:${p.published ?? ''}:${p.target}/${p.protocol ?? 'tcp'}`;

function ours(spec: ProjectSpec) {
  const out: Record<string, unknown> = {};
  for (const [name, s] of Object.entries(spec.services))
    out[name] = {
      image: s.image,
      command: s.command ?? null,
      environment: s.environment,
      ports: s.ports.map(portKey),
      depends_on: Object.fromEntries(Object.entries(s.depends_on).map(([d, v]) => [d, v.condition])),
    };
  return out;
}

/** docker-compose config writes a literal `$` as `$$` (so that its output loads again, as our toToml/toYaml do). */
const literal = (text: string) => text.replaceAll('$$', '$');

function theirs(services: Record<string, DockerService>) {
  const out: Record<string, unknown> = {};
  for (const [name, s] of Object.entries(services)) {
    const deps = Array.isArray(s.depends_on) ? Object.fromEntries(s.depends_on.map((d) => [d, { condition: 'service_started' }])) : (s.depends_on ?? {});
    out[name] = {
      image: s.image === undefined ? undefined : literal(s.image),
      command: s.command === undefined ? null : typeof s.command === 'string' ? splitCommand(literal(s.command), 'command') : s.command.map(literal),
      environment: Object.fromEntries(Object.entries(s.environment ?? {}).map(([k, v]) => [k, literal(String(v))])),
      ports: (s.ports ?? []).map(portKey),
      depends_on: Object.fromEntries(Object.entries(deps).map(([d, v]) => [d, v.condition ?? 'service_started'])),
    };
  }
  return out;
}

/** Every profile a file names (docker-compose config lists the services of all of them). */
function profilesOf(file: string): string[] {
  const doc = parse(readFileSync(file, 'utf8'), { merge: true }) as { services?: Record<string, { profiles?: string[] }> };
  return [...new Set(Object.values(doc.services ?? {}).flatMap((s) => s.profiles ?? []))];
}

describe("Debian's docker-compose config vs @selur/compose on real files", () => {
  beforeAll(() => {
    try {
      execFileSync('docker-compose', ['version'], { stdio: 'pipe' });
    } catch (error) {
      throw new Error(`docker-compose is needed for this test (apt-get install -y docker-compose; .ci/run installs it): ${String(error)}`);
    }
  });

  for (const folder of COMPARED) {
    it(`${folder}: same services, images, commands, environment, ports and depends_on`, { timeout: 60_000 }, async () => {
      const file = fileIn(folder);
      const docker = dockerComposeConfig(file);
      expect(docker.code, docker.stderr).toBe(0);
      const their = parse(docker.stdout) as { services: Record<string, DockerService> };
      const project = await loadProject(file, { profiles: profilesOf(file) });
      expect(ours(project.toJSON())).toEqual(theirs(their.services));
    });
  }

  it('awesome-compose-prometheus-grafana-trimmed: docker-compose 1.29 refuses a second mount at /prometheus, we accept it', { timeout: 60_000 }, async () => {
    const file = fileIn('awesome-compose-prometheus-grafana-trimmed');
    const docker = dockerComposeConfig(file);
    expect(docker.code).not.toBe(0);
    expect(docker.stderr).toContain('Duplicate mount points');
    expect((await loadProject(file)).toJSON().services['prometheus']?.volumes.map((v) => v.target)).toEqual(['/prometheus', '/prometheus']);
  });
});
