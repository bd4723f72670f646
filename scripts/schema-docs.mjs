// The editor-facing JSON Schemas of the file formats, made from the validator's own schema
// (`composeSchema` in packages/compose/src/spec/schema.ts, the one copy), with a description and
// examples for every field added from FIELD_DOCS below. Used by scripts/gen-schema.mjs (the
// published packages/compose/schema*.json) and scripts/gen-model-docs.mjs (docs/model.md).
//
// A field is named by its path in a file: `services.*.healthcheck.interval`, `volumes.*.driver`;
// `[]` stands for a list's items (`services.*.ports[].target`). Every field of the schema must
// have a description (in schema.ts or here), and every entry here must name a field of the
// schema: the generators fail otherwise, so the docs cannot drift from the validator.
import { tsImport } from 'tsx/esm/api';

/** Loads `composeSchema` from the TypeScript source (tsx compiles it on the fly). */
export async function loadComposeSchema() {
  const module = await tsImport('../packages/compose/src/spec/schema.ts', import.meta.url);
  return JSON.parse(JSON.stringify(module.composeSchema));
}

/** The stable identifiers of the published schemas (a `$id` names a schema; nothing is fetched from it). */
export const SCHEMA_IDS = {
  toml: 'https://selur.dev/schemas/compose.toml.json',
  yaml: 'https://selur.dev/schemas/compose.yaml.json',
};

/** Where they are published inside `@selur/compose` (package.json `exports` and `files`). */
export const SCHEMA_FILES = { toml: 'packages/compose/schema.json', yaml: 'packages/compose/schema.yaml.json' };

const d = (description, examples) => (examples === undefined ? { description } : { description, examples });

