import { ComposeError } from '@selur/compose';
import { guardFor } from './guard.js';

/**
 * One task that failed (or is stuck), as Swarm reports it.
 *
 * @example
 * ```ts
 * const line = (t: SwarmTaskFailure) => `${t.task} on ${t.node}: ${t.state} ${t.error ?? ''}`;
 * ```
 */
export interface SwarmTaskFailure {
  /** Task id. */
  readonly task: string;
  /** 1-based slot (replicated services); absent for a global service. */
  readonly slot?: number | undefined;
  /** The node's host name (its id when the name is unknown). */
  readonly node: string;
  /** Task state: `failed`, `rejected`, `shutdown`, `starting`… */
  readonly state: string;
  /** Swarm's error for the task (`task: non-zero exit (1)`, `No such image: …`). */
  readonly error?: string | undefined;
  /** Container health when it has a healthcheck (`unhealthy`, `starting`). */
  readonly health?: string | undefined;
  /** The last lines of the task's output (at most 20). */
  readonly logs: readonly string[];
}

/**
 * A service did not reach its desired tasks running (and healthy) in time, its tasks failed, or
 * its update was paused or rolled back by Swarm (`update_config.failure_action`). Carries each
 * failed task: its error, its node and its last log lines. `up` rejects with the engine's
 * `ServiceStartError`, whose `cause` this is.
 *
 * @example
 * ```ts
 * try { await project.up({ runtime: swarmRuntime() }); }
 * catch (error) {
 *   const cause = (error as Error).cause;
 *   if (isSwarmDeployError(cause)) for (const t of cause.tasks) console.error(t.node, t.error, t.logs.join('\n'));
 * }
 * ```
 */
export class SwarmDeployError extends ComposeError {
  override readonly name = 'SwarmDeployError';
  /** The Swarm service's name (`<project>_<service>`). */
  readonly swarmService: string;
  /** `timeout`, `failed` (tasks failed), `rolled-back` or `paused` (the update). */
  readonly reason: 'timeout' | 'failed' | 'rolled-back' | 'paused';
  readonly tasks: readonly SwarmTaskFailure[];

  constructor(service: string, swarmService: string, reason: SwarmDeployError['reason'], detail: string, tasks: readonly SwarmTaskFailure[]) {
    const first = tasks[0];
    const where = first ? `; task ${first.task.slice(0, 12)} on ${first.node}: ${first.state}${first.error ? ` (${first.error})` : ''}` : '';
    super(`Swarm service '${swarmService}' did not converge (${reason}): ${detail}${where}`, { code: 'E_SWARM_DEPLOY', service });
    this.swarmService = swarmService;
    this.reason = reason;
    this.tasks = tasks;
  }
}

/**
 * True for a {@link SwarmDeployError}.
 *
 * Matches by `code`, so it also works when two copies of the package are loaded (ESM and CJS),
 * where `instanceof` fails.
 *
 * @example
 * ```ts
 * try { await project.up({ runtime: swarmRuntime() }); }
 * catch (error) { const cause = (error as Error).cause; if (isSwarmDeployError(cause)) console.error(cause.code, cause.reason, cause.message); }
 * ```
 */
export const isSwarmDeployError = guardFor<SwarmDeployError>('E_SWARM_DEPLOY');
