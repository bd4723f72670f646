/**
 * The real Compose files of vectors/compose-yaml, read by Debian's `docker-compose config`
 * (1.29.2, installed by .ci/run) and by @selur/compose: the same services, images, commands,
 * entrypoints, environment, ports, volumes, networks (per service and top level), depends_on
 * (with conditions) and healthchecks. This test FAILS (never skips) when docker-compose is missing.
 * docker-compose reads every file in `beforeAll`, in one Python process (see IN_PROCESS).
 *
 * Differences that remain, and why (each a difference of meaning or of output, not of reading):
 * - `command`/`entrypoint` as a string: docker-compose prints it as written; @selur/compose splits
 *   it like a shell (no expansion). Compared after splitting docker-compose's string the same way.
 * - A literal `$` is `$$` in docker-compose's output (so that it loads again, as our toToml/toYaml
 *   write it); a Project holds the `$` itself. Compared after reading `$$` as `$`.
 * - `environment` entries without a value (`- KEY`) whose variable is set neither in the process
 *   nor in `.env`: docker-compose prints `KEY: null` (the container gets no such variable); a
 *   Project leaves the key out, which is what the container sees. Compared without the nulls.
 * - Build-only services (no `image`): both leave the image out (docker-compose prints none, a
 *   Project holds `image: ""`); the runtime names the image it builds. Compared as "built".
 * - `~` in a bind source: docker-compose writes the home folder; a Project keeps `~` (expanded
 *   when it runs). Compared after expanding ours.
 * - Healthcheck defaults: docker-compose prints only what the file says; the Project holds the
 *   values the engine uses when the file says nothing (interval 30s, timeout 30s, retries 3,
 *   start_period 0s: Docker's own defaults). Compared after filling docker-compose's with them;
 *   durations compared in milliseconds ("1m" = "60s").
 * - `healthcheck: { disable: false }` and nothing else (immich): docker-compose 1.29 turns any
 *   `disable` key into `test: [NONE]`, disabling the image's healthcheck; the Compose
 *   Specification (and Compose v2) read `disable: false` as "not disabled": the image's own
 *   healthcheck stays, which is what a Project without a healthcheck does. docker-compose 1.29 is
 *   wrong here; the test checks that it says NONE and that we keep no healthcheck.
 * - Volumes: docker-compose writes a relative bind source as an absolute path, drops a trailing
 *   `/` (`/etc/pihole/` is `/etc/pihole`) and adds the mode (`:rw`); a Project keeps the paths as
 *   written (a relative source is resolved against the project folder when it runs). Compared
 *   after resolving ours against the file's folder, without trailing `/`; the mode as read-only
 *   or not, plus the SELinux label (`z`, `Z`).
 * - Ports: docker-compose prints a port with a host address in the short form
 *   (`127.0.0.1:3000:3000`) and the others in the long form; both read into the same key.
 * - Profiles: `docker-compose config` lists the services of every profile; a Project holds the
 *   active ones. Ours is loaded with every profile the file names active.
 * - `version`: docker-compose prints its own (3.9); a YAML file's version is informative here.
 * - Files docker-compose 1.29 refuses and we read (it predates these parts of the Compose
 *   Specification, or checks what the specification does not):
 *   - awesome-compose-prometheus-grafana(-trimmed) mounts two volumes at /prometheus: 1.29
 *     refuses it ("Duplicate mount points"); Compose v2 keeps the last mount for a target.
 *   - immich and nextcloud-all-in-one name their project with a top-level `name:`, which 1.29
 *     does not know (the trimmed copies without it are compared field by field).
 * - Files 1.29 refuses as they are but reads once adapted, compared through that copy (see
 *   ADAPTED_FOR_1_29: a copy in a temporary folder, read with `--project-directory` set to the
 *   vector's folder, so that its `.env` and relative paths are the same; ours reads the original):
 *   - supabase: a top-level `name:` (as immich), and booleans as `environment` values
 *     (`NEXT_PUBLIC_ENABLE_LOGS: true`), which 1.29's schema refuses ("contains true, which is an
 *     invalid type") and the Compose Specification reads as the strings "true"/"false"; the copy
 *     drops the `name:` line and quotes those booleans, a change of form and not of meaning.
 * - Files both refuse: zulip-docker-zulip (1.29 knows neither `attach` nor `app_protocol`; we
 *   read `attach` now, but refuse the secrets it uses without declaring them, which its override
 *   file declares), awesome-compose-react-express-mongodb (`frontend` depends on `backend`, the
 *   service is `Backend`: a broken file upstream).
 * - Files docker-compose accepts and we refuse, on purpose (see compose-yaml-vectors.test.ts):
 *   - awesome-compose-plex: `${PLEX_MEDIA_PATH}` is unset, so `${PLEX_MEDIA_PATH}:/media/` has no
 *     source; docker-compose 1.29 reads the empty source as `.` and would mount the project folder
 *     at /media (it prints `.:/media:rw`); we refuse the mount, at its line.
 *   - zulip-docker-zulip-v1: the version-1 format (services at the top level, no `services:`),
 *     which Compose v2 and the Compose Specification no longer read.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { isComposeValidationError, loadProject, type ProjectSpec } from '@selur/compose';
import { parseDuration } from '../../src/spec/duration.js';
import { splitCommand } from '../../src/spec/values.js';

const root = fileURLToPath(new URL('../vectors/compose-yaml/', import.meta.url));
const fileIn = (folder: string) => join(root, folder, readdirSync(join(root, folder)).find((f) => /\.ya?ml$/.test(f)) ?? 'missing');
const folders = readdirSync(root, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();

/** Files docker-compose 1.29 refuses, with what it says. */
const DOCKER_REFUSES: Readonly<Record<string, string>> = {
  'awesome-compose-prometheus-grafana': 'Duplicate mount points',
  'awesome-compose-prometheus-grafana-trimmed': 'Duplicate mount points',
  immich: "'name' does not match any of the regexes: '^x-'",
  'nextcloud-all-in-one': "'name' does not match any of the regexes: '^x-'",
  'zulip-docker-zulip': "Unsupported config option for services.database: 'attach'",
  'awesome-compose-react-express-mongodb': "Service 'frontend' depends on service 'backend' which is undefined.",
  supabase: "'name' does not match any of the regexes: '^x-'",
};