/** Description (and examples) of each field, where schema.ts has none. */
export const FIELD_DOCS = {
  version: d('Format version of the file. Required in compose.toml; in Compose YAML it is informative and ignored, as the Compose Specification says.', ['1.0']),
  services: d('The services of the project, keyed by name. Each runs one command (process runtime), container (Docker/Podman) or verified bundle (selur).'),
  volumes: d('Named volumes that services mount, keyed by name.'),
  networks: d('Networks the services join, keyed by name. Without any, the project gets one network, `default`.'),
  secrets: d('Secrets services can read as files, keyed by name. Their values never appear in events, errors, plans or rendered config.'),
  'x-svalinn.policy': d('Default Svalinn edge policy for every service.', ['strict']),
  'x-svalinn.verify': d('Verify every service\'s `.ctp` bundle (signature and digests) before it starts.', [true]),
  'x-svalinn.attestations': d('Attestations required of every bundle: a table of name = true, or a list of names.', [{ 'require-sbom': true }]),

  'services.*.image': d('What to run: a `.ctp` bundle reference or path for the selur runtime, an OCI image for Docker/Podman. The process runtime runs `command` and records the image only.', ['ghcr.io/org/api:v1.ctp', 'nginx:1.27']),
  'services.*.command': d('The command: a list of arguments (run as is) or a string (split like a shell would, without running one). On the process runtime it is the host command to run.', [['node', 'server.js'], 'redis-server --save ""']),
  'services.*.environment.*.secret': d('Pass the path of this secret\'s file as the variable\'s value (the value itself never enters the environment).', ['db_password']),
  'services.*.environment': d('Environment variables: a table (`KEY = "value"`, or `KEY = { secret = "name" }` to pass a secret\'s path) or a list of `KEY=value` strings. A key without a value (`KEY` in the list, `KEY:` in YAML) takes it from the environment or `.env` the file is loaded with, and is left out when neither has it.', [{ NODE_ENV: 'production', DATABASE_URL: 'postgres://db:5432/shop' }]),
  'services.*.env_file': d('Files of `KEY=value` lines read into `environment` (relative to the compose file); `environment` wins.', ['.env.api']),
  'services.*.ports': d('Ports to publish: `"CONTAINER"`, `"HOST:CONTAINER"`, `"IP:HOST:CONTAINER[/udp]"`, a number, or the long form. Host port `0` (or none) picks a free port; read it from `stack.service(name).endpoint(port)`.', [['8080:80', '0:5432', '127.0.0.1:9000:9000/udp']]),
  'services.*.ports[].target': d('The port inside the service.', [80]),
  'services.*.ports[].published': d('The host port; `0` picks a free one.', [8080]),
  'services.*.ports[].host_ip': d('The host address to bind.', ['127.0.0.1']),
  'services.*.ports[].protocol': d('The protocol.', ['tcp']),
  'services.*.ports[].mode': d('Docker Compose\'s publishing mode (`ingress` or `host`); kept, not used by the runtimes here.', ['host']),
  'services.*.depends_on': d('Services that must be ready first: a list of names (condition `service_started`), or a table of name = condition or name = { condition, required, restart }.', [['db'], { db: { condition: 'service_healthy' } }]),
  'services.*.depends_on.*.condition': d('What the dependency must reach before this service starts.', ['service_healthy']),
  'services.*.depends_on.*.required': d('When false, a dependency that is not part of the run (e.g. not in the active profiles) is ignored instead of refused.', [false]),
  'services.*.depends_on.*.restart': d('Restart this service when the dependency is recreated by a later `up`.', [true]),
  'services.*.volumes': d('Mounts: `"SOURCE:TARGET[:ro]"` strings (a named volume, or a path starting with `.` or `/` for a bind mount) or the long form.', [['pgdata:/var/lib/postgresql/data', './config:/etc/app:ro']]),
  'services.*.volumes[].type': d('`volume` (a named volume of the project) or `bind` (a host path).', ['bind']),
  'services.*.volumes[].source': d('The volume\'s name, or the host path of a bind mount.', ['pgdata']),
  'services.*.volumes[].target': d('The absolute path inside the service.', ['/var/lib/postgresql/data']),
  'services.*.volumes[].read_only': d('Mount read-only.', [true]),
  'services.*.networks': d('Networks this service joins (names from the top-level `networks`). Default: `default`.', [['front', 'back']]),
  'services.*.secrets': d('Secrets this service may read (names from the top-level `secrets`): a file per secret, its path in `<NAME>_FILE` on the process runtime, `/run/secrets/<name>` in containers.', [['db_password']]),
  'services.*.restart': d('When the runtime restarts the service after it exits.', ['unless-stopped', 'on-failure:3']),
  'services.*.healthcheck': d('A command that says whether the service is ready and healthy; `depends_on` conditions `service_healthy` and `up` wait for it.'),
  'services.*.healthcheck.test': d('The check: a command string (run by a shell), or a list — `["CMD", …]` runs it directly, `["CMD-SHELL", "…"]` through a shell, `["NONE"]` disables the image\'s check. Left out, the image\'s own `HEALTHCHECK` test runs with the timing given here (runtimes with images only: Docker).', ['pg_isready -U postgres', ['CMD', 'curl', '-f', 'http://localhost/health']]),
  'services.*.healthcheck.interval': d('Time between checks once the service has started.', ['5s']),
  'services.*.healthcheck.timeout': d('How long one check may take.', ['3s']),
  'services.*.healthcheck.retries': d('Consecutive failures after `start_period` that make the service unhealthy.', [5]),
  'services.*.healthcheck.start_period': d('Time to start during which failures do not count.', ['30s']),
  'services.*.healthcheck.start_interval': d('Time between checks during `start_period` (checked fast at first, then backing off).', ['200ms']),
  'services.*.healthcheck.disable': d('Disable the healthcheck (and the image\'s).', [true]),
  'services.*.deploy': d('How many replicas to run, how to replace them, and their resources.'),
  'services.*.deploy.replicas': d('How many copies of the service to run (`0` declares it without running it).', [3]),
  'services.*.deploy.strategy': d('How a changed service is replaced: `rolling` (one replica at a time) or `recreate` (all at once).', ['recreate']),
  'services.*.deploy.resources': d('Resource limits and reservations.'),
  'services.*.deploy.resources.limits': d('Upper bounds the runtime enforces.'),
  'services.*.deploy.resources.limits.cpus': d('CPUs (fractions allowed).', [0.5, '1.5']),
  'services.*.deploy.resources.limits.memory': d('Memory, with a unit (`b`, `k`, `m`, `g`) or in bytes.', ['512m']),
  'services.*.deploy.resources.limits.pids': d('Most processes the service may run.', [100]),
  'services.*.deploy.resources.reservations': d('What the runtime sets aside for the service.'),
  'services.*.deploy.resources.reservations.cpus': d('CPUs reserved.', [0.25]),
  'services.*.deploy.resources.reservations.memory': d('Memory reserved.', ['128m']),
  'services.*.build': d('How to build the image or bundle: a context folder, or a table with `context`, `dockerfile`, `args`, `target`. Used by `selur-compose build` and runtimes that build.', ['./api', { context: './api', dockerfile: 'Dockerfile.prod' }]),
  'services.*.build.context': d('The build folder, relative to the compose file.', ['./api']),
  'services.*.build.dockerfile': d('The Dockerfile, relative to the context.', ['Dockerfile.prod']),
  'services.*.build.args': d('Build arguments.', [{ VERSION: '1.2.3' }]),
  'services.*.build.target': d('The stage of a multi-stage build.', ['runtime']),
  'services.*.profiles': d('The service runs only when one of these profiles is active (`up({ profiles })`, `--profile`, `COMPOSE_PROFILES`); without profiles it always runs.', [['debug']]),
  'services.*.labels': d('Labels recorded on the service\'s containers (beside the engine\'s own `io.selur.compose.*`).', [{ 'org.example.team': 'payments' }]),
  'services.*.working_dir': d('The folder the command runs in (relative paths: to the compose file, on the process runtime).', ['/app']),
  'services.*.workdir': d('Another name of `working_dir` (selur-compose\'s upstream spelling).', ['/app']),
  'services.*.user': d('The user (and group) to run as: `uid[:gid]` or a name.', ['1000:1000']),
  'services.*.stop_grace_period': d('How long `down`/`stop` wait after `stop_signal` before killing.', ['30s']),
  'services.*.stop_signal': d('The signal sent to stop the service.', ['SIGINT']),
  'services.*.read_only': d('Run with a read-only root file system.', [true]),

  'volumes.*.driver': d('The volume driver.', ['local']),
  'volumes.*.driver_opts': d('Options for the driver.', [{ type: 'tmpfs', device: 'tmpfs' }]),
  'volumes.*.labels': d('Labels recorded on the volume.', [{ backup: 'nightly' }]),
  'volumes.*.external': d('The volume exists already and is not created or removed by the project.', [true]),
  'networks.*.driver': d('The network driver.', ['bridge']),
  'networks.*.driver_opts': d('Options for the driver.', [{ 'com.docker.network.bridge.name': 'br-shop' }]),
  'networks.*.ipam': d('IP address management.'),
  'networks.*.ipam.subnet': d('The subnet, in CIDR form.', ['172.28.0.0/16']),
  'networks.*.ipam.gateway': d('The gateway address.', ['172.28.0.1']),
  'networks.*.ipam.driver': d('The IPAM driver.', ['default']),
  'networks.*.ipam.config': d('IPAM configurations (Docker Compose\'s list form).', [[{ subnet: '172.28.0.0/16' }]]),
  'networks.*.labels': d('Labels recorded on the network.', [{ tier: 'front' }]),
  'networks.*.external': d('The network exists already and is not created or removed by the project.', [true]),
  'secrets.*.file': d('The file holding the secret\'s value, relative to the compose file.', ['./secrets/db_password.txt']),
  'secrets.*.external': d('The secret is provided by the runtime (e.g. created beforehand) rather than read from a file.', [true]),
};

