import type { DependencyConditionAlias, DurationString, PortProtocol, RestartPolicy } from './types.js';

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
  | { readonly target: number; readonly published?: number | undefined; readonly host_ip?: string | undefined; readonly protocol?: PortProtocol | undefined };

/** A mount as written: `"./data:/data:ro"`, `"name:/x"`, or the long form. */
export type VolumeMountInput =
  | string
  | { readonly type?: 'bind' | 'volume' | undefined; readonly source: string; readonly target: string; readonly read_only?: boolean | undefined };

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
}

/** Build settings as written; a string is the context. */
export type BuildInput =
  | string
  | {
      readonly context?: string | undefined;
      /** @default 'Dockerfile' */
      readonly dockerfile?: string | undefined;
      readonly args?: Readonly<Record<string, string | number | boolean>> | undefined;
      readonly target?: string | undefined;
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
  /** Names; the Docker table form is accepted (only its keys are used). */
  readonly networks?: readonly string[] | Readonly<Record<string, unknown>> | undefined;
  readonly secrets?: readonly string[] | undefined;
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
  /** Extension fields, kept as given. */
  readonly [extension: `x-${string}`]: unknown;
}

/** A named volume as written. */
export interface VolumeInput {
  readonly driver?: string | undefined;
  readonly driver_opts?: Readonly<Record<string, string | number | boolean>> | undefined;
  readonly labels?: Readonly<Record<string, string | number | boolean>> | undefined;
  readonly external?: boolean | undefined;
}

/** A named network as written (`ipam.config[0]` of the Docker form is accepted too). */
export interface NetworkInput {
  readonly driver?: string | undefined;
  readonly driver_opts?: Readonly<Record<string, string | number | boolean>> | undefined;
  readonly ipam?: { readonly subnet?: string | undefined; readonly gateway?: string | undefined } | undefined;
  readonly labels?: Readonly<Record<string, string | number | boolean>> | undefined;
  readonly external?: boolean | undefined;
}

/** A secret as written: exactly one of `file` and `external = true`. */
export type SecretInput = { readonly file: string } | { readonly external: true };