/**
 * Files 1.29 refuses as they are, and what its copy changes so that it reads them (see the
 * header): each is compared through that copy.
 */
const ADAPTED_FOR_1_29: Readonly<Record<string, (text: string) => string>> = {
  supabase: (text) => text.replace(/^name: .*\n/m, '').replace(/^(\s+[A-Z0-9_]+): (true|false)$/gm, '$1: "$2"'),
};

/** Files @selur/compose refuses (their issues are asserted in compose-yaml-vectors.test.ts). */
const WE_REFUSE: ReadonlySet<string> = new Set(['awesome-compose-plex', 'zulip-docker-zulip-v1', 'zulip-docker-zulip', 'awesome-compose-react-express-mongodb']);

/** Files both read: compared field by field. */
const COMPARED = folders.filter((f) => DOCKER_REFUSES[f] === undefined && !WE_REFUSE.has(f));

function dockerEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith('COMPOSE_')) delete env[key];
  return env;
}

type DockerResult = { code: number; stdout: string; stderr: string };

function dockerComposeConfig(file: string): Promise<DockerResult> {
  return new Promise((done) => {
    const child = spawn('docker-compose', ['-f', file, 'config'], { cwd: dirname(file), env: dockerEnv(), timeout: 60_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', (error) => done({ code: 127, stdout, stderr: `${stderr}${String(error)}` }));
    child.on('close', (code) => done({ code: code ?? 1, stdout, stderr }));
  });
}

/**
 * `docker-compose -f FILE config` for every file in one Python process: docker-compose's own entry
 * point (`compose.cli.main.main`, what /usr/bin/docker-compose runs) called once per file, in the
 * file's folder, with its output captured. Starting docker-compose costs about a second of CPU
 * (its imports); this pays it once instead of forty times. A test below checks that it prints
 * exactly what the command prints.
 */
const IN_PROCESS = `
import io, json, logging, os, sys
from compose.cli.main import main
out = {}
for arg in sys.argv[1:]:
    path, _, project = arg.partition('::')
    os.chdir(project or os.path.dirname(path))
    stdout, stderr = io.StringIO(), io.StringIO()
    sys.stdout, sys.stderr = stdout, stderr
    logging.getLogger().handlers.clear()
    sys.argv = ['docker-compose'] + (['--project-directory', project] if project else []) + ['-f', path, 'config']
    code = 0
    try:
        main()
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__
    out[arg] = {'code': code, 'stdout': stdout.getvalue(), 'stderr': stderr.getvalue()}
print(json.dumps(out))
`;

function dockerComposeConfigAll(files: readonly string[]): Map<string, DockerResult> {
  // the interpreter docker-compose runs under (its first line), so that its own modules are found
  const script = execFileSync('sh', ['-c', 'command -v docker-compose'], { encoding: 'utf8' }).trim();
  const python = /^#!\s*(\S+)/.exec(readFileSync(script, 'utf8'))?.[1] ?? 'python3';
  const run = spawnSync(python, ['-c', IN_PROCESS, ...files], { env: dockerEnv(), encoding: 'utf8', timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(`docker-compose (in one process) failed: ${run.stderr}`);
  return new Map(Object.entries(JSON.parse(run.stdout) as Record<string, DockerResult>));
}

type DockerPort = { target: number | string; published?: number | string; protocol?: string; host_ip?: string };
type DockerVolume = string | { type: string; source?: string; target: string; read_only?: boolean; bind?: { selinux?: string } };
type DockerHealthcheck = { test?: string | string[]; interval?: string; timeout?: string; retries?: number; start_period?: string; disable?: boolean };
type DockerService = {
  image?: string;
  build?: unknown;
  command?: string | string[];
  entrypoint?: string | string[];
  environment?: Record<string, unknown>;
  ports?: Array<DockerPort | string>;
  volumes?: DockerVolume[];
  networks?: Record<string, { ipv4_address?: string; aliases?: string[] } | null> | string[];
  depends_on?: Record<string, { condition?: string }> | string[];
  healthcheck?: DockerHealthcheck;
};
type DockerNetwork = { internal?: boolean; external?: boolean | { name?: string }; name?: string; driver?: string; ipam?: { config?: Array<{ subnet?: string }> } };
type DockerConfig = { services: Record<string, DockerService>; networks?: Record<string, DockerNetwork | null>; volumes?: Record<string, { external?: boolean } | null> };

const portKey = (p: { target: number | string; published?: number | string | undefined; protocol?: string | undefined; host_ip?: string | undefined }) =>
  `${p.host_ip ?? ''}:${p.published ?? ''}:${p.target}/${p.protocol ?? 'tcp'}`;

/** A path without a trailing `/` (docker-compose drops it; a Project keeps the path as written). */
const bare = (path: string) => (path.length > 1 ? path.replace(/\/+$/, '') : path);
const volumeKey = (type: string, source: string, target: string, readOnly: boolean, selinux: string | undefined) =>
  `${type} ${bare(source)} -> ${bare(target)} ${readOnly ? 'ro' : 'rw'}${selinux ? ` ${selinux}` : ''}`;

/** docker-compose 1.29 prints a port with a host address in the short form: `IP:PUBLISHED:TARGET[/PROTOCOL]`. */
function theirPort(p: DockerPort | string): string {
  if (typeof p !== 'string') return portKey(p);
  const [spec = '', protocol] = p.split('/');
  const parts = spec.split(':');
  const target = parts.pop() ?? '';
  const published = parts.pop();
  const host_ip = parts.length > 0 ? parts.join(':') : undefined;
  return portKey({ target, published: published === '' ? undefined : published, protocol, host_ip });
}

/** A healthcheck as the engine runs it: disabled, or a test with its timing in milliseconds. */
type Health = { disabled: true } | { test: string | readonly string[]; interval: number; timeout: number; retries: number; start_period: number } | null;

/** docker-compose config writes a literal `$` as `$$` (so that its output loads again, as our toToml/toYaml do). */
const literal = (text: string) => text.replaceAll('$$', '$');
const argv = (value: string | readonly string[] | undefined, field: string) =>
  value === undefined ? null : typeof value === 'string' ? splitCommand(literal(value), field) : value.map(literal);

function ours(spec: ProjectSpec, workingDir: string) {
  const services: Record<string, unknown> = {};
  for (const [name, s] of Object.entries(spec.services)) {
    const h = s.healthcheck;
    const health: Health =
      h === undefined ? null : h.disable ? { disabled: true } : { test: h.test ?? [], interval: parseDuration(h.interval), timeout: parseDuration(h.timeout), retries: h.retries, start_period: parseDuration(h.start_period) };
    services[name] = {
      image: s.build !== undefined && s.image === '' ? '(built)' : s.image,
      command: s.command ?? null,
      entrypoint: s.entrypoint ?? null,
      environment: s.environment,
      ports: s.ports.map(portKey).sort(),
      volumes: s.volumes
        .map((v) => volumeKey(v.type, v.type === 'bind' ? resolve(workingDir, v.source.replace(/^~(?=\/|$)/, homedir())) : v.source, v.target, v.read_only, v.bind?.selinux))
        .sort(),
      networks: Object.fromEntries(
        Object.entries(s.networks).map(([n, v]) => [n, { ipv4_address: v.ipv4_address ?? null, aliases: [...(v.aliases ?? [])].sort() }]),
      ),
      depends_on: Object.fromEntries(Object.entries(s.depends_on).map(([d, v]) => [d, v.condition])),
      healthcheck: health,
    };
  }
  const networks = Object.fromEntries(
    Object.entries(spec.networks).map(([n, v]) => [
      n,
      { internal: v.internal ?? false, external: v.external, name: v.name ?? null, subnets: (v.ipam?.config ?? []).map((c) => c.subnet ?? null) },
    ]),
  );
  const volumes = Object.fromEntries(Object.entries(spec.volumes).map(([n, v]) => [n, { external: v.external }]));
  return { services, networks, volumes };
}

function theirVolume(v: DockerVolume): string {
  if (typeof v !== 'string') return volumeKey(v.type, v.source ?? '', v.target, v.read_only ?? false, v.bind?.selinux);
  const parts = v.split(':');
  if (parts.length === 1) return volumeKey('volume', '', parts[0] as string, false, undefined);
  const [source, target, mode = 'rw'] = parts as [string, string, string?];
  const flags = mode.split(',');
  const selinux = flags.find((f) => f === 'z' || f === 'Z');
  return volumeKey(isAbsolute(source) ? 'bind' : 'volume', source, target, flags.includes('ro'), selinux);
}

function theirHealth(h: DockerHealthcheck | undefined): Health {
  if (h === undefined) return null;
  if (h.disable === true || (Array.isArray(h.test) && h.test[0] === 'NONE')) return { disabled: true };
  const test = typeof h.test === 'string' ? literal(h.test) : (h.test ?? []).map(literal);
  return {
    test,
    interval: parseDuration(h.interval ?? '30s'),
    timeout: parseDuration(h.timeout ?? '30s'),
    retries: h.retries ?? 3,
    start_period: parseDuration(h.start_period ?? '0s'),
  };
}

function theirs(config: DockerConfig) {
  const services: Record<string, unknown> = {};
  for (const [name, s] of Object.entries(config.services)) {
    const deps = Array.isArray(s.depends_on) ? Object.fromEntries(s.depends_on.map((d) => [d, { condition: 'service_started' }])) : (s.depends_on ?? {});
    const nets = Array.isArray(s.networks) ? Object.fromEntries(s.networks.map((n) => [n, null])) : (s.networks ?? {});
    services[name] = {
      image: s.image === undefined ? (s.build !== undefined ? '(built)' : undefined) : literal(s.image),
      command: argv(s.command, 'command'),
      entrypoint: argv(s.entrypoint, 'entrypoint'),
      environment: Object.fromEntries(
        Object.entries(s.environment ?? {})
          .filter(([, v]) => v !== null)
          .map(([k, v]) => [k, literal(String(v))]),
      ),
      ports: (s.ports ?? []).map(theirPort).sort(),
      volumes: (s.volumes ?? []).map(theirVolume).sort(),
      networks: Object.fromEntries(Object.entries(nets).map(([n, v]) => [n, { ipv4_address: v?.ipv4_address ?? null, aliases: [...(v?.aliases ?? [])].sort() }])),
      depends_on: Object.fromEntries(Object.entries(deps).map(([d, v]) => [d, v.condition ?? 'service_started'])),
      healthcheck: theirHealth(s.healthcheck),
    };
  }
  const networks = Object.fromEntries(
    Object.entries(config.networks ?? {}).map(([n, v]) => [
      n,
      {
        internal: v?.internal ?? false,
        external: v?.external !== undefined && v.external !== false,
        name: v?.name ?? (typeof v?.external === 'object' ? (v.external.name ?? null) : null),
        subnets: (v?.ipam?.config ?? []).map((c) => c.subnet ?? null),
      },
    ]),
  );
  const volumes = Object.fromEntries(Object.entries(config.volumes ?? {}).map(([n, v]) => [n, { external: v?.external !== undefined && v.external !== false }]));
  return { services, networks, volumes };
}

/** Every profile a file names (docker-compose config lists the services of all of them). */
function profilesOf(file: string): string[] {
  const doc = parse(readFileSync(file, 'utf8'), { merge: true, maxAliasCount: -1 }) as { services?: Record<string, { profiles?: string[] }> };
  return [...new Set(Object.values(doc.services ?? {}).flatMap((s) => s.profiles ?? []))];
}

/** Services whose healthcheck table is `{ disable: false }` alone (docker-compose 1.29 prints NONE for them). */
function disableFalseOnly(file: string): string[] {
  const doc = parse(readFileSync(file, 'utf8'), { merge: true, maxAliasCount: -1 }) as { services?: Record<string, { healthcheck?: Record<string, unknown> }> };
  return Object.entries(doc.services ?? {})
    .filter(([, s]) => s.healthcheck !== undefined && Object.keys(s.healthcheck).length === 1 && s.healthcheck['disable'] === false)
    .map(([name]) => name);
}

describe("Debian's docker-compose config vs @selur/compose on real files", () => {
  const docker = new Map<string, DockerResult>();

  beforeAll(() => {
    try {
      execFileSync('docker-compose', ['version'], { stdio: 'pipe' });
    } catch (error) {
      throw new Error(`docker-compose is needed for this test (apt-get install -y docker-compose; .ci/run installs it): ${String(error)}`);
    }
    // the adapted copies: in a temporary folder, read with the vector's folder as project directory
    const copies = mkdtempSync(join(tmpdir(), 'selur-dc129-'));
    const adapted = Object.entries(ADAPTED_FOR_1_29).map(([folder, adapt]) => {
      const copy = join(copies, `${folder}.yml`);
      writeFileSync(copy, adapt(readFileSync(fileIn(folder), 'utf8')));
      return [folder, `${copy}::${dirname(fileIn(folder))}`] as const;
    });
    try {
      const results = dockerComposeConfigAll([...folders.map(fileIn), ...adapted.map(([, arg]) => arg)]);
      for (const folder of folders) docker.set(folder, results.get(fileIn(folder)) as DockerResult);
      for (const [folder, arg] of adapted) docker.set(`${folder} (adapted)`, results.get(arg) as DockerResult);
    } finally {
      rmSync(copies, { recursive: true, force: true });
    }
  }, 180_000);

  it('the in-process runs print exactly what the docker-compose command prints (a file it reads, one it refuses)', async () => {
    for (const folder of ['mattermost-docker', 'immich']) {
      const command = await dockerComposeConfig(fileIn(folder));
      expect(docker.get(folder)).toEqual(command);
    }
  }, 60_000);

  it('the corpus has at least 32 distinct files, and at least 30 folders are compared field by field', () => {
    expect(folders.filter((f) => !f.endsWith('-trimmed')).length).toBeGreaterThanOrEqual(32);
    expect(COMPARED.length).toBeGreaterThanOrEqual(30);
    for (const folder of [...Object.keys(DOCKER_REFUSES), ...WE_REFUSE]) expect(folders).toContain(folder);
  });

  for (const folder of COMPARED) {
    it(`${folder}: same services, images, commands, entrypoints, environment, ports, volumes, networks, depends_on and healthchecks`, async () => {
      const file = fileIn(folder);
      const result = docker.get(folder);
      expect(result?.code, result?.stderr).toBe(0);
      const their = theirs(parse(result?.stdout ?? '') as DockerConfig);
      const project = await loadProject(file, { profiles: profilesOf(file) });
      const our = ours(project.toJSON(), dirname(file));
      // docker-compose 1.29 disables the image's healthcheck for `disable: false` (see the header)
      for (const name of disableFalseOnly(file)) {
        expect((their.services[name] as { healthcheck: Health }).healthcheck).toEqual({ disabled: true });
        expect((our.services[name] as { healthcheck: Health }).healthcheck).toBeNull();
        (their.services[name] as { healthcheck: Health }).healthcheck = null;
      }
      expect(our.services).toEqual(their.services);
      expect(our.networks).toEqual(their.networks);
      expect(our.volumes).toEqual(their.volumes);
    });
  }

  for (const folder of Object.keys(ADAPTED_FOR_1_29)) {
    it(`${folder}: docker-compose 1.29 reads it once adapted (see the header); the same services, images, commands, environment, ports, volumes, networks, depends_on and healthchecks`, async () => {
      const file = fileIn(folder);
      const result = docker.get(`${folder} (adapted)`);
      expect(result?.code, result?.stderr).toBe(0);
      const their = theirs(parse(result?.stdout ?? '') as DockerConfig);
      const our = ours((await loadProject(file, { profiles: profilesOf(file) })).toJSON(), dirname(file));
      expect(our.services).toEqual(their.services);
      expect(our.networks).toEqual(their.networks);
      expect(our.volumes).toEqual(their.volumes);
    });
  }

  for (const [folder, message] of Object.entries(DOCKER_REFUSES)) {
    const weRefuse = WE_REFUSE.has(folder);
    it(`${folder}: docker-compose 1.29 refuses it${weRefuse ? ', and so do we' : ', we read it'}`, async () => {
      const result = docker.get(folder);
      expect(result?.code).not.toBe(0);
      expect(result?.stderr).toContain(message);
      const loading = loadProject(fileIn(folder), { env: {} });
      if (weRefuse) await expect(loading).rejects.toSatisfy(isComposeValidationError);
      else await expect(loading).resolves.toBeDefined();
    });
  }

  it('awesome-compose-prometheus-grafana-trimmed: we keep both mounts at /prometheus', async () => {
    expect((await loadProject(fileIn('awesome-compose-prometheus-grafana-trimmed'))).toJSON().services['prometheus']?.volumes.map((v) => v.target)).toEqual(['/prometheus', '/prometheus']);
  });

  for (const folder of [...WE_REFUSE].filter((f) => DOCKER_REFUSES[f] === undefined)) {
    it(`${folder}: docker-compose 1.29 prints it, we refuse it (see compose-yaml-vectors.test.ts)`, async () => {
      expect(docker.get(folder)?.code).toBe(0);
      await expect(loadProject(fileIn(folder), { env: {} })).rejects.toSatisfy(isComposeValidationError);
    });
  }
});
