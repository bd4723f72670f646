import type { DependencyConditionAlias, DurationString, PortProtocol, RestartPolicy, ServiceNetworkSpec, UpdateConfigSpec, WatchSpec } from './types.js';

/**
 * Input shapes: what a compose.toml may contain and what the builders' object form accepts.
 * Keys are compose's (snake_case); short and long forms are both allowed. The normaliser turns
 * them into the canonical spec types.
 */

/** An environment value as written: numbers and booleans become strings. */
export type EnvironmentInputValue = string | number | boolean | { readonly secret: string };

/** A port as written: `"8080:80"`, `80`, or the long form. */
export type PortInput =
  | string
  | number
  | {
      readonly target: number;
      readonly published?: number | undefined;
      readonly host_ip?: string | undefined;
      readonly protocol?: PortProtocol | undefined;
      readonly mode?: 'host' | 'ingress' | undefined;
      readonly name?: string | undefined;
      readonly app_protocol?: string | undefined;
    };

/** A mount as written: `"./data:/data:ro"`, `"name:/x"`, or the long form. */
export type VolumeMountInput =
  | string
  | {
      readonly type?: 'bind' | 'volume' | 'tmpfs' | undefined;
      /** Absent for tmpfs and anonymous volumes. */
      readonly source?: string | undefined;
      readonly target: string;
      readonly read_only?: boolean | undefined;
      readonly bind?: { readonly create_host_path?: boolean | undefined; readonly propagation?: string | undefined; readonly selinux?: 'z' | 'Z' | undefined } | undefined;
      readonly volume?: { readonly nocopy?: boolean | undefined; readonly subpath?: string | undefined } | undefined;
      readonly tmpfs?: { readonly size?: number | string | undefined; readonly mode?: number | undefined } | undefined;
      readonly consistency?: string | undefined;
    };

/** A service's use of a secret or config as written: its name, or the long form. */
export type FileRefInput =
  | string
  | { readonly source: string; readonly target?: string | undefined; readonly uid?: string | number | undefined; readonly gid?: string | number | undefined; readonly mode?: number | string | undefined };

/** A lifecycle hook as written. */
export interface HookInput {
  readonly command: string | readonly string[];
  readonly user?: string | undefined;
  readonly privileged?: boolean | undefined;
  readonly working_dir?: string | undefined;
  readonly environment?: Readonly<Record<string, string | number | boolean>> | readonly string[] | undefined;
}

/** A `KEY: value` table or `KEY=VALUE` strings. */
export type StringMapInput = Readonly<Record<string, string | number | boolean>> | readonly string[];

/** A dependency's options in the long form. */
export interface DependencyInput {
  /** @default 'service_started' */
  readonly condition?: DependencyConditionAlias | undefined;
  /** @default true */
  readonly required?: boolean | undefined;
  /** @default false */
  readonly restart?: boolean | undefined;
}

/** A duration as written: `"30s"`, `"1m30s"`, or milliseconds as a number (builders only). */
export type DurationInput = DurationString | string | number;

/** A healthcheck as written. `startPeriod`/`startInterval` are accepted as aliases. */
export interface HealthcheckInput {
  readonly test?: string | readonly string[] | undefined;
  /** @default '30s' */
  readonly interval?: DurationInput | undefined;
  /** @default '30s' */
  readonly timeout?: DurationInput | undefined;
  /** @default 3 */
  readonly retries?: number | undefined;
  /** @default '0s' */
  readonly start_period?: DurationInput | undefined;
  readonly startPeriod?: DurationInput | undefined;
  /** @default '5s' */
  readonly start_interval?: DurationInput | undefined;
  readonly startInterval?: DurationInput | undefined;
  /** @default false */
  readonly disable?: boolean | undefined;
}

/** Resource limits as written (`cpus` may be a string like `"0.5"`). */
export interface ResourcesInput {
  readonly limits?: { readonly cpus?: number | string | undefined; readonly memory?: string | number | undefined; readonly pids?: number | undefined } | undefined;
  readonly reservations?: { readonly cpus?: number | string | undefined; readonly memory?: string | number | undefined } | undefined;
}

/** Deployment settings as written. */
export interface DeployInput {
  /** @default 1 */
  readonly replicas?: number | undefined;
  /** @default 'rolling' */
  readonly strategy?: 'rolling' | 'recreate' | undefined;
  readonly resources?: ResourcesInput | undefined;
  readonly mode?: 'replicated' | 'global' | 'replicated-job' | 'global-job' | undefined;
  readonly placement?: {
    readonly constraints?: readonly string[] | undefined;
    readonly preferences?: readonly { readonly spread: string }[] | undefined;
    readonly max_replicas_per_node?: number | undefined;
  } | undefined;
  readonly update_config?: UpdateConfigInput | undefined;
  readonly rollback_config?: UpdateConfigInput | undefined;
  readonly restart_policy?: {
    readonly condition?: 'none' | 'on-failure' | 'any' | undefined;
    readonly delay?: DurationInput | undefined;
    readonly max_attempts?: number | undefined;
    readonly window?: DurationInput | undefined;
  } | undefined;
  readonly endpoint_mode?: 'vip' | 'dnsrr' | undefined;
  readonly labels?: StringMapInput | undefined;
}

