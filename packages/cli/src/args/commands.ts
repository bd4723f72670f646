import type { CommandSpec, GroupSpec, OptionSpec, PositionalSpec } from './spec.js';

/** The binary's name, as users type it. */
export const BIN = 'selur-compose';

const services: PositionalSpec = { name: 'SERVICE', description: 'Services to act on (default: all)', variadic: true, complete: 'service' };
const service: PositionalSpec = { name: 'SERVICE', description: 'The service', required: true, complete: 'service' };
const timeout: OptionSpec = { name: 'timeout', short: 't', type: 'string', integer: true, value: 'SECONDS', description: 'Grace period before a service is killed', defaultText: "the service's stop_grace_period" };
const format = (choices: readonly string[], fallback: string): OptionSpec => ({
  name: 'format',
  type: 'string',
  value: 'FORMAT',
  choices,
  description: `Output format: ${choices.join(' or ')}`,
  defaultText: fallback,
});
const index: OptionSpec = { name: 'index', type: 'string', integer: true, value: 'N', description: 'Which replica, when the service has several', defaultText: '1' };

/** The command table, literally typed: its names are {@link CommandName}. */
const TABLE = [
  {
    name: 'up',
    summary: 'Create and start the stack (or the given services and their dependencies)',
    description:
      'Plans the change against what is running, then starts each service as soon as its dependencies are ready. ' +
      'In the foreground it follows the logs; the first Ctrl-C stops the stack gracefully, a second forces. ' +
      'With -d it returns once everything is started (or healthy, with --wait) and leaves the stack running.',
    options: [
      { name: 'detach', short: 'd', type: 'boolean', description: 'Start in the background and return' },
      { name: 'wait', type: 'boolean', description: 'Return only when every service is running and healthy (implies -d)' },
      { name: 'wait-timeout', type: 'string', integer: true, value: 'SECONDS', description: 'Give up waiting after this long' },
      { name: 'no-wait-ports', type: 'boolean', description: 'A service with neither healthcheck nor wait strategy is ready once started, not once its published ports answer' },
      { name: 'build', type: 'boolean', description: 'Build images/bundles before starting' },
      { name: 'no-start', type: 'boolean', description: 'Create the services without starting them (as create does; start them later with start)' },
      { name: 'no-deps', type: 'boolean', description: 'Do not start the dependencies of the given services' },
      { name: 'force-recreate', type: 'boolean', description: 'Recreate services even when their configuration is unchanged' },
      { name: 'no-recreate', type: 'boolean', description: 'Never recreate a service that exists' },
      { name: 'remove-orphans', type: 'boolean', description: 'Remove services of the project that the file no longer declares' },
      { name: 'keep-on-failure', type: 'boolean', description: 'On failure, leave what was started for debugging instead of rolling back' },
      { name: 'scale', type: 'string', multiple: true, value: 'SERVICE=N', description: "Run N replicas of the service, whatever its deploy.replicas says (repeatable)" },
      { name: 'abort-on-container-exit', type: 'boolean', description: 'In the foreground, tear the stack down as soon as a service exits, and exit with its exit code' },
      { name: 'exit-code-from', type: 'string', value: 'SERVICE', complete: 'service', description: "Exit with this service's exit code (implies --abort-on-container-exit)" },
      { name: 'watch', type: 'boolean', description: "In the foreground, also apply the services' develop.watch rules to file changes (see watch)" },
    ],
    positionals: [services],
    examples: [
      { command: `${BIN} up`, description: 'Start everything and follow the logs (Ctrl-C stops it)' },
      { command: `${BIN} up -d --wait --scale worker=3`, description: 'Start everything, with three replicas of worker' },
      { command: `${BIN} up --exit-code-from tests`, description: 'Run the stack until the tests service exits, tear it down, exit with its code (CI)' },
      { command: `${BIN} up --watch`, description: 'Start, follow the logs and sync/restart/rebuild services as their files change' },
      { command: `${BIN} up -d --wait`, description: 'Start in the background, return once all services are healthy' },
      { command: `${BIN} up -d api`, description: 'Start api and what it depends on' },
      { command: `${BIN} --runtime docker up -d`, description: 'Run on Docker/Podman instead of host processes' },
      { command: `${BIN} --runtime kubernetes up --wait`, description: 'Apply to the cluster of $KUBECONFIG, wait for the rollouts' },
      { command: `${BIN} --runtime kubernetes --namespace shop up -d api`, description: 'Apply api and what it depends on into namespace shop' },
    ],
  },
  {
    name: 'watch',
    summary: "Start services and apply their develop.watch rules as files change",
    description:
      'Builds the images of services with a build section (Docker) and starts the services (and their dependencies) as `up --build -d --wait` does, then watches the paths of their develop.watch rules: ' +
      'changes are batched until quiet for half a second, then synced into the service (sync), or the service is restarted (restart), ' +
      'synced then restarted (sync+restart), synced then the rule\'s command run in it (sync+exec), or its image rebuilt and the service recreated (rebuild). ' +
      'Ctrl-C stops watching and leaves the services running. ' +
      'After a rebuild, the images of the project it left dangling are removed (--no-prune keeps them; runtimes without images have none).',
    options: [
      { name: 'no-up', type: 'boolean', description: 'Do not build and start the services first: watch the running ones (fails when one is not running)' },
      { name: 'prune', type: 'boolean', description: 'Remove the dangling images a rebuild leaves (the default)' },
      { name: 'no-prune', type: 'boolean', description: 'Keep the images a rebuild leaves dangling' },
    ],
    positionals: [services],
    examples: [
      { command: `${BIN} watch`, description: 'Start the stack and watch every service that has develop.watch rules' },
      { command: `${BIN} watch web`, description: 'Start web and its dependencies, and watch web' },
      { command: `${BIN} watch --no-up web`, description: 'Watch web, already running, without building or starting anything' },
    ],
  },
  {
    name: 'down',
    summary: 'Stop and remove the stack (in reverse dependency order)',
    options: [
      { name: 'volumes', short: 'v', type: 'boolean', description: 'Also remove named volumes (never external ones)' },
      timeout,
      { name: 'remove-orphans', type: 'boolean', description: 'Also remove services the file no longer declares' },
    ],
    positionals: [],
    examples: [
      { command: `${BIN} down`, description: 'Stop and remove services and networks' },
      { command: `${BIN} down -v -t 5`, description: 'Also remove volumes; kill what is still running after 5 s' },
    ],
  },
  {
    name: 'create',
    summary: 'Create the services without starting them',
    options: [
      { name: 'force-recreate', type: 'boolean', description: 'Recreate even when unchanged' },
      { name: 'no-recreate', type: 'boolean', description: 'Never recreate a service that exists' },
    ],
    positionals: [services],
    examples: [{ command: `${BIN} create`, description: 'Create everything; start it later with `start`' }],
  },
  {
    name: 'start',
    summary: 'Start services that exist but are stopped',
    options: [],
    positionals: [services],
    examples: [{ command: `${BIN} start api`, description: 'Start the api service again' }],
  },
  {
    name: 'stop',
    summary: 'Stop running services without removing them',
    options: [timeout],
    positionals: [services],
    examples: [{ command: `${BIN} stop -t 2 worker`, description: 'Stop worker, killing it after 2 s' }],
  },
  {
    name: 'restart',
    summary: 'Restart services',
    options: [timeout],
    positionals: [services],
    examples: [{ command: `${BIN} restart api`, description: 'Restart the api service' }],
  },
  {
    name: 'pause',
    summary: 'Pause running services',
    options: [],
    positionals: [services],
    examples: [{ command: `${BIN} pause worker`, description: 'Freeze the worker service' }],
  },
  {
    name: 'unpause',
    summary: 'Resume paused services',
    options: [],
    positionals: [services],
    examples: [{ command: `${BIN} unpause worker`, description: 'Resume the worker service' }],
  },
  {
    name: 'scale',
    summary: 'Set the number of replicas of services',
    options: [],
    positionals: [{ name: 'SERVICE=N', description: 'Service and replica count', required: true, variadic: true, complete: 'service' }],
    examples: [{ command: `${BIN} scale worker=3 api=2`, description: 'Run three workers and two api replicas' }],
  },
  {
    name: 'ps',
    summary: 'List the services of the project and their state',
    options: [
      format(['table', 'json'], 'table'),
      { name: 'all', short: 'a', type: 'boolean', description: 'Include stopped services' },
      { name: 'quiet', short: 'q', type: 'boolean', description: 'Print ids only' },
      { name: 'services', type: 'boolean', description: 'Print the names of the services listed, one per line' },
      { name: 'status', type: 'string', multiple: true, value: 'STATE', choices: ['created', 'running', 'restarting', 'paused', 'exited', 'dead'], description: 'Only containers in this state (repeatable; implies -a)' },
    ],
    positionals: [services],
    examples: [
      { command: `${BIN} ps`, description: 'What is running, with ports and health' },
      { command: `${BIN} ps --status exited --services`, description: 'The services that stopped' },
      { command: `${BIN} ps -a --format json`, description: 'Everything, as a JSON array' },
    ],
  },
  {
    name: 'ls',
    summary: 'List the projects that have containers on the runtime',
    description:
      'Every project on the runtime, not only the one of this folder: for the process runtime, the projects of its state folder (a project whose process died is reaped on the way, as ps does); for Docker, the containers carrying the project label; for Swarm, the services carrying it, counted by task. STATUS counts the containers in each state, as running(2), exited(1). No compose file is needed.',
    options: [
      format(['table', 'json'], 'table'),
      { name: 'all', short: 'a', type: 'boolean', description: 'Include projects with no running container' },
      { name: 'quiet', short: 'q', type: 'boolean', description: 'Print project names only' },
    ],
    positionals: [],
    examples: [
      { command: `${BIN} ls`, description: 'The projects running now' },
      { command: `${BIN} ls -a -q`, description: 'Every project with containers, names only (leftovers of test runs, say)' },
      { command: `${BIN} --runtime docker ls --format json`, description: "Docker's projects as a JSON array" },
    ],
  },
  {
    name: 'logs',
    summary: 'Show the output of services',
    options: [
      { name: 'follow', short: 'f', type: 'boolean', description: 'Keep following new output (Ctrl-C to stop)' },
      { name: 'tail', short: 'n', type: 'string', integer: true, value: 'N', description: 'Only the last N lines of each service' },
      { name: 'timestamps', type: 'boolean', description: 'Prefix each line with its time' },
      { name: 'no-prefix', type: 'boolean', description: 'Do not prefix lines with the service name' },
      { name: 'since', type: 'string', value: 'TIME', description: 'Only lines written since this time: a timestamp (2026-12-07T10:00:00Z) or a duration ago (10m, 1h30m)' },
    ],
    positionals: [services],
    examples: [
      { command: `${BIN} logs`, description: 'Everything so far, all services' },
      { command: `${BIN} logs --since 5m db`, description: 'What db wrote in the last five minutes' },
      { command: `${BIN} logs -f --tail 20 api`, description: 'The last 20 lines of api, then follow' },
    ],
  },
  {
    name: 'exec',
    summary: 'Run a command in a running service',
    description: 'Everything after the service name is the command, options included. Exits with the command\'s exit code.',
    options: [
      index,
      { name: 'env', short: 'e', type: 'string', multiple: true, value: 'KEY=VALUE', description: 'Set an environment variable (repeatable)' },
      { name: 'workdir', short: 'w', type: 'string', value: 'DIR', description: 'Working directory of the command' },
      { name: 'user', short: 'u', type: 'string', value: 'USER', description: 'Run as this user (uid, uid:gid, name or name:group) instead of the service\'s' },
      { name: 'privileged', type: 'boolean', description: 'Give the command extended privileges (containers only)' },
      { name: 'no-TTY', short: 'T', type: 'boolean', description: 'Give the command no terminal: what it always gets here (its output is collected); accepted as docker compose scripts pass it' },
    ],
    positionals: [service, { name: 'COMMAND', description: 'The command and its arguments', required: true, variadic: true }],
    passThroughAfter: 1,
    examples: [
      { command: `${BIN} exec api node -e "console.log(process.env.PORT)"`, description: 'Print the port api listens on' },
      { command: `${BIN} exec --index 2 worker ls -la`, description: 'Run in the second worker replica' },
      { command: `${BIN} exec -u postgres db psql -c 'select 1'`, description: 'Run as the postgres user' },
    ],
  },
  {
    name: 'run',
    summary: 'Run a one-off command with the configuration of a service',
    description: 'Starts a new replica of the service with the given command and waits for it. Exits with its exit code.',
    options: [
      { name: 'rm', type: 'boolean', description: 'Remove it when it exits' },
      { name: 'no-deps', type: 'boolean', description: 'Do not start the dependencies of the service' },
      { name: 'env', short: 'e', type: 'string', multiple: true, value: 'KEY=VALUE', description: 'Set an environment variable (repeatable)' },
      { name: 'no-TTY', short: 'T', type: 'boolean', description: 'Give the command no terminal: what it always gets here; accepted as docker compose scripts pass it' },
    ],
    positionals: [service, { name: 'COMMAND', description: 'The command and its arguments', variadic: true }],
    passThroughAfter: 1,
    examples: [{ command: `${BIN} run --rm api node scripts/migrate.js`, description: 'Run a migration with api\'s configuration' }],
  },
  {
    name: 'top',
    summary: 'Show the processes of services',
    options: [],
    positionals: [services],
    examples: [{ command: `${BIN} top`, description: 'Pid, memory and command of every running service' }],
  },
  {
    name: 'events',
    summary: 'Stream state changes of the project (Ctrl-C to stop)',
    options: [{ name: 'json', type: 'boolean', description: 'One JSON object per line' }],
    positionals: [services],
    examples: [{ command: `${BIN} events --json`, description: 'Machine-readable state changes' }],
  },
  {
    name: 'inspect',
    summary: 'Show everything the runtime knows of a service',
    options: [format(['json', 'pretty'], 'pretty'), index],
    positionals: [service],
    examples: [{ command: `${BIN} inspect api --format json`, description: 'The api replica as JSON' }],
  },
  {
    name: 'port',
    summary: 'Print the host address a port of a service is published on',
    description:
      'Prints HOST:PORT (IPv6 hosts in brackets), the address to reach PRIVATE_PORT of the service from the host: with ports published on 0 (a free one), the only way a script learns where the service listens. Fails when the service does not publish that port.',
    options: [
      { name: 'protocol', type: 'string', value: 'PROTOCOL', choices: ['tcp', 'udp'], description: 'The protocol of the port', defaultText: 'tcp' },
      index,
    ],
    positionals: [service, { name: 'PRIVATE_PORT', description: 'The port inside the service (its target): 8080, or 8080/udp', required: true }],
    examples: [
      { command: `${BIN} port web 8080`, description: "Where web's port 8080 is published, such as 127.0.0.1:49153" },
      { command: `curl "http://$(${BIN} port web 8080)/"`, description: 'A request to it from a script' },
      { command: `${BIN} port --index 2 api 3000`, description: 'The second replica of api' },
    ],
  },
  {
    name: 'health',
    summary: "Run each service's healthcheck now and show the result",
    options: [format(['table', 'json'], 'table')],
    positionals: [services],
    examples: [{ command: `${BIN} health`, description: 'Probe every running service' }],
  },
  {
    name: 'wait',
    summary: 'Block until services stop, then exit with the first one\'s exit code',
    options: [{ name: 'timeout', short: 't', type: 'string', integer: true, value: 'SECONDS', description: 'Give up after this long (exit 1)' }],
    positionals: [services],
    examples: [{ command: `${BIN} wait migrate`, description: 'Wait for a one-shot job to finish' }],
  },
  {
    name: 'images',
    summary: 'List the images or bundles the services use',
    options: [format(['table', 'json'], 'table')],
    positionals: [services],
    examples: [{ command: `${BIN} images`, description: 'Image of every service' }],
  },
  {
    name: 'config',
    summary: 'Validate the file and print the canonical configuration',
    description: 'Defaults filled in, variables interpolated, overrides merged, keys in a stable order. Secrets are never printed.',
    options: [
      format(['toml', 'json', 'yaml'], 'toml'),
      { name: 'services', type: 'boolean', description: 'Print the service names only' },
      { name: 'hash', type: 'boolean', description: 'Print each service with its config hash' },
      { name: 'quiet', short: 'q', type: 'boolean', description: 'Only validate; print nothing' },
    ],
    positionals: [],
    examples: [
      { command: `${BIN} config`, description: 'The canonical TOML' },
      { command: `${BIN} -f compose.toml -f compose.prod.toml config --format json`, description: 'Merged with an override, as JSON' },
      { command: `${BIN} config -q`, description: 'Exit 3 if the file is invalid' },
      { command: `${BIN} -f docker-compose.yml config --format yaml`, description: 'The canonical YAML of a Docker Compose file' },
    ],
  },
  {
    name: 'convert',
    summary: 'Convert the compose file between YAML and TOML, or to Kubernetes manifests',
    description:
      'Validates the project and writes its canonical configuration (as `config` prints it: defaults filled in, variables ' +
      'interpolated, overrides merged) in the other format: YAML becomes TOML, TOML becomes YAML. The format is --to, ' +
      "else the output file's extension (.toml, .yaml, .yml), else the other one. `--to kubernetes` writes the project's " +
      'Kubernetes manifests (Deployments, Services, Jobs, Secrets, claims) in the namespace of --namespace: as one ' +
      'multi-document YAML on stdout or in `-o FILE.yaml`, or, with `-o DIR`, as one `<kind>-<name>.yaml` per manifest ' +
      '(for `kubectl apply -f DIR`), each marked as written by convert; a file there that convert did not write for ' +
      'this project is overwritten only with --force, and files an earlier convert wrote that the project no longer ' +
      'makes are removed. It prints what it wrote. The files hold the Secrets\' values (mode 0600). A field with no ' +
      'faithful mapping fails the conversion by name (with --compat it is left out, with a warning on stderr).',
    options: [
      { name: 'to', type: 'string', value: 'FORMAT', choices: ['yaml', 'toml', 'kubernetes'], description: 'Output format', defaultText: "-o's extension, else the other format" },
      { name: 'output', short: 'o', type: 'string', value: 'PATH', complete: 'file', description: 'Write to this file instead of stdout (with --to kubernetes: a folder, one file per manifest, unless it ends in .yaml/.yml)' },
      { name: 'force', type: 'boolean', description: 'With --to kubernetes -o DIR: overwrite files there that convert did not write' },
    ],
    positionals: [],
    examples: [
      { command: `${BIN} -f docker-compose.yml convert -o compose.toml`, description: 'A Docker Compose file as compose.toml' },
      { command: `${BIN} convert --to yaml`, description: 'The project as YAML, on stdout' },
      { command: `${BIN} convert --to kubernetes -o k8s.yaml`, description: 'Kubernetes manifests in one file, for kubectl apply -f' },
      { command: `${BIN} --namespace shop convert --to kubernetes -o k8s/`, description: 'One file per manifest in k8s/, namespace shop: kubectl apply -f k8s/' },
    ],
  },
  {
    name: 'plan',
    summary: 'Show what `up` would change, and why',
    options: [
      format(['text', 'json'], 'text'),
      { name: 'expect-no-changes', type: 'boolean', description: 'Exit 1 when anything would change (for CI)' },
    ],
    positionals: [services],
    examples: [{ command: `${BIN} plan`, description: 'Create / recreate / remove, each with its reason' }],
  },
  {
    name: 'build',
    summary: 'Build the images or bundles of services that have a `build` section',
    options: [{ name: 'no-cache', type: 'boolean', description: 'Do not use the build cache' }],
    positionals: [services],
    examples: [{ command: `${BIN} --runtime docker build api`, description: 'Build the api image' }],
  },
  {
    name: 'pull',
    summary: 'Fetch the images or bundles of services',
    options: [],
    positionals: [services],
    examples: [{ command: `${BIN} --runtime selur pull`, description: 'Fetch every .ctp bundle from its registry' }],
  },
  {
    name: 'push',
    summary: 'Push the images or bundles of services to their registry',
    options: [],
    positionals: [services],
    examples: [{ command: `${BIN} --runtime selur push api`, description: "Push api's bundle" }],
  },
  {
    name: 'verify',
    summary: 'Verify the digest and signature of every bundle',
    options: [format(['table', 'json'], 'table')],
    positionals: [services],
    examples: [{ command: `${BIN} verify`, description: 'Check every .ctp bundle; exit 1 if one fails' }],
  },
  {
    name: 'policy',
    summary: 'Check the bundles against a gatekeeper policy',
    options: [
      { name: 'file', type: 'string', value: 'FILE', complete: 'file', description: 'Policy file (JSON)', defaultText: "the file's x-svalinn.policy" },
      format(['table', 'json'], 'table'),
    ],
    positionals: [services],
    examples: [{ command: `${BIN} policy --file policy.json`, description: 'Pass/fail per service, with reasons' }],
  },
  {
    name: 'sbom',
    summary: 'Show the software bill of materials of a service\'s bundle',
    options: [],
    positionals: [service],
    examples: [{ command: `${BIN} sbom api`, description: "api's SBOM" }],
  },
  {
    name: 'provenance',
    summary: 'Show the build provenance of a service\'s bundle',
    options: [],
    positionals: [service],
    examples: [{ command: `${BIN} provenance api`, description: "Where api's bundle came from" }],
  },
  {
    name: 'network ls',
    summary: 'List the networks of the project',
    options: [format(['table', 'json'], 'table')],
    positionals: [],
    examples: [{ command: `${BIN} network ls`, description: 'Networks this project created' }],
  },
  {
    name: 'network create',
    summary: 'Create a network the file declares (without starting anything)',
    options: [],
    positionals: [{ name: 'NETWORK', description: 'Declared network names (default: all)', variadic: true }],
    examples: [{ command: `${BIN} network create backend`, description: 'Create the backend network' }],
  },
  {
    name: 'network rm',
    summary: 'Remove networks of the project',
    options: [],
    positionals: [{ name: 'NETWORK', description: 'Network names', required: true, variadic: true }],
    examples: [{ command: `${BIN} network rm backend`, description: 'Remove the backend network' }],
  },
  {
    name: 'volume ls',
    summary: 'List the volumes of the project',
    options: [format(['table', 'json'], 'table')],
    positionals: [],
    examples: [{ command: `${BIN} volume ls`, description: 'Volumes this project created' }],
  },
  {
    name: 'volume create',
    summary: 'Create a volume the file declares',
    options: [],
    positionals: [{ name: 'VOLUME', description: 'Declared volume names (default: all)', variadic: true }],
    examples: [{ command: `${BIN} volume create data`, description: 'Create the data volume' }],
  },
  {
    name: 'volume rm',
    summary: 'Remove volumes of the project',
    options: [],
    positionals: [{ name: 'VOLUME', description: 'Volume names', required: true, variadic: true }],
    examples: [{ command: `${BIN} volume rm data`, description: 'Remove the data volume (its data is lost)' }],
  },
  {
    name: 'completion bash',
    summary: 'Print the bash completion script',
    options: [],
    positionals: [],
    needsProject: false,
    examples: [{ command: `source <(${BIN} completion bash)`, description: 'Enable completion in this shell' }],
  },
  {
    name: 'completion zsh',
    summary: 'Print the zsh completion script',
    options: [],
    positionals: [],
    needsProject: false,
    examples: [{ command: `${BIN} completion zsh > "\${fpath[1]}/_${BIN}"`, description: 'Install completion for zsh' }],
  },
  {
    name: 'version',
    summary: 'Print the version',
    options: [],
    positionals: [],
    needsProject: false,
    examples: [{ command: `${BIN} version`, description: 'Versions of the CLI and the SDK' }],
  },
] as const satisfies readonly CommandSpec[];

