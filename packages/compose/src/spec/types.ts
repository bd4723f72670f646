import type { ValidationIssue } from '../errors/validation-error.js';
/**
 * The canonical data shapes of a compose project: what `project.toJSON()` returns, what the TOML
 * loader produces and what the builders produce. Keys follow compose.toml (snake_case) so that the
 * JSON and TOML renderings are the same document.
 *
 * Canonical means: every default filled in, every short form expanded (ports, volumes,
 * depends_on), durations normalised (`"1m30s"`), values interpolated, relative paths kept as
 * written (they are resolved against {@link ProjectSpec.working_dir} when used).
 */

/** A duration as compose writes it: `"30s"`, `"1m30s"`, `"500ms"`, `"2h"`. */
export type DurationString = `${number}${'ms' | 's' | 'm' | 'h'}${string}`;

/** Restart policy. `on-failure:N` caps the number of restarts. */
export type RestartPolicy = 'no' | 'always' | 'on-failure' | 'unless-stopped' | `on-failure:${number}`;

/** Conditions a dependency must meet before its dependant starts (compose long form). */
export type DependencyCondition = 'service_started' | 'service_healthy' | 'service_completed_successfully';

/** Short aliases accepted by the builders for {@link DependencyCondition}. */
export type DependencyConditionAlias = 'started' | 'healthy' | 'completed_successfully' | DependencyCondition;

/** Transport protocol of a published port. */
export type PortProtocol = 'tcp' | 'udp';

/** A port mapping in canonical (long) form. */
export interface PortSpec {
  /** Port inside the service. */
  readonly target: number;
  /** Host port; `0` or absent means "pick a free one". */
  readonly published?: number | undefined;
  /** Host address to bind; runtimes default to 127.0.0.1. */
  readonly host_ip?: string | undefined;
  /** @default 'tcp' */
  readonly protocol: PortProtocol;
  /** `host` publishes on the node running the replica; `ingress` (Swarm's default) load-balances across nodes. */
  readonly mode?: 'host' | 'ingress' | undefined;
  /** A name for the port (Compose long form). */
  readonly name?: string | undefined;
  /** The application protocol the port speaks (`http`, `grpc`, …): informational. */
  readonly app_protocol?: string | undefined;
}

/** A mount in canonical (long) form. */
export interface VolumeMountSpec {
  /** `bind` when the source starts with `./`, `../`, `/` or `~`; `volume` for a declared volume; `tmpfs` for a memory file system (no source). */
  readonly type: 'bind' | 'volume' | 'tmpfs';
  /** Path (bind, as written) or declared volume name; empty for `tmpfs`. */
  readonly source: string;
  /** Absolute path inside the service. */
  readonly target: string;
  /** @default false */
  readonly read_only: boolean;
  /** Bind options. */
  readonly bind?: { readonly create_host_path?: boolean | undefined; readonly propagation?: string | undefined; readonly selinux?: 'z' | 'Z' | undefined } | undefined;
  /** Volume options. */
  readonly volume?: { readonly nocopy?: boolean | undefined; readonly subpath?: string | undefined } | undefined;
  /** tmpfs options: `size` in bytes, `mode` as an octal number. */
  readonly tmpfs?: { readonly size?: number | undefined; readonly mode?: number | undefined } | undefined;
  /** `consistent`, `cached` or `delegated` (honoured by Docker Desktop only). */
  readonly consistency?: string | undefined;
}

/** A dependency in canonical (long) form. */
export interface DependencySpec {
  /** @default 'service_started' */
  readonly condition: DependencyCondition;
  /** When false, a missing or failing dependency does not stop the dependant. @default true */
  readonly required: boolean;
  /** Restart the dependant when this dependency is recreated. @default false */
  readonly restart: boolean;
}

/** An environment value: a literal or a reference to a declared secret. */
export type EnvironmentValue = string | { readonly secret: string };

/**
 * Healthcheck. `test` is a shell command string (upstream) or an argv array (Docker form); absent,
 * the image's own `HEALTHCHECK` test runs with this timing (a runtime without images refuses that
 * by name: field `healthcheck.image_test`). `test: ["NONE"]` reads as `disable: true`.
 */