/** `update_config` / `rollback_config` as written (durations as strings or milliseconds). */
export type UpdateConfigInput = {
  readonly [K in keyof UpdateConfigSpec]?: K extends 'delay' | 'monitor' ? DurationInput | undefined : UpdateConfigSpec[K] | undefined;
};

/** Build settings as written; a string is the context. */
export type BuildInput =
  | string
  | {
      readonly context?: string | undefined;
      /** @default 'Dockerfile' */
      readonly dockerfile?: string | undefined;
      readonly args?: StringMapInput | undefined;
      readonly target?: string | undefined;
      readonly dockerfile_inline?: string | undefined;
      readonly labels?: StringMapInput | undefined;
      readonly cache_from?: readonly string[] | undefined;
      readonly cache_to?: readonly string[] | undefined;
      readonly tags?: readonly string[] | undefined;
      readonly platforms?: readonly string[] | undefined;
      readonly network?: string | undefined;
      readonly shm_size?: string | number | undefined;
      readonly no_cache?: boolean | undefined;
      readonly pull?: boolean | undefined;
      readonly privileged?: boolean | undefined;
      readonly extra_hosts?: readonly string[] | Readonly<Record<string, string | readonly string[]>> | undefined;
      readonly secrets?: readonly FileRefInput[] | undefined;
      readonly ssh?: string | readonly string[] | Readonly<Record<string, string>> | undefined;
      readonly additional_contexts?: StringMapInput | undefined;
    };

/**
 * A service in compose form, as in compose.toml: every field optional except `image` (checked by
 * `validate()`), short and long forms accepted.
 *
 * @example
 * ```ts
 * const api: ServiceInput = {
 *   image: 'ghcr.io/org/api:v1.ctp',
 *   ports: ['8080:80'],
 *   depends_on: { db: { condition: 'service_healthy' } },
 *   healthcheck: { test: 'curl -f http://localhost/health', interval: '10s' },
 * };
 * ```
 */