/**
 * Descriptions of the Compose fields the core model is gaining (deploy modes and policies, the
 * long forms of networks and secrets, configs, capabilities, …), written before the schema has
 * them: an entry here is used once its field exists, and is not reported while it does not. When
 * the schema has a field, move its entry up into FIELD_DOCS (where a stale entry is an error).
 */
export const PENDING_FIELD_DOCS = {
  "services.*.networks.*.mac_address": d("The MAC address of the service on this network.", ["02:42:ac:11:00:02"]),
  "services.*.networks.*.link_local_ips": d("Link-local addresses of the service on this network.", [["169.254.8.8"]]),
  "services.*.links": d("Other services reached under another name: `service` or `service:alias`; implies a dependency.", [["db:database"]]),
  "services.*.devices[].source": d("The device path on the host.", ["/dev/fuse"]),
  "services.*.devices[].target": d("The device path inside the container (defaults to the source).", ["/dev/fuse"]),
  "services.*.devices[].permissions": d("Cgroup permissions: any of r, w, m.", ["rwm"]),
  "services.*.deploy.placement.preferences[].spread": d("Spread replicas evenly over the values of this node label.", ["node.labels.zone"]),
  "services.*.build.dockerfile_inline": d("A Dockerfile given inline instead of `dockerfile`.", ["FROM scratch\nCOPY app /app"]),
  "services.*.build.labels": d("Labels on the built image.", [{"org.opencontainers.image.title": "api"}]),
  "services.*.build.cache_from": d("Images to use as build cache.", [["ghcr.io/org/api:cache"]]),
  "services.*.build.cache_to": d("Where to export the build cache.", [["type=local,dest=.cache"]]),
  "services.*.build.tags": d("More tags for the built image.", [["ghcr.io/org/api:latest"]]),
  "services.*.build.platforms": d("Platforms to build for.", [["linux/amd64", "linux/arm64"]]),
  "services.*.build.network": d("The network for RUN steps during the build.", ["host"]),
  "services.*.build.shm_size": d("The size of /dev/shm during the build.", ["256m"]),
  "services.*.build.no_cache": d("Build without the cache.", [true]),
  "services.*.build.pull": d("Always pull the base images.", [true]),
  "services.*.build.privileged": d("Run the build with extended privileges.", [false]),
  "services.*.build.extra_hosts": d("Extra /etc/hosts entries during the build.", [["registry.local:10.0.0.5"]]),
  "services.*.build.secrets": d("Secrets the build may read.", [["npm_token"]]),
  "services.*.build.ssh": d("SSH agent sockets or keys for the build: `default` or `ID=path`.", [["default"]]),
  "services.*.build.additional_contexts": d("Named extra build contexts.", [{"shared": "../common-lib"}]),
  "volumes.*.name": d("The volume's name on the runtime, instead of `<project>_<key>`.", ["pgdata"]),
  "networks.*.enable_ipv4": d("Whether the network has IPv4 addresses.", [true]),
  "services.*.post_start[].command": d("The command to run: a list of arguments or a string.", [["sh", "-c", "echo started"]]),
  "services.*.post_start[].user": d("The user to run it as.", ["root"]),
  "services.*.post_start[].privileged": d("Run it with extended privileges.", [false]),
  "services.*.post_start[].working_dir": d("The folder it runs in.", ["/app"]),
  "services.*.post_start[].environment": d("Variables for the hook only.", [{"MODE": "hook"}]),
  "services.*.pre_stop[].command": d("The command to run: a list of arguments or a string.", [["sh", "-c", "echo started"]]),
  "services.*.pre_stop[].user": d("The user to run it as.", ["root"]),
  "services.*.pre_stop[].privileged": d("Run it with extended privileges.", [false]),
  "services.*.pre_stop[].working_dir": d("The folder it runs in.", ["/app"]),
  "services.*.pre_stop[].environment": d("Variables for the hook only.", [{"MODE": "hook"}]),
  "services.*.develop.watch[].exec.command": d("The command to run: a list of arguments or a string.", [["sh", "-c", "echo started"]]),
  "services.*.develop.watch[].exec.user": d("The user to run it as (not applied by `stack.watch()`: the command runs as the service's user, with a warning).", ["root"]),
  "services.*.develop.watch[].exec.privileged": d("Run it with extended privileges (not applied by `stack.watch()`, with a warning).", [false]),
  "services.*.develop.watch[].exec.working_dir": d("The folder it runs in.", ["/app"]),
  "services.*.develop.watch[].exec.environment": d("Variables for the hook only.", [{"MODE": "hook"}]),
  "services.*.develop.watch[].exec": d("A command run in the service after a sync (`sync+exec`).", [{"command": ["kill", "-HUP", "1"]}]),
  "services.*.develop.watch[].path": d("The folder or file to watch, relative to the compose file.", ["./src"]),
  "services.*.develop.watch[].action": d("What a change does: rebuild, sync, restart, sync+restart or sync+exec.", ["sync"]),
  "services.*.develop.watch[].target": d("Where synced files go inside the service. On the process runtime a host path: relative to the service's working folder, a mount's target mapped to its host folder. Required for the sync actions.", ["/app/src"]),
  "services.*.develop.watch[].ignore": d("Patterns not to watch (`.dockerignore` syntax, relative to `path`); the build context's `.dockerignore`, editors' temporary files and `.git` are always left out.", [["node_modules/"]]),
  "services.*.develop.watch[].include": d("Only these patterns are watched (relative to `path`).", [["*.ts"]]),
  "services.*.develop.watch[].initial_sync": d("Sync everything once when watching starts (`sync` and `sync+restart`).", [true]),
  "services.*.deploy.update_config.parallelism": d("Replicas replaced at a time; 0 is all at once.", [2]),
  "services.*.deploy.update_config.delay": d("Wait between batches.", ["10s"]),
  "services.*.deploy.update_config.order": d("`stop-first` or `start-first` (the new replica runs before the old one stops).", ["start-first"]),
  "services.*.deploy.update_config.failure_action": d("What a failed batch does: pause, continue or rollback.", ["rollback"]),
  "services.*.deploy.update_config.monitor": d("How long each new replica is watched after it is ready.", ["30s"]),
  "services.*.deploy.update_config.max_failure_ratio": d("Share of failed replicas tolerated.", [0.1]),
  "services.*.deploy.rollback_config.parallelism": d("Replicas replaced at a time; 0 is all at once.", [2]),
  "services.*.deploy.rollback_config.delay": d("Wait between batches.", ["10s"]),
  "services.*.deploy.rollback_config.order": d("`stop-first` or `start-first` (the new replica runs before the old one stops).", ["start-first"]),
  "services.*.deploy.rollback_config.failure_action": d("What a failed batch does: pause, continue or rollback.", ["rollback"]),
  "services.*.deploy.rollback_config.monitor": d("How long each new replica is watched after it is ready.", ["30s"]),
  "services.*.deploy.rollback_config.max_failure_ratio": d("Share of failed replicas tolerated.", [0.1]),
  'services.*.entrypoint': d('Overrides the image\'s entrypoint: a list of arguments or a string.', [['/bin/sh', '-c']]),
  'services.*.container_name': d('A fixed container name instead of `<project>-<service>-<replica>` (the service can then have one replica only).', ['shop-db']),
  'services.*.hostname': d('The host name inside the container.', ['api']),
  'services.*.domainname': d('The domain name inside the container.', ['example.internal']),
  'services.*.platform': d('The platform to run (`os/arch[/variant]`).', ['linux/amd64']),
  'services.*.pull_policy': d('When to pull the image: `always`, `never`, `missing`, `build`, or `daily`/`weekly`/`every_<duration>`.', ['missing']),
  'services.*.network_mode': d('The network mode: `bridge`, `host`, `none`, `service:<name>` or `container:<id>` (instead of `networks`).', ['host']),
  'services.*.pid': d('The PID namespace: `host`, or `service:<name>` / `container:<id>` to share one.', ['host']),
  'services.*.ipc': d('The IPC namespace: `private`, `shareable`, `host`, or `service:<name>` / `container:<id>`.', ['shareable']),
  'services.*.shm_size': d('Size of `/dev/shm`, with a unit.', ['256m']),
  'services.*.memswap_limit': d('Memory plus swap the service may use (`-1`: unlimited swap).', ['1g']),
  'services.*.cpu_shares': d('Relative CPU weight against other containers.', [512]),
  'services.*.attach': d('`false`: `up` and `logs -f` in the CLI do not stream this service\'s logs unless the service is named on the command line (the container is the same).', [false]),
  'services.*.init': d('Run an init process as PID 1 that reaps zombies and forwards signals.', [true]),
  'services.*.privileged': d('Run with extended privileges.', [false]),
  'services.*.stdin_open': d('Keep standard input open (`docker run -i`).', [true]),
  'services.*.tty': d('Allocate a terminal (`docker run -t`).', [true]),
  'services.*.group_add': d('Supplementary groups of the service\'s processes: group names or gids (the process runtime, run as root, applies them with `setpriv`).', [['mail', 1001]]),
  'services.*.cap_add': d('Linux capabilities to add.', [['NET_ADMIN']]),
  'services.*.cap_drop': d('Linux capabilities to drop.', [['ALL']]),
  'services.*.dns': d('DNS servers.', [['1.1.1.1']]),
  'services.*.dns_search': d('DNS search domains.', [['example.internal']]),
  'services.*.dns_opt': d('Options for the resolver (`resolv.conf`).', [['use-vc']]),
  'services.*.security_opt': d('Security options (`label=…`, `seccomp=…`, `no-new-privileges`).', [['no-new-privileges:true']]),
  'services.*.expose': d('Ports (or ranges) the service listens on without publishing them on the host.', [['3000', '8000-8010']]),
  'services.*.devices': d('Host devices to map into the service (`HOST[:CONTAINER[:PERMISSIONS]]`).', [['/dev/fuse']]),
  'services.*.tmpfs': d('Paths to mount as tmpfs inside the service.', [['/tmp']]),
  'services.*.extra_hosts': d('Entries added to `/etc/hosts`: host name → addresses (or `HOST=IP` / `HOST:IP` strings).', [{ 'db.local': ['10.0.0.5'] }]),
  'services.*.sysctls': d('Kernel parameters to set in the service\'s namespaces.', [{ 'net.core.somaxconn': '1024' }]),
  'services.*.ulimits': d('Resource limits per name: a number (soft = hard) or `{ soft, hard }`.', [{ nofile: { soft: 20000, hard: 40000 } }]),
  'services.*.ulimits.*.soft': d('The soft limit.', [20000]),
  'services.*.ulimits.*.hard': d('The hard limit.', [40000]),
  'services.*.logging': d('How the runtime records the service\'s output.'),
  'services.*.logging.driver': d('The logging driver.', ['json-file']),
  'services.*.logging.options': d('Options of the logging driver.', [{ 'max-size': '10m' }]),
  'services.*.annotations': d('Annotations recorded on the containers (OCI annotations).', [{ 'org.example.owner': 'payments' }]),
  'services.*.configs': d('Configs this service reads (names from the top-level `configs`), a name or `{ source, target, uid, gid, mode }`.', [['app_config']]),
  'services.*.configs[].source': d('The config\'s name in the top-level `configs`.', ['app_config']),
  'services.*.configs[].target': d('Where it appears in the service (default `/<source>`).', ['/etc/app/config.yaml']),
  'services.*.configs[].uid': d('The owner\'s user id.', ['1000']),
  'services.*.configs[].gid': d('The owner\'s group id.', ['1000']),
  'services.*.configs[].mode': d('The file mode, as a number (octal in YAML: `0440`).', [288]),
  'services.*.secrets[].source': d('The secret\'s name in the top-level `secrets`.', ['db_password']),
  'services.*.secrets[].target': d('Where it appears in the service (default `/run/secrets/<source>`).', ['db_password']),
  'services.*.secrets[].uid': d('The owner\'s user id.', ['1000']),
  'services.*.secrets[].gid': d('The owner\'s group id.', ['1000']),
  'services.*.secrets[].mode': d('The file mode, as a number (octal in YAML: `0400`).', [256]),
  'services.*.networks.*.aliases': d('Other names the service has on this network.', [['database']]),
  'services.*.networks.*.ipv4_address': d('A fixed IPv4 address on this network.', ['172.28.0.10']),
  'services.*.networks.*.ipv6_address': d('A fixed IPv6 address on this network.', ['2001:db8::10']),
  'services.*.networks.*.priority': d('The order in which the service joins its networks (highest first).', [100]),
  'services.*.ports[].name': d('A name for the port.', ['http']),
  'services.*.ports[].app_protocol': d('The application protocol (a hint for tools).', ['http']),
  'services.*.volumes[].bind': d('Options of a bind mount.'),
  'services.*.volumes[].bind.propagation': d('Mount propagation.', ['rprivate']),
  'services.*.volumes[].bind.create_host_path': d('Create the host path when it does not exist.', [true]),
  'services.*.volumes[].bind.selinux': d('SELinux relabelling: `z` (shared) or `Z` (private).', ['z']),
  'services.*.volumes[].volume': d('Options of a volume mount.'),
  'services.*.volumes[].volume.nocopy': d('Do not copy the image\'s data at the target into a new volume.', [true]),
  'services.*.volumes[].volume.subpath': d('Mount a folder inside the volume instead of its root.', ['data']),
  'services.*.volumes[].tmpfs': d('Options of a tmpfs mount.'),
  'services.*.volumes[].tmpfs.size': d('Size of the tmpfs.', ['64m']),
  'services.*.volumes[].tmpfs.mode': d('File mode of the tmpfs root.', [1777]),
  'services.*.volumes[].consistency': d('Consistency of the mount (kept for Docker Desktop; no effect on Linux).', ['cached']),
  'services.*.post_start': d('Commands run inside the service right after it started.', [[{ command: ['sh', '-c', 'echo started'] }]]),
  'services.*.pre_stop': d('Commands run inside the service before it is stopped.', [[{ command: ['sh', '-c', 'echo stopping'] }]]),
  'services.*.develop': d('Development settings: `watch` rules, applied by `stack.watch()`, `selur-compose watch` and `up --watch`.'),
  'services.*.develop.watch': d('Paths to watch and what to do when they change.', [[{ path: './src', action: 'sync', target: '/app/src' }]]),
  'services.*.mem_limit': d('Short form of `deploy.resources.limits.memory`.', ['512m']),
  'services.*.mem_reservation': d('Short form of `deploy.resources.reservations.memory`.', ['128m']),
  'services.*.cpus': d('Short form of `deploy.resources.limits.cpus`.', [0.5]),
  'services.*.pids_limit': d('Short form of `deploy.resources.limits.pids`.', [100]),
  'services.*.scale': d('Short form of `deploy.replicas`.', [2]),
  'services.*.deploy.mode': d('`replicated` (the given number of replicas), `global` (one per node), or their one-shot forms `replicated-job`, `global-job`.', ['replicated']),
  'services.*.deploy.placement': d('Where replicas may run (Swarm).'),
  'services.*.deploy.placement.constraints': d('Conditions a node must meet.', [['node.role == worker']]),
  'services.*.deploy.placement.preferences': d('How to spread replicas over nodes.', [[{ spread: 'node.labels.zone' }]]),
  'services.*.deploy.placement.max_replicas_per_node': d('At most this many replicas on one node.', [1]),
  'services.*.deploy.update_config': d('How a changed service is rolled out.'),
  'services.*.deploy.rollback_config': d('How a failed roll-out is rolled back.'),
  'services.*.deploy.restart_policy': d('When the runtime restarts a replica (the `deploy` form of `restart`).'),
  'services.*.deploy.restart_policy.condition': d('Restart on `none`, `on-failure` or `any` exit.', ['on-failure']),
  'services.*.deploy.restart_policy.delay': d('Time between restarts.', ['5s']),
  'services.*.deploy.restart_policy.max_attempts': d('Give up after this many restarts.', [3]),
  'services.*.deploy.restart_policy.window': d('How long a restart must run to count as successful.', ['2m']),
  'services.*.deploy.endpoint_mode': d('How clients reach the replicas: `vip` (one virtual IP) or `dnsrr` (DNS round-robin).', ['vip']),
  'services.*.deploy.labels': d('Labels on the service (not on its containers).', [{ 'com.example.tier': 'api' }]),
  'secrets.*.environment': d('Take the value from this environment variable of the process that loads the file.', ['DB_PASSWORD']),
  'secrets.*.content': d('The value itself (avoid for real secrets: it is in the file).', ['not-a-secret']),
  'secrets.*.name': d('The name on the runtime (default `<project>_<name>`).', ['shop_db_password']),
  'configs': d('Configuration files services can read, keyed by name.'),
  'configs.*.file': d('The file holding the config, relative to the compose file.', ['./config/app.yaml']),
  'configs.*.external': d('The config exists on the runtime already.', [true]),
  'configs.*.environment': d('Take the content from this environment variable.', ['APP_CONFIG']),
  'configs.*.content': d('The content itself.', ['debug = false']),
  'configs.*.name': d('The name on the runtime (default `<project>_<name>`).', ['shop_app_config']),
  'networks.*.name': d('The name on the runtime (default `<project>_<name>`).', ['shop-front']),
  'networks.*.internal': d('An internal network: no route to the outside.', [true]),
  'networks.*.attachable': d('Standalone containers may join it (Swarm overlay networks).', [true]),
  'networks.*.enable_ipv6': d('Enable IPv6 on the network.', [true]),
  'networks.*.ipam.options': d('Options of the IPAM driver.', [{ foo: 'bar' }]),
  'networks.*.ipam.config[].subnet': d('The subnet, in CIDR form.', ['172.28.0.0/16']),
  'networks.*.ipam.config[].gateway': d('The gateway address.', ['172.28.0.1']),
  'networks.*.ipam.config[].ip_range': d('The range addresses are taken from.', ['172.28.5.0/24']),
  'networks.*.ipam.config[].aux_addresses': d('Addresses the driver must not hand out, by host name.', [{ router: '172.28.1.5' }]),
};

