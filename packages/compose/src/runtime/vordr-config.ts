/**
 * The container configuration Vörðr accepts inside `vordr_container_create`'s `config`, in every
 * shape the real server accepts. Contracts only: validation lives in `vordr-config-check.ts`.
 */

/**
 * A port mapping as an object.
 *
 * @example
 * ```ts
 * const port: VordrPortMapping = { containerPort: 80, hostPort: 8080, protocol: 'tcp', hostIp: '127.0.0.1' };
 * ```
 */
export interface VordrPortMapping {
  /** The port inside the container. */
  readonly containerPort: number;
  /** The port on the host. */
  readonly hostPort?: number | undefined;
  /** @default 'tcp' */
  readonly protocol?: 'tcp' | 'udp' | undefined;
  /** The host address to bind. */
  readonly hostIp?: string | undefined;
}

/**
 * A port: `"H:C"`, `"IP:H:C[/proto]"`, or a {@link VordrPortMapping}.
 *
 * @example
 * ```ts
 * const ports: VordrPort[] = ['8080:80', '127.0.0.1:5432:5432/tcp', { containerPort: 53, hostPort: 5353, protocol: 'udp' }];
 * ```
 */
export type VordrPort = string | VordrPortMapping;

/**
 * A mount as an object. Give the source as one of `source`, `src` or `name`, and the target as one
 * of `target`, `dst` or `destination`. A source starting with `./` or `../` is refused: resolve
 * relative bind mounts to absolute paths first.
 *
 * @example
 * ```ts
 * const mount: VordrVolumeMount = { source: 'pgdata', target: '/var/lib/postgresql/data' };
 * const bind: VordrVolumeMount = { src: '/srv/conf', dst: '/etc/app', readOnly: true };
 * ```
 */
export interface VordrVolumeMount {
  readonly source?: string | undefined;
  readonly src?: string | undefined;
  readonly name?: string | undefined;
  readonly target?: string | undefined;
  readonly dst?: string | undefined;
  readonly destination?: string | undefined;
  /** @default false */
  readonly readOnly?: boolean | undefined;
}

/**
 * A mount: `"name:/dst[:ro]"`, `"/abs:/dst[:ro]"`, or a {@link VordrVolumeMount}.
 *
 * @example
 * ```ts
 * const volumes: VordrVolume[] = ['pgdata:/var/lib/postgresql/data', '/srv/conf:/etc/app:ro'];
 * ```
 */
export type VordrVolume = string | VordrVolumeMount;

/**
 * An environment variable as a `{name, value}` item.
 *
 * @example
 * ```ts
 * const item: VordrEnvVar = { name: 'LOG_LEVEL', value: 'debug' };
 * ```
 */
export interface VordrEnvVar {
  readonly name: string;
  readonly value: string;
}

/**
 * Environment: an object, `"K=V"` strings, or {@link VordrEnvVar} items.
 *
 * @example
 * ```ts
 * const env: VordrEnv = { LOG_LEVEL: 'debug' };
 * const same: VordrEnv = ['LOG_LEVEL=debug'];
 * ```
 */
export type VordrEnv = Readonly<Record<string, string>> | readonly (string | VordrEnvVar)[];

/**
 * A duration as Vörðr parses it: a whole number of seconds, minutes or hours.
 *
 * @example
 * ```ts
 * const interval: VordrDuration = '30s';
 * ```
 */
export type VordrDuration = `${number}s` | `${number}m` | `${number}h`;

/**
 * A healthcheck. Note the snake_case `start_period`, as the server spells it.
 *
 * @example
 * ```ts
 * const hc: VordrHealthcheck = { test: ['CMD', 'pg_isready'], interval: '5s', timeout: '3s', retries: 5, start_period: '10s' };
 * ```
 */
export interface VordrHealthcheck {
  /** A shell command string, or an argv array (`['CMD', ...]` / `['CMD-SHELL', '...']`). */
  readonly test: string | readonly string[];
  readonly interval?: VordrDuration | undefined;
  readonly timeout?: VordrDuration | undefined;
  /** A whole number ≥ 0. */
  readonly retries?: number | undefined;
  readonly start_period?: VordrDuration | undefined;
}

/**
 * Restart policy.
 *
 * @example
 * ```ts
 * const restart: VordrRestartPolicy = 'unless-stopped';
 * ```
 */
export type VordrRestartPolicy = 'no' | 'always' | 'on-failure' | 'unless-stopped';

/**
 * The restart policies Vörðr accepts, in lockstep with {@link VordrRestartPolicy}.
 *
 * @example
 * ```ts
 * VORDR_RESTART_POLICIES.includes('always'); // true
 * ```
 */
export const VORDR_RESTART_POLICIES: readonly VordrRestartPolicy[] = ['no', 'always', 'on-failure', 'unless-stopped'];

/**
 * A network attachment with aliases.
 *
 * @example
 * ```ts
 * const net: VordrNetworkAttachment = { name: 'backend', aliases: ['db'] };
 * ```
 */
export interface VordrNetworkAttachment {
  readonly name: string;
  readonly aliases?: readonly string[] | undefined;
}

/**
 * Networks: names, {@link VordrNetworkAttachment} items, or an object keyed by network name.
 *
 * @example
 * ```ts
 * const a: VordrNetworks = ['frontend', { name: 'backend', aliases: ['db'] }];
 * const b: VordrNetworks = { backend: { aliases: ['db'] }, frontend: null };
 * ```
 */
export type VordrNetworks =
  | readonly (string | VordrNetworkAttachment)[]
  | Readonly<Record<string, { readonly aliases?: readonly string[] | undefined } | null>>;

/**
 * The `config` of `vordr_container_create`.
 *
 * @example
 * ```ts
 * const config: VordrContainerConfig = {
 *   env: { POSTGRES_PASSWORD_FILE: '/run/secrets/pg' },
 *   ports: ['5432:5432'],
 *   volumes: [{ source: 'pgdata', target: '/var/lib/postgresql/data' }],
 *   networks: ['backend'],
 *   restart: 'unless-stopped',
 *   healthcheck: { test: 'pg_isready', interval: '5s', retries: 5, start_period: '10s' },
 * };
 * ```
 */
export interface VordrContainerConfig {
  /** @default false */
  readonly privileged?: boolean | undefined;
  /** Mount the root filesystem read-only. @default true */
  readonly readOnlyRoot?: boolean | undefined;
  readonly env?: VordrEnv | undefined;
  readonly volumes?: readonly VordrVolume[] | undefined;
  readonly ports?: readonly VordrPort[] | undefined;
  readonly networks?: VordrNetworks | undefined;
  /** @default 'no' */
  readonly restart?: VordrRestartPolicy | undefined;
  readonly healthcheck?: VordrHealthcheck | undefined;
}