/** The full name of every command: `up`, `network ls`. */
export type CommandName = (typeof TABLE)[number]['name'];

/** The commands that run without a project (`needsProject: false`); `main` answers them itself. */
export type StandaloneCommandName = Extract<(typeof TABLE)[number], { readonly needsProject: false }>['name'];

/** The commands that need a project: each has a handler (`commands/handlers.ts`). */
export type ProjectCommandName = Exclude<CommandName, StandaloneCommandName>;

/** A command of the table: its spec, with its name known to be a {@link CommandName}. */
export type Command = CommandSpec & { readonly name: CommandName };

/** Every command, in the order help lists them. */
export const COMMANDS: readonly Command[] = TABLE;

/** Commands made of subcommands. */
export const GROUPS: readonly GroupSpec[] = [
  { name: 'network', summary: 'Manage the networks of the project', subcommands: ['ls', 'create', 'rm'] },
  { name: 'volume', summary: 'Manage the volumes of the project', subcommands: ['ls', 'create', 'rm'] },
  { name: 'completion', summary: 'Print a shell completion script', subcommands: ['bash', 'zsh'] },
];

/** Sections of the top-level help, in order, with the commands (or groups) they list. */
export const SECTIONS: readonly { readonly title: string; readonly names: readonly string[] }[] = [
  { title: 'Lifecycle', names: ['up', 'down', 'create', 'start', 'stop', 'restart', 'pause', 'unpause', 'scale', 'watch'] },
  { title: 'Observe', names: ['ps', 'ls', 'logs', 'top', 'events', 'inspect', 'port', 'health', 'wait', 'images'] },
  { title: 'Run', names: ['exec', 'run'] },
  { title: 'Configuration', names: ['config', 'convert', 'plan'] },
  { title: 'Supply chain', names: ['build', 'pull', 'push', 'verify', 'policy', 'sbom', 'provenance'] },
  { title: 'Resources', names: ['network', 'volume'] },
  { title: 'Other', names: ['completion', 'version'] },
];

/** Finds a command by its full name (`up`, `network ls`). */
export function findCommand(name: string): Command | undefined {
  return COMMANDS.find((c) => c.name === name);
}

/** Finds a group by name. */
export function findGroup(name: string): GroupSpec | undefined {
  return GROUPS.find((g) => g.name === name);
}