const isObject = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Every field of the schema with its path, as `{ path, node, required }`, in schema order.
 * `node` is the property's own schema (its `$ref` not followed), inside `schema` itself.
 */
export function fieldsOf(schema) {
  const out = [];
  const resolve = (node) => (isObject(node) && typeof node.$ref === 'string' ? schema.definitions[node.$ref.replace('#/definitions/', '')] : node);
  const seen = new Set();
  const walk = (node, path, depth) => {
    if (depth > 12) return;
    const target = resolve(node);
    if (!isObject(target)) return;
    if (node !== target) {
      const key = `${path}@${node.$ref}`;
      if (seen.has(key)) return;
      seen.add(key);
      walk(target, path, depth + 1);
      return;
    }
    for (const branch of [...(target.anyOf ?? []), ...(target.oneOf ?? []), ...(target.allOf ?? [])]) walk(branch, path, depth + 1);
    if (isObject(target.items)) walk(target.items, `${path}[]`, depth + 1);
    if (isObject(target.properties)) {
      for (const [name, child] of Object.entries(target.properties)) {
        const childPath = path === '' ? name : `${path}.${name}`;
        out.push({ path: childPath, node: child, required: (target.required ?? []).includes(name) });
        walk(child, childPath, depth + 1);
      }
    }
    if (isObject(target.additionalProperties) && Object.keys(target.additionalProperties).length > 0) walk(target.additionalProperties, `${path}.*`, depth + 1);
  };
  walk(schema, '', 0);
  return out;
}