export interface HealthcheckSpec {
  readonly test?: string | readonly string[] | undefined;
  /** @default '30s' */
  readonly interval: DurationString;
  /** @default '30s' */
  readonly timeout: DurationString;
  /** @default 3 */
  readonly retries: number;
  /** @default '0s' */
  readonly start_period: DurationString;
  /** Interval used during `start_period`. @default '5s' */
  readonly start_interval: DurationString;
  /** @default false */
  readonly disable: boolean;
}

/** Resource limits and reservations (`deploy.resources`). */
export interface ResourcesSpec {
  readonly limits?: { readonly cpus?: number | undefined; readonly memory?: string | undefined; readonly pids?: number | undefined } | undefined;
  readonly reservations?: { readonly cpus?: number | undefined; readonly memory?: string | undefined } | undefined;
}

/** How a changed service's replicas are replaced (`deploy.update_config`, `deploy.rollback_config`). */
export interface UpdateConfigSpec {
  /** Replicas replaced at a time; `0` means all at once. @default 1 */
  readonly parallelism: number;
  /** Wait between batches. @default '0s' */
  readonly delay: DurationString;
  /** Start the new replica before stopping the old one, or the reverse. @default 'stop-first' */
  readonly order: 'stop-first' | 'start-first';
  /** What a failed batch does. @default 'pause' */
  readonly failure_action: 'pause' | 'continue' | 'rollback';
  /** How long a new replica is watched for failure after it is ready. @default '0s' */
  readonly monitor: DurationString;
  /** Share of failed replicas tolerated before the update fails. @default 0 */
  readonly max_failure_ratio: number;
}

/** Where replicas may run (`deploy.placement`): honoured by the distributed runtimes. */
export interface PlacementSpec {
  readonly constraints?: readonly string[] | undefined;
  readonly preferences?: readonly { readonly spread: string }[] | undefined;
  readonly max_replicas_per_node?: number | undefined;
}

/** The distributed runtimes' restart policy (`deploy.restart_policy`). */
export interface DeployRestartPolicySpec {
  readonly condition?: 'none' | 'on-failure' | 'any' | undefined;
  readonly delay?: DurationString | undefined;
  readonly max_attempts?: number | undefined;
  readonly window?: DurationString | undefined;
}

/** Deployment settings. */
export interface DeploySpec {
  /** @default 1 */
  readonly replicas: number;
  /** @default 'rolling' */
  readonly strategy: 'rolling' | 'recreate';
  readonly resources?: ResourcesSpec | undefined;
  /** `replicated` (the default when absent), `global` (one per node) or a job. */
  readonly mode?: 'replicated' | 'global' | 'replicated-job' | 'global-job' | undefined;
  readonly placement?: PlacementSpec | undefined;
  readonly update_config?: UpdateConfigSpec | undefined;
  readonly rollback_config?: UpdateConfigSpec | undefined;
  readonly restart_policy?: DeployRestartPolicySpec | undefined;
  /** How clients reach the replicas: a virtual IP, or DNS round-robin. */
  readonly endpoint_mode?: 'vip' | 'dnsrr' | undefined;
  /** Labels on the service (not on its containers). */
  readonly labels?: Readonly<Record<string, string>> | undefined;
}

/** How to build the service's image or bundle. */
export interface BuildSpec {
  /** Build context, relative to the compose file's folder. */
  readonly context: string;
  /** @default 'Dockerfile' */
  readonly dockerfile: string;
  /** @default {} */
  readonly args: Readonly<Record<string, string>>;
  readonly target?: string | undefined;
  /** A Dockerfile given inline instead of `dockerfile`. */
  readonly dockerfile_inline?: string | undefined;
  readonly labels?: Readonly<Record<string, string>> | undefined;
  readonly cache_from?: readonly string[] | undefined;
  readonly cache_to?: readonly string[] | undefined;
  readonly tags?: readonly string[] | undefined;
  readonly platforms?: readonly string[] | undefined;
  readonly network?: string | undefined;
  readonly shm_size?: string | undefined;
  readonly no_cache?: boolean | undefined;
  readonly pull?: boolean | undefined;
  readonly privileged?: boolean | undefined;
  /** `host:ip` entries added to /etc/hosts during the build. */
  readonly extra_hosts?: Readonly<Record<string, readonly string[]>> | undefined;
  readonly secrets?: readonly ServiceFileRef[] | undefined;
  /** SSH agent sockets or keys: `default` or `ID=path`. */
  readonly ssh?: readonly string[] | undefined;
  readonly additional_contexts?: Readonly<Record<string, string>> | undefined;
}