export interface ServiceInput {
  readonly image?: string | undefined;
  /**
   * A string is split like a shell would (quotes, no expansion). `[]` means no override (as in
   * Docker Compose: the image's or bundle's own command); an empty string is refused.
   */
  readonly command?: string | readonly string[] | undefined;
  /** A table, or `KEY=VALUE` strings. */
  readonly environment?: Readonly<Record<string, EnvironmentInputValue>> | readonly string[] | undefined;
  readonly env_file?: string | readonly string[] | undefined;
  readonly ports?: readonly PortInput[] | undefined;
  readonly depends_on?: readonly string[] | Readonly<Record<string, DependencyInput>> | undefined;
  readonly volumes?: readonly VolumeMountInput[] | undefined;
  /** Names, or a table of name → `{ aliases, ipv4_address, ipv6_address, priority }` (or null). */
  readonly networks?: readonly string[] | Readonly<Record<string, ServiceNetworkSpec | null>> | undefined;
  readonly secrets?: readonly FileRefInput[] | undefined;
  readonly configs?: readonly FileRefInput[] | undefined;
  /** @default 'no' */
  readonly restart?: RestartPolicy | undefined;
  readonly healthcheck?: HealthcheckInput | undefined;
  readonly deploy?: DeployInput | undefined;
  readonly build?: BuildInput | undefined;
  readonly profiles?: readonly string[] | undefined;
  /** A table, or `KEY=VALUE` strings. */
  readonly labels?: Readonly<Record<string, string | number | boolean>> | readonly string[] | undefined;
  readonly working_dir?: string | undefined;
  /** Alias of `working_dir`. */
  readonly workdir?: string | undefined;
  readonly user?: string | undefined;
  /** @default '10s' */
  readonly stop_grace_period?: DurationInput | undefined;
  /** @default 'SIGTERM' */
  readonly stop_signal?: string | undefined;
  /** @default false */
  readonly read_only?: boolean | undefined;
  readonly entrypoint?: string | readonly string[] | undefined;
  readonly links?: readonly string[] | undefined;
  readonly container_name?: string | undefined;
  readonly hostname?: string | undefined;
  readonly domainname?: string | undefined;
  readonly platform?: string | undefined;
  readonly pull_policy?: string | undefined;
  readonly network_mode?: string | undefined;
  readonly pid?: string | undefined;
  readonly ipc?: string | undefined;
  readonly shm_size?: string | number | undefined;
  readonly memswap_limit?: string | number | undefined;
  /** Folded into `deploy.resources.limits.memory`. */
  readonly mem_limit?: string | number | undefined;
  /** Folded into `deploy.resources.reservations.memory`. */
  readonly mem_reservation?: string | number | undefined;
  /** Folded into `deploy.resources.limits.cpus`. */
  readonly cpus?: number | string | undefined;
  /** Folded into `deploy.resources.limits.pids`. */
  readonly pids_limit?: number | undefined;
  /** Folded into `deploy.replicas`. */
  readonly scale?: number | undefined;
  readonly cpu_shares?: number | undefined;
  readonly init?: boolean | undefined;
  /** `false`: `up` and `logs -f` in the CLI do not stream this service's logs unless it is named. @default true */
  readonly attach?: boolean | undefined;
  readonly privileged?: boolean | undefined;
  readonly stdin_open?: boolean | undefined;
  readonly tty?: boolean | undefined;
  readonly cap_add?: readonly string[] | undefined;
  readonly cap_drop?: readonly string[] | undefined;
  /** Supplementary groups of the service's processes: group names or gids. */
  readonly group_add?: readonly (string | number)[] | undefined;
  readonly dns?: string | readonly string[] | undefined;
  readonly dns_search?: string | readonly string[] | undefined;
  readonly dns_opt?: readonly string[] | undefined;
  readonly security_opt?: readonly string[] | undefined;
  readonly expose?: readonly (string | number)[] | undefined;
  readonly devices?: readonly (string | { readonly source: string; readonly target?: string | undefined; readonly permissions?: string | undefined })[] | undefined;
  readonly tmpfs?: string | readonly string[] | undefined;
  readonly extra_hosts?: readonly string[] | Readonly<Record<string, string | readonly string[]>> | undefined;
  readonly sysctls?: StringMapInput | undefined;
  readonly ulimits?: Readonly<Record<string, number | { readonly soft: number; readonly hard: number }>> | undefined;
  readonly logging?: { readonly driver?: string | undefined; readonly options?: Readonly<Record<string, string | number | boolean>> | undefined } | undefined;
  readonly annotations?: StringMapInput | undefined;
  readonly post_start?: readonly HookInput[] | undefined;
  readonly pre_stop?: readonly HookInput[] | undefined;
  readonly develop?: { readonly watch: readonly (Omit<WatchSpec, 'exec'> & { readonly exec?: HookInput | undefined })[] } | undefined;
  /** Extension fields, kept as given. */
  readonly [extension: `x-${string}`]: unknown;
}

/** A named volume as written. */
export interface VolumeInput {
  readonly driver?: string | undefined;
  readonly driver_opts?: Readonly<Record<string, string | number | boolean>> | undefined;
  readonly labels?: StringMapInput | undefined;
  readonly external?: boolean | undefined;
  /** Name on the runtime, instead of `<project>_<key>`. */
  readonly name?: string | undefined;
}

/** One address pool as written. */
export interface IpamPoolInput {
  readonly subnet?: string | undefined;
  readonly gateway?: string | undefined;
  readonly ip_range?: string | undefined;
  readonly aux_addresses?: Readonly<Record<string, string>> | undefined;
}

/** A named network as written (the first format's flat `ipam = { subnet, gateway }` is accepted too). */
export interface NetworkInput {
  readonly driver?: string | undefined;
  readonly driver_opts?: Readonly<Record<string, string | number | boolean>> | undefined;
  readonly ipam?: {
    readonly driver?: string | undefined;
    readonly config?: readonly IpamPoolInput[] | undefined;
    readonly options?: Readonly<Record<string, string>> | undefined;
    readonly subnet?: string | undefined;
    readonly gateway?: string | undefined;
  } | undefined;
  readonly labels?: StringMapInput | undefined;
  readonly external?: boolean | undefined;
  /** Name on the runtime, instead of `<project>_<key>`. */
  readonly name?: string | undefined;
  readonly internal?: boolean | undefined;
  readonly attachable?: boolean | undefined;
  readonly enable_ipv6?: boolean | undefined;
  readonly enable_ipv4?: boolean | undefined;
}

/**
 * A secret as written: exactly one source — `file`, `environment` (a variable of the process that
 * loads the project) or `external: true` — and an optional runtime `name`.
 */
export type SecretInput = ({ readonly file: string } | { readonly environment: string } | { readonly external: true }) & { readonly name?: string | undefined };

/** A config as written: as a secret, or inline `content`. */
export type ConfigInput = SecretInput | ({ readonly content: string } & { readonly name?: string | undefined });
