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
}

/** A mount in canonical (long) form. */
export interface VolumeMountSpec {
  /** `bind` when the source starts with `./`, `../`, `/` or `~`; `volume` for a declared volume. */
  readonly type: 'bind' | 'volume';
  /** Path (bind, as written) or declared volume name. */
  readonly source: string;
  /** Absolute path inside the service. */
  readonly target: string;
  /** @default false */
  readonly read_only: boolean;
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

/** Healthcheck. `test` is a shell command string (upstream) or an argv array (Docker form). */
export interface HealthcheckSpec {
  readonly test: string | readonly string[];
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

/** Deployment settings. */
export interface DeploySpec {
  /** @default 1 */
  readonly replicas: number;
  /** @default 'rolling' */
  readonly strategy: 'rolling' | 'recreate';
  readonly resources?: ResourcesSpec | undefined;
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
  readonly networks: readonly string[];
  readonly secrets: readonly string[];
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
}

/** A named network. */
export interface NetworkSpec {
  /** `selur` (zero-copy) or `bridge`. @default 'bridge' */
  readonly driver: string;
  readonly driver_opts: Readonly<Record<string, string>>;
  readonly ipam?: { readonly subnet?: string | undefined; readonly gateway?: string | undefined } | undefined;
  readonly labels: Readonly<Record<string, string>>;
  /** @default false */
  readonly external: boolean;
}

/** A secret: a file (relative to the compose file's folder) or an external secret. Exactly one. */
export type SecretSpec = { readonly file: string; readonly external?: undefined } | { readonly external: true; readonly file?: undefined };

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
}