/**
 * A service's use of a declared secret or config (long form). `target` defaults to
 * `/run/secrets/SOURCE` for secrets and `/SOURCE` for configs.
 */
export interface ServiceFileRef {
  readonly source: string;
  readonly target?: string | undefined;
  readonly uid?: string | undefined;
  readonly gid?: string | undefined;
  /** File mode, as a number (`0o440` is written `0440` in Compose files). */
  readonly mode?: number | undefined;
}

/** A service's attachment to a declared network (the map form). */
export interface ServiceNetworkSpec {
  readonly aliases?: readonly string[] | undefined;
  readonly ipv4_address?: string | undefined;
  readonly ipv6_address?: string | undefined;
  /** Networks with a higher priority are connected first. */
  readonly priority?: number | undefined;
  readonly mac_address?: string | undefined;
  readonly link_local_ips?: readonly string[] | undefined;
}

/** A soft and hard limit (`ulimits`). A single number sets both. */
export interface UlimitSpec {
  readonly soft: number;
  readonly hard: number;
}

/** `logging`: the log driver and its options. */
export interface LoggingSpec {
  readonly driver?: string | undefined;
  readonly options: Readonly<Record<string, string>>;
}

/** A lifecycle hook (`post_start`, `pre_stop`): a command run inside the service. */
export interface HookSpec {
  readonly command: readonly string[];
  readonly user?: string | undefined;
  readonly privileged?: boolean | undefined;
  readonly working_dir?: string | undefined;
  readonly environment: Readonly<Record<string, string>>;
}

/** One rule of `develop.watch`. */
export interface WatchSpec {
  readonly path: string;
  readonly action: 'rebuild' | 'sync' | 'restart' | 'sync+restart' | 'sync+exec';
  readonly target?: string | undefined;
  readonly ignore?: readonly string[] | undefined;
  readonly include?: readonly string[] | undefined;
  readonly initial_sync?: boolean | undefined;
  readonly exec?: HookSpec | undefined;
}

/** Extension fields (`x-*`), kept as given and ignored by the engine. */
export type Extensions = Readonly<Record<`x-${string}`, unknown>>;