/**
 * The schema with FIELD_DOCS applied to each field's node. Returns the problems too: a field
 * without a description, an entry of FIELD_DOCS that names no field.
 */
export function annotate(schema) {
  const problems = [];
  const fields = fieldsOf(schema);
  const paths = new Set(fields.map((f) => f.path));
  for (const key of Object.keys(FIELD_DOCS)) if (!paths.has(key)) problems.push(`FIELD_DOCS['${key}'] names no field of the schema`);
  const done = new Set();
  for (const field of fields) {
    const docs = FIELD_DOCS[field.path] ?? PENDING_FIELD_DOCS[field.path];
    // a node shared by several paths (a definition reached twice) is annotated once, by its first path
    if (docs && !done.has(field.node)) {
      if (docs.description && !field.node.description) field.node.description = docs.description;
      if (docs.examples) field.node.examples = docs.examples;
      done.add(field.node);
    }
    if (!field.node.description && !docs?.description && !problems.some((p) => p.includes(`'${field.path}'`))) problems.push(`field '${field.path}' has no description (add it to FIELD_DOCS in scripts/schema-docs.mjs)`);
  }
  return { schema, fields, problems };
}

/**
 * An editor checks the file as written, before `${VAR}` interpolation (which the loader does before
 * validating): a string that holds `${` or `$NAME` passes any pattern (`"${HOST_PORT:-8080}:80"`,
 * sentry's `"$SENTRY_BIND:80/tcp"`).
 */
