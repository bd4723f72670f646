import type { OptionSpec } from './spec.js';

/** The runtimes `--runtime` accepts. */
export const RUNTIMES = ['process', 'docker', 'selur', 'swarm', 'kubernetes'] as const;
/** A runtime name `--runtime` accepts. */
export type RuntimeName = (typeof RUNTIMES)[number];

/** The progress styles `--progress` accepts. */
export const PROGRESS_MODES = ['auto', 'tty', 'plain', 'json'] as const;
/** A progress style `--progress` accepts. */
export type ProgressMode = (typeof PROGRESS_MODES)[number];

/** Options accepted before the command name (and, in long form, after it). */
export const GLOBAL_OPTIONS: readonly OptionSpec[] = [
  {
    name: 'file',
    short: 'f',
    type: 'string',
    multiple: true,
    value: 'FILE',
    complete: 'file',
    description: 'Compose file; repeat to merge override files on top, in order',
    defaultText: '$SELUR_COMPOSE_FILE, else compose.toml, compose.yaml, compose.yml, docker-compose.yml or docker-compose.yaml here or in a parent folder',
  },
  {
    name: 'project-name',
    short: 'p',
    type: 'string',
    value: 'NAME',
    description: 'Project name',
    defaultText: "$SELUR_PROJECT_NAME, the file's `name`, or the folder name",
  },
  { name: 'profile', type: 'string', multiple: true, value: 'NAME', description: 'Activate a profile (repeatable)' },
  {
    name: 'env-file',
    type: 'string',
    multiple: true,
    value: 'FILE',
    complete: 'file',
    description: 'Read variables for interpolation from this file (repeatable)',
    defaultText: '.env beside the compose file',
  },
  {
    name: 'runtime',
    type: 'string',
    value: 'NAME',
    choices: RUNTIMES,
    description: 'Where services run: host processes, Docker/Podman, a Docker Swarm (services), the selur stack, or Kubernetes ($KUBECONFIG)',
    defaultText: '$SELUR_COMPOSE_RUNTIME or process',
  },
  {
    name: 'namespace',
    type: 'string',
    value: 'NAME',
    description: 'Kubernetes namespace of the project, for --runtime kubernetes and convert --to kubernetes',
    defaultText: "$SELUR_COMPOSE_NAMESPACE, else the project's name",
  },
  {
    name: 'parallel',
    type: 'string',
    integer: true,
    value: 'N',
    description: 'At most N services changing at once (0 = no limit)',
    defaultText: '$SELUR_COMPOSE_PARALLEL or no limit',
  },
  {
    name: 'progress',
    type: 'string',
    value: 'MODE',
    choices: PROGRESS_MODES,
    description: 'Progress display: live lines (tty), one line per event (plain), JSON lines (json)',
    defaultText: 'auto',
  },
  {
    name: 'compat',
    type: 'boolean',
    description: 'Run (or convert) without the Compose fields the runtime or Kubernetes cannot apply, with a warning on stderr for each, instead of refusing the project',
  },
  { name: 'verbose', short: 'v', type: 'boolean', description: 'Show the cause chain of errors and more detail' },
  { name: 'no-color', type: 'boolean', description: 'Do not colour output (also: $NO_COLOR)' },
  { name: 'version', type: 'boolean', description: 'Print the version and exit' },
  { name: 'help', short: 'h', type: 'boolean', description: 'Show help' },
];

/** Environment variables the CLI reads, for help and the README. */
export const ENVIRONMENT_VARIABLES: readonly { readonly name: string; readonly description: string }[] = [
  { name: 'SELUR_COMPOSE_FILE', description: `Compose file(s), separated by ':' (like -f)` },
  { name: 'SELUR_PROJECT_NAME', description: 'Project name (like -p)' },
  { name: 'SELUR_COMPOSE_PARALLEL', description: 'Concurrency cap (like --parallel)' },
  { name: 'SELUR_COMPOSE_RUNTIME', description: 'Runtime (like --runtime)' },
  { name: 'KUBECONFIG', description: 'Kubeconfig file for --runtime kubernetes (default ~/.kube/config, else in-cluster)' },
  { name: 'SELUR_COMPOSE_NAMESPACE', description: "Kubernetes namespace for --runtime kubernetes and convert --to kubernetes (like --namespace; default: the project's name)" },
  { name: 'SVALINN_URL', description: 'Svalinn gateway for --runtime selur (default http://localhost:8000)' },
  { name: 'VORDR_MCP_URL', description: 'Vörðr MCP endpoint for --runtime selur' },
  { name: 'OTEL_EXPORTER_OTLP_ENDPOINT', description: 'Send OpenTelemetry traces of plan/up/down over OTLP/HTTP (also _TRACES_ENDPOINT, _HEADERS; OTEL_SERVICE_NAME)' },
  { name: 'NO_COLOR', description: 'Disable colours' },
];