/** A service in canonical form. */
export interface ServiceSpec {
  /** A `.ctp` bundle reference or path, or an OCI image (Docker runtime). */
  readonly image: string;
  /** Overrides the bundle's / image's command. */
  readonly command?: readonly string[] | undefined;
  readonly environment: Readonly<Record<string, EnvironmentValue>>;
  /** Files of `KEY=VALUE` lines, relative to the compose file's folder. Already merged into `environment` by the loader; kept for reference. */
  readonly env_file: readonly string[];
  readonly ports: readonly PortSpec[];
  readonly depends_on: Readonly<Record<string, DependencySpec>>;
  readonly volumes: readonly VolumeMountSpec[];
  /** Declared networks the service joins, with per-network settings (`{}` when none). */
  readonly networks: Readonly<Record<string, ServiceNetworkSpec>>;
  /** Declared secrets the service reads, in long form. */
  readonly secrets: readonly ServiceFileRef[];
  /** @default 'no' */
  readonly restart: RestartPolicy;
  readonly healthcheck?: HealthcheckSpec | undefined;
  readonly deploy: DeploySpec;
  readonly build?: BuildSpec | undefined;
  /** The service only runs when one of these profiles is active; empty means always. */
  readonly profiles: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
  readonly working_dir?: string | undefined;
  readonly user?: string | undefined;
  /** @default '10s' */
  readonly stop_grace_period: DurationString;
  /** @default 'SIGTERM' */
  readonly stop_signal: string;
  /** @default false */
  readonly read_only: boolean;
  /** Overrides the image's entrypoint (`[]` clears it). */
  readonly entrypoint?: readonly string[] | undefined;
  /** Declared configs the service reads, in long form. */
  readonly configs?: readonly ServiceFileRef[] | undefined;
  /** Other services reached under another name: `service` or `service:alias` (implies a dependency). */
  readonly links?: readonly string[] | undefined;
  readonly container_name?: string | undefined;
  readonly hostname?: string | undefined;
  readonly domainname?: string | undefined;
  readonly platform?: string | undefined;
  /** `always`, `never`, `missing`, `build`, `daily`, `weekly` or `every_<duration>`. */
  readonly pull_policy?: string | undefined;
  /** `none`, `host`, `service:NAME` or `container:NAME`. */
  readonly network_mode?: string | undefined;
  readonly pid?: string | undefined;
  readonly ipc?: string | undefined;
  readonly shm_size?: string | undefined;
  readonly memswap_limit?: string | undefined;
  readonly cpu_shares?: number | undefined;
  /** Run an init process (PID 1) that reaps zombies and forwards signals. */
  readonly init?: boolean | undefined;
  /**
   * `false`: the CLI's `up` and `logs -f` do not stream this service's logs unless it is named
   * (Compose `attach`); the container is the same either way. @default true
   */
  readonly attach?: boolean | undefined;
  readonly privileged?: boolean | undefined;
  readonly stdin_open?: boolean | undefined;
  readonly tty?: boolean | undefined;
  readonly cap_add?: readonly string[] | undefined;
  readonly cap_drop?: readonly string[] | undefined;
  /** Supplementary groups of the service's processes (names or gids, as strings). */
  readonly group_add?: readonly string[] | undefined;
  readonly dns?: readonly string[] | undefined;
  readonly dns_search?: readonly string[] | undefined;
  readonly dns_opt?: readonly string[] | undefined;
  readonly security_opt?: readonly string[] | undefined;
  /** Ports reachable by other services but not published: `"80"`, `"8000-8010/udp"`. */
  readonly expose?: readonly string[] | undefined;
  /** Host devices: `HOST[:CONTAINER[:PERMISSIONS]]`. */
  readonly devices?: readonly string[] | undefined;
  /** Memory file systems: `PATH[:OPTIONS]`. */
  readonly tmpfs?: readonly string[] | undefined;
  /** Extra /etc/hosts entries: host name → addresses. */
  readonly extra_hosts?: Readonly<Record<string, readonly string[]>> | undefined;
  readonly sysctls?: Readonly<Record<string, string>> | undefined;
  readonly ulimits?: Readonly<Record<string, UlimitSpec>> | undefined;
  readonly logging?: LoggingSpec | undefined;
  readonly annotations?: Readonly<Record<string, string>> | undefined;
  readonly post_start?: readonly HookSpec[] | undefined;
  readonly pre_stop?: readonly HookSpec[] | undefined;
  readonly develop?: { readonly watch: readonly WatchSpec[] } | undefined;
  readonly extensions: Extensions;
}

/** A named volume. */
export interface VolumeSpec {
  /** @default 'local' */
  readonly driver: string;
  readonly driver_opts: Readonly<Record<string, string>>;
  readonly labels: Readonly<Record<string, string>>;
  /** Created outside the project: never created nor removed by it. @default false */
  readonly external: boolean;
  /** Name on the runtime, instead of `<project>_<key>`. */
  readonly name?: string | undefined;
}

/** One address pool of a network (`ipam.config[]`). */
export interface IpamPoolSpec {
  readonly subnet?: string | undefined;
  readonly gateway?: string | undefined;
  readonly ip_range?: string | undefined;
  readonly aux_addresses?: Readonly<Record<string, string>> | undefined;
}

/** A network's address management. */
export interface IpamSpec {
  readonly driver?: string | undefined;
  readonly config: readonly IpamPoolSpec[];
  readonly options?: Readonly<Record<string, string>> | undefined;
}