export const INTERPOLATION_PREFIX = '\\$\\{|\\$[A-Za-z_]|(?:';

/**
 * A boolean or integer field may be written as a variable too (`read_only: ${READ_ONLY}`): the
 * loader reads the interpolated text as the field's type, as Docker Compose does.
 */
const INTERPOLATED = { type: 'string', pattern: '\\$\\{|\\$[A-Za-z_]', description: 'A variable, read as the field\'s type once interpolated.' };

function allowInterpolation(node) {
  if (Array.isArray(node)) for (const item of node) allowInterpolation(item);
  else if (isObject(node)) {
    if (node.type === 'boolean' || node.type === 'integer') {
      const { description, default: fallback, examples, ...typed } = node;
      for (const key of Object.keys(node)) delete node[key];
      Object.assign(node, description === undefined ? {} : { description }, fallback === undefined ? {} : { default: fallback }, examples === undefined ? {} : { examples }, { anyOf: [typed, { ...INTERPOLATED }] });
      return;
    }
    for (const [key, value] of Object.entries(node)) {
      if (key === 'pattern' && typeof value === 'string' && node.type === 'string') node.pattern = `${INTERPOLATION_PREFIX}${value})`;
      else if (key !== 'propertyNames' && key !== 'patternProperties') allowInterpolation(value);
    }
  }
}

