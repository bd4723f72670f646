import type { ProjectSummary, Runtime } from '@selur/compose';
import type { BuildImageOptions, BuildImageResult } from './images.js';

/**
 * Options of {@link dockerRuntime}.
 *
 * @example
 * ```ts
 * const podman = dockerRuntime({ host: 'unix:///run/user/1000/podman/podman.sock', publishHost: '127.0.0.1' });
 * ```
 */
export interface DockerRuntimeOptions {
  /**
   * Where the engine listens: `unix:///var/run/docker.sock`, `tcp://127.0.0.1:2375`, or a bare
   * socket path. Podman's Docker-compatible socket works too.
   * @default the `DOCKER_HOST` environment variable, else `/var/run/docker.sock`
   * @example 'unix:///run/user/1000/podman/podman.sock'
   */
  readonly host?: string | undefined;
  /**
   * Engine API version to speak, e.g. `'1.41'`.
   * @default negotiated: the lower of 1.41 and what the engine reports on `/_ping`
   */
  readonly apiVersion?: string | undefined;
  /**
   * Host address that ports are published on when a port gives no `host_ip`; also the address
   * reported for ports bound on all interfaces.
   * @default '127.0.0.1'
   */
  readonly publishHost?: string | undefined;
  /**
   * Try to pull an image that is not on the engine (once) before failing.
   * @default true
   */
  readonly pull?: boolean | undefined;
  /**
   * Run an init process (`docker-init` / Podman's `catatonit`) as PID 1 in every container, so that
   * a command that installs no signal handler still stops on SIGTERM instead of waiting out its
   * `stop_grace_period` (Docker Compose's `init: true`). Off by default, as in Docker Compose.
   * @default false
   */
  readonly init?: boolean | undefined;
  /**
   * Development mode for secrets in `environment` (`KEY: { secret: NAME }`): inject the secret
   * file's content into the variable. Off, such a variable the caller has not filled in (the
   * engine fills it under its own rule) is refused with `SecretInEnvironmentError`.
   * @default `SELUR_DEV_SECRETS=1` in the environment
   */
  readonly secretsDevMode?: boolean | undefined;
}

/**
 * What the engine says about itself.
 *
 * @example
 * ```ts
 * const { version, apiVersion } = await dockerRuntime().version();
 * ```
 */
export interface EngineVersion {
  /** API version in use. */
  readonly apiVersion: string;
  /** Engine version (`20.10.24`, `4.9.3` for Podman). */
  readonly version: string;
  /** `Docker Engine - Community`, `Podman Engine`, … when known. */
  readonly platform?: string | undefined;
}

/**
 * The Docker runtime: the {@link Runtime} port plus what only an image-based engine can do.
 *
 * @example
 * ```ts
 * import { dockerRuntime } from '@selur/compose-docker';
 * const docker = dockerRuntime();
 * await docker.buildImage({ context: '/src/api', tag: 'shop-api:dev' });
 * ```
 */
export interface DockerRuntime extends Runtime {
  readonly name: 'docker';
  /** The engine address in use (`unix:///var/run/docker.sock`). */
  readonly host: string;
  /** Builds an image from a local context (tarred in-process, built by the engine). */
  buildImage(options: BuildImageOptions): Promise<BuildImageResult>;
  /**
   * Every project with containers on the engine (containers carrying this SDK's project label),
   * each counted by state, sorted by name: one listing of the engine's containers.
   *
   * @example
   * ```ts
   * for (const p of await runtime.listProjects()) console.log(p.name, p.states);
   * ```
   */
  listProjects(): Promise<readonly ProjectSummary[]>;
  /** True when the engine has this image (by reference or id). */
  hasImage(image: string): Promise<boolean>;
  /**
   * Pulls an image from its registry (throws `ImageNotFoundError` when it cannot).
   * @example
   * ```ts
   * await docker.pullImage('postgres:16');
   * ```
   */
  pullImage(image: string, options?: { readonly signal?: AbortSignal | undefined }): Promise<void>;
  /**
   * Settles once the container has stopped for good (exited, no restart coming) with its exit
   * code: the engine's `wait` long-poll (`condition=not-running`), sent anew when a restart
   * policy restarts the container, each poll held at most 30 s. Rejects with the signal's reason
   * when `signal` aborts. The engine wakes on it, so a one-shot job's dependants start as soon as
   * it completes.
   *
   * @example
   * ```ts
   * const code = await docker.waitContainer(id, { signal: AbortSignal.timeout(60_000) });
   * ```
   */
  waitContainer(id: string, options?: { readonly signal?: AbortSignal | undefined }): Promise<number | undefined>;
  /** Freezes every process of the container (`docker pause`). */
  pauseContainer(id: string): Promise<void>;
  /** Resumes a paused container (`docker unpause`). */
  unpauseContainer(id: string): Promise<void>;
  /** Checks that an engine answers; throws a `DockerDaemonUnreachableError` when none does. */
  version(): Promise<EngineVersion>;
  /** Closes pooled connections (never touches containers). Always present on this runtime. */
  close(): Promise<void>;
}
