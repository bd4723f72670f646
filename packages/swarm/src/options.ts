import type { ContainerInfo, ProjectSummary, Runtime, ServiceRequest } from '@selur/compose';

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
  /** How long a deploy waits for each service to converge (tasks running and healthy, update completed). @default 300_000 */
  readonly convergeTimeoutMs?: number | undefined;
  /**
   * How often a deploy reads the project (its services and their tasks: one read for all
   * the services being deployed) while it waits. @default 500
   */
  readonly pollIntervalMs?: number | undefined;
  /**
   * Failed tasks of the new spec tolerated while a service converges (Swarm replaces them under
   * its restart policy) before a deploy gives up. A service whose `restart_policy.condition` is
   * `none` fails at its first failed task.
   * @default 3
   */
  readonly maxTaskFailures?: number | undefined;
  /**
   * How long a task of a service without a healthcheck must have been running before a deploy counts
   * it (a command that exits at once is seen running for a moment).
   * @default 3000
   */
  readonly stableMs?: number | undefined;
}

/**
 * A runtime on Docker Swarm, for the engine to drive (`project.up({ runtime })`, `stack.down()`,
 * `ps`, `logs`, `exec`, `scale`). Swarm runs services, not containers: the engine hands it each
 * changed compose service whole ({@link SwarmRuntime.deployService}: a Swarm service, updated by
 * Swarm's own rolling update and rollback), and a service's tasks are its containers; stopping
 * or removing one of them stops or removes the service. Created directly, a container is a
 * Swarm service of its own, held at 0 replicas until started (what the container lifecycle of
 * the `Runtime` port asks).
 *
 * @example
 * ```ts
 * const stack = await project.up({ runtime: swarmRuntime() });
 * for (const task of await stack.ps()) console.log(task.name, task.state, task.health);
 * await stack.down();
 * ```
 */
export interface SwarmRuntime extends Runtime {
  readonly name: 'swarm';
  /** The engine address in use. */
  readonly host: string;
  /**
   * Creates, updates (Swarm's rolling update: `update_config` and `rollback_config` apply) or
   * scales the Swarm service `<project>_<service>`, then waits until its tasks run (healthy
   * where it has a healthcheck) and Swarm's update completed; rejects with a
   * `SwarmDeployError` (the tasks' errors, nodes, last log lines) when they do not, or when
   * Swarm rolled the update back.
   */
  deployService(request: ServiceRequest, options?: { readonly signal?: AbortSignal | undefined }): Promise<readonly ContainerInfo[]>;
  /**
   * Every project with services on the swarm (services carrying this SDK's project label), its
   * tasks counted by state as `listContainers` reports them, sorted by name.
   *
   * @example
   * ```ts
   * for (const p of await runtime.listProjects()) console.log(p.name, p.states.running ?? 0);
   * ```
   */
  listProjects(): Promise<readonly ProjectSummary[]>;
  /** Closes pooled connections. */
  close(): Promise<void>;
}
