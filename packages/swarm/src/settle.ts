import type { SwarmTask } from './mapping/swarm-types.js';

/** Task states after which a task runs no more. @internal */
export const TERMINAL_STATES: ReadonlySet<string> = new Set(['complete', 'failed', 'shutdown', 'rejected', 'orphaned', 'remove']);

/** What a deploy's wait knows at one tick about the tasks of the new spec that should run. @internal */
export interface SettleInput {
  /** The service's tasks of the new spec whose desired state is running. */
  readonly tasks: readonly SwarmTask[];
  readonly hasCheck: boolean;
  readonly now: number;
  /** How long a task without a healthcheck must have been running. */
  readonly stableMs: number;
}

/**
 * The tasks that count as up. With a healthcheck: those Swarm reports `running`, which it does
 * only once Docker called the container healthy. Not sooner, though a container of this node may
 * pass its healthcheck earlier: until Swarm says `running`, the task's published host ports are
 * not in its status and its address is not in the service's DNS on the overlay network, so a
 * stack reported up would not answer by name (seen: a client on the network lost a request, `ps`
 * had no port). Without a healthcheck: running for `stableMs` (a command that exits at once is
 * seen running for a moment, as `docker service create` knows). @internal
 */
export function settle(input: SettleInput): SwarmTask[] {
  const running = input.tasks.filter((t) => t.Status.State === 'running');
  if (input.hasCheck) return running;
  return running.filter((t) => input.now - Date.parse(t.Status.Timestamp ?? '') >= input.stableMs);
}
