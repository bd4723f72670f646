import type { ContainerInfo, LogLine, LogOptions, Project, Runtime } from '@selur/compose';

/**
 * Options of {@link swarmRuntime}.
 *
 * @example
 * ```ts
 * const swarm = swarmRuntime({ host: 'unix:///var/run/docker.sock', convergeTimeoutMs: 120_000 });
 * ```
 */
export interface SwarmRuntimeOptions {
  /**
   * The engine of a Swarm manager: `unix:///var/run/docker.sock`, `tcp://127.0.0.1:2375` or a socket path.
   * @default the `DOCKER_HOST` environment variable, else `/var/run/docker.sock`
   */
  readonly host?: string | undefined;
  /** Engine API version to speak. @default negotiated (at most 1.41) */
  readonly apiVersion?: string | undefined;
  /** The address reported for published ports (Swarm publishes on every address of a node). @default '127.0.0.1' */
  readonly publishHost?: string | undefined;
  /** How long `up` waits for each service to converge (tasks running and healthy, update completed). @default 300_000 */
  readonly convergeTimeoutMs?: number | undefined;
  /** How often `up` reads the tasks while it waits. @default 500 */
  readonly pollIntervalMs?: number | undefined;
  /**
   * Failed tasks of the new spec tolerated while a service converges (Swarm replaces them under
   * its restart policy) before `up` gives up. A service whose `restart_policy.condition` is
   * `none` fails at its first failed task.
   * @default 3
   */
  readonly maxTaskFailures?: number | undefined;
  /**
   * How long a task of a service without a healthcheck must have been running before `up` counts
   * it (a command that exits at once is seen running for a moment).
   * @default 3000
   */
  readonly stableMs?: number | undefined;
  /** Where `environment`-sourced secrets and configs are read from. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>> | undefined;
}

/**
 * Options of {@link SwarmRuntime.up}.
 *
 * @example
 * ```ts
 * await swarm.up(project, { signal: AbortSignal.timeout(600_000), removeOrphans: false });
 * ```
 */
export interface SwarmUpOptions {
  /** Wait for every changed service to converge. @default true */
  readonly wait?: boolean | undefined;
  /** Remove the project's services that it no longer declares. @default true */
  readonly removeOrphans?: boolean | undefined;
  /** Stops waiting (what was sent to the swarm stays). */
  readonly signal?: AbortSignal | undefined;
}

/**
 * What `up` did to one service.
 *
 * @example
 * ```ts
 * const changed = result.services.filter((s: SwarmServiceResult) => s.action !== 'unchanged');
 * ```
 */
export interface SwarmServiceResult {
  /** The compose service. */
  readonly service: string;
  /** The Swarm service (`<project>_<service>`). */
  readonly swarmService: string;
  /** `create`d, `update`d (new config: Swarm's rolling update), `scale`d, or `unchanged`. */
  readonly action: 'create' | 'update' | 'scale' | 'unchanged';
  readonly configHash: string;
}

/**
 * What {@link SwarmRuntime.up} did.
 *
 * @example
 * ```ts
 * const { services, removedSecrets } = await swarm.up(project);
 * ```
 */
export interface SwarmUpResult {
  readonly services: readonly SwarmServiceResult[];
  /** Services of the project it no longer declares, removed. */
  readonly removedServices: readonly string[];
  /** Versioned secrets and configs no service uses any more, removed. */
  readonly removedSecrets: readonly string[];
  readonly removedConfigs: readonly string[];
}

/**
 * Options of {@link SwarmRuntime.down}.
 *
 * @example
 * ```ts
 * await swarm.down('shop', { volumes: true });
 * ```
 */
export interface SwarmDownOptions {
  /** Also remove the project's named volumes on this node. @default false */
  readonly volumes?: boolean | undefined;
}

/**
 * What {@link SwarmRuntime.down} removed (names).
 *
 * @example
 * ```ts
 * const { services, networks } = await swarm.down('shop');
 * ```
 */
export interface SwarmDownResult {
  readonly services: readonly string[];
  readonly networks: readonly string[];
  readonly secrets: readonly string[];
  readonly configs: readonly string[];
  readonly volumes: readonly string[];
}

/**
 * A runtime on Docker Swarm. Swarm runs services, not containers: a project is deployed whole
 * with {@link SwarmRuntime.up} (a Swarm service per compose service; a changed one goes through
 * Swarm's own rolling update) and removed with {@link SwarmRuntime.down}. Of the container-level
 * `Runtime` port it implements what maps: tasks listed and inspected as containers, their logs,
 * exec and healthchecks (tasks on this node), overlay networks, volumes; creating, starting,
 * stopping and removing single containers throw `UnsupportedOperationError`.
 *
 * @example
 * ```ts
 * const swarm = swarmRuntime();
 * await swarm.up(project);
 * for (const task of await swarm.ps(project.name)) console.log(task.name, task.state, task.health);
 * await swarm.down(project.name);
 * ```
 */
export interface SwarmRuntime extends Runtime {
  readonly name: 'swarm';
  /** The engine address in use. */
  readonly host: string;
  /** Deploys the project: networks, versioned secrets and configs, a service per compose service; waits for them to converge. */
  up(project: Project, options?: SwarmUpOptions): Promise<SwarmUpResult>;
  /** Removes the project's services, then its networks, secrets and configs (volumes with `volumes: true`). */
  down(project: string, options?: SwarmDownOptions): Promise<SwarmDownResult>;
  /** The project's current tasks (desired state running), as containers. */
  ps(project: string): Promise<readonly ContainerInfo[]>;
  /** A service's logs: every task's output, merged by Swarm. */
  serviceLogs(project: string, service: string, options?: LogOptions): AsyncIterable<LogLine>;
  /** Closes pooled connections. */
  close(): Promise<void>;
}
