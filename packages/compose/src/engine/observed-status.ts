import type { ContainerInfo } from '../runtime/types.js';
import type { StackContainer } from './stack-types.js';

/**
 * @internal The engine's status of a container (see {@link StackContainer.status}). `healthy`
 * says the engine saw the service pass its own readiness probes (in this process, or recorded by
 * the process that ran `up`): a runtime whose own healthcheck has not run yet (Docker says
 * `starting` until its first interval has passed) is not allowed to contradict it. A runtime's
 * `unhealthy` always shows.
 */
export function withStatus(info: ContainerInfo, oneShot: boolean, healthy: boolean): StackContainer {
  const c = healthy && info.state === 'running' && info.health === 'starting' ? { ...info, health: 'healthy' as const } : info;
  const stopped = c.state === 'exited' || c.state === 'dead';
  let status: string = c.state;
  if (stopped) status = c.exitCode === 0 && oneShot ? 'completed (0)' : c.exitCode === undefined ? c.state : `${c.state} (${c.exitCode})`;
  else if (c.state === 'running' && c.health !== 'none') status = `running (${c.health})`;
  return { ...c, health: stopped ? 'none' : c.health, status };
}
