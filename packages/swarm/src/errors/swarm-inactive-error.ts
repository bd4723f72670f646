import { ComposeError } from '@selur/compose';
import { guardFor } from './guard.js';

/**
 * The engine is not a Swarm manager: Swarm mode is off (`docker swarm init` turns it on), or this
 * node is a worker (services are managed on a manager only).
 *
 * @example
 * ```ts
 * try { await project.up({ runtime: swarmRuntime() }); }
 * catch (error) { if (isSwarmInactiveError(error)) console.error(error.nodeState, error.message); }
 * ```
 */
export class SwarmInactiveError extends ComposeError {
  override readonly name = 'SwarmInactiveError';
  /** `inactive`, `pending`, `active`, `error` or `locked`, as the engine reports it. */
  readonly nodeState: string;
  /** True when the node is in a swarm but is not a manager. */
  readonly worker: boolean;

  constructor(host: string, nodeState: string, worker: boolean) {
    super(
      worker
        ? `Swarm: the engine at ${host} is a worker node; services are managed on a manager (point DOCKER_HOST at a manager)`
        : `Swarm: the engine at ${host} is not in Swarm mode (node state '${nodeState}'); run 'docker swarm init' (or join a swarm as a manager)`,
      { code: 'E_SWARM_INACTIVE' },
    );
    this.nodeState = nodeState;
    this.worker = worker;
  }
}

/**
 * True for a {@link SwarmInactiveError}.
 *
 * Matches by `code`, so it also works when two copies of the package are loaded (ESM and CJS),
 * where `instanceof` fails.
 *
 * @example
 * ```ts
 * try { await project.up({ runtime: swarmRuntime() }); }
 * catch (error) { if (isSwarmInactiveError(error)) console.error(error.code, error.message); }
 * ```
 */
export const isSwarmInactiveError = guardFor<SwarmInactiveError>('E_SWARM_INACTIVE');