/** The published schemas: TOML (the validator's schema, annotated) and Compose YAML (`version` informative). */
export async function publishedSchemas() {
  const { schema, problems } = annotate(await loadComposeSchema());
  allowInterpolation(schema.properties.services);
  allowInterpolation(schema.definitions);
  for (const name of ['name']) if (schema.definitions[name]) schema.definitions[name].pattern = schema.definitions[name].pattern.slice(INTERPOLATION_PREFIX.length, -1); // names are keys: never interpolated
  const toml = { ...schema, $id: SCHEMA_IDS.toml, title: 'selur compose file (compose.toml)' };
  const yaml = JSON.parse(JSON.stringify(toml));
  yaml.$id = SCHEMA_IDS.yaml;
  yaml.title = 'selur compose file (Compose YAML)';
  yaml.required = (yaml.required ?? []).filter((k) => k !== 'version');
  yaml.properties.version = { description: 'Informative, as in the Compose Specification: any value or none; the project is read as format 1.0.', type: ['string', 'number'], examples: ['3.8'] };
  // An empty entry under a top-level table (`volumes:\n  data:`) is null in YAML and means `{}`.
  for (const table of ['volumes', 'networks', 'secrets', 'configs']) {
    const entry = yaml.properties[table]?.additionalProperties;
    if (entry) yaml.properties[table].additionalProperties = { anyOf: [entry, { type: 'null', description: 'Empty: the defaults.' }] };
  }
  return { toml, yaml, problems };
}
