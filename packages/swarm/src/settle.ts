import type { SwarmTask } from './mapping/swarm-types.js';

/** Task states after which a task runs no more. @internal */
export const TERMINAL_STATES: ReadonlySet<string> = new Set(['complete', 'failed', 'shutdown', 'rejected', 'orphaned', 'remove']);

/** What a deploy's wait knows at one tick about the tasks of the new spec that should run. @internal */
export interface SettleInput {
  /** The service's tasks of the new spec whose desired state is running. */
  readonly tasks: readonly SwarmTask[];
  /** This node's id. */
  readonly localNode: string;
  readonly hasCheck: boolean;
  /** Task id → its running container on this node (the engine's containers). */
  readonly running: ReadonlyMap<string, string>;
  /** True when Docker calls the container healthy, or our own run of its healthcheck passed. */
  readonly healthy: (containerId: string) => boolean;
  readonly now: number;
  /** How long a task without a healthcheck must have been running. */
  readonly stableMs: number;
}

/**
 * The tasks that count as up, and the containers whose healthcheck is worth running ourselves.
 * With a healthcheck: on this node, a task whose container runs (the engine says so before the
 * swarm's task state does; not one whose task ended meanwhile) and is healthy; on another node,
 * one Swarm reports running (which it does once Docker there called it healthy). Without: one
 * running for `stableMs` (a command that exits at once is seen running for a moment, as
 * `docker service create` knows). @internal
 */
export function settle(input: SettleInput): { readonly settled: SwarmTask[]; readonly toProbe: string[] } {
  const { tasks, localNode, running, healthy } = input;
  if (!input.hasCheck) {
    return { settled: tasks.filter((t) => t.Status.State === 'running' && input.now - Date.parse(t.Status.Timestamp ?? '') >= input.stableMs), toProbe: [] };
  }
  const container = (t: SwarmTask) => (t.NodeID === localNode && !TERMINAL_STATES.has(t.Status.State) ? running.get(t.ID) : undefined);
  const settled = tasks.filter((t) => {
    const c = container(t);
    return c !== undefined ? healthy(c) : t.NodeID !== localNode && t.Status.State === 'running';
  });
  const toProbe = tasks.map(container).filter((c): c is string => c !== undefined && !healthy(c));
  return { settled, toProbe };
}