/** A named network. */
export interface NetworkSpec {
  /** `selur` (zero-copy) or `bridge`. @default 'bridge' */
  readonly driver: string;
  readonly driver_opts: Readonly<Record<string, string>>;
  readonly ipam?: IpamSpec | undefined;
  readonly labels: Readonly<Record<string, string>>;
  /** @default false */
  readonly external: boolean;
  /** Name on the runtime, instead of `<project>_<key>`. */
  readonly name?: string | undefined;
  /** No route to the outside world. */
  readonly internal?: boolean | undefined;
  /** Standalone containers may join (Swarm overlay networks). */
  readonly attachable?: boolean | undefined;
  readonly enable_ipv6?: boolean | undefined;
  readonly enable_ipv4?: boolean | undefined;
}

/**
 * A secret or config: exactly one source — a file (relative to the compose file's folder), an
 * environment variable of the process that loads the project, inline `content` (configs), or
 * `external` (created outside the project). `name` is its name on the runtime.
 */
export type FileObjectSpec = (
  | { readonly file: string; readonly environment?: undefined; readonly content?: undefined; readonly external?: undefined }
  | { readonly environment: string; readonly file?: undefined; readonly content?: undefined; readonly external?: undefined }
  | { readonly content: string; readonly file?: undefined; readonly environment?: undefined; readonly external?: undefined }
  | { readonly external: true; readonly file?: undefined; readonly environment?: undefined; readonly content?: undefined }
) & { readonly name?: string | undefined };

/** A secret (see {@link FileObjectSpec}; `content` is for configs only). */
export type SecretSpec = FileObjectSpec;

/** A config (see {@link FileObjectSpec}). */
export type ConfigSpec = FileObjectSpec;

/** Svalinn's `x-svalinn` table. */
export interface SvalinnExtension {
  /** Default edge policy for all services: `strict`, `standard` or `permissive`. */
  readonly policy?: string | undefined;
  readonly verify?: boolean | undefined;
  /**
   * Svalinn's schema gives a table of switches (`require-sbom`, `require-signature`,
   * `require-provenance`); a list of attestation names is accepted too.
   */
  readonly attestations?: readonly string[] | Readonly<Record<string, boolean>> | undefined;
}

/** A whole project in canonical form. */
export interface ProjectSpec {
  /** Project name: lowercase letters, digits, `-`, `_`, starting with a letter or digit. */
  readonly name: string;
  /** Always `"1.0"`. */
  readonly version: '1.0';
  /** Services, keyed by name, in sorted order. */
  readonly services: Readonly<Record<string, ServiceSpec>>;
  readonly volumes: Readonly<Record<string, VolumeSpec>>;
  readonly networks: Readonly<Record<string, NetworkSpec>>;
  readonly secrets: Readonly<Record<string, SecretSpec>>;
  readonly configs: Readonly<Record<string, ConfigSpec>>;
  readonly 'x-svalinn'?: SvalinnExtension | undefined;
  readonly extensions: Extensions;
}

/** Where a project came from: used to resolve relative paths. Not part of the canonical JSON. */
export interface ProjectSource {
  /** Absolute folder that relative paths are resolved against. */
  readonly workingDir: string;
  /** The compose files, in merge order, when loaded from files. */
  readonly files: readonly string[];
  /**
   * What loading the files found worth a warning, located like validation issues: each variable
   * used bare (`${VAR}`, `$VAR`) that is not set (it became the empty string), code
   * `unset-variable`, with a hint when it looks like one the runtime sets itself (`$PORT`: write
   * `$$PORT`). The CLI prints them on stderr. Absent for projects built in code.
   */
  readonly warnings?: readonly ValidationIssue[] | undefined;
  /**
   * How the files' variables were read (the `env` option, then `.env`, then the process
   * environment): a secret or config whose source is `environment` reads its variable through it
   * when the project is run. Absent for projects built in code, which read the process environment.
   */
  readonly variables?: ((name: string) => string | undefined) | undefined;
}
