import type { DependencyGraph } from '../graph/dependency-graph.js';
import type { ContainerInfo } from '../runtime/types.js';
import type { ProjectSpec } from '../spec/types.js';
import { durationOr as durationMs } from '../spec/duration.js';
import { emit, type EngineEnv } from './env.js';
import { Slices } from './slices.js';

/** @internal Options of {@link teardownContainers}. */
export interface TeardownOptions {
  /** Remove after stopping (else only stop). */
  readonly remove: boolean;
  /** Grace period override (ms); else each service's `stop_grace_period`. */
  readonly graceMs?: number | undefined;
  /** When aborted (or already aborted), kill at once instead of waiting for the grace period. */
  readonly forceSignal?: AbortSignal | undefined;
  /**
   * Called once every container has stopped without an error, before the last removals end:
   * what needs the containers stopped, not removed (a network), can go meanwhile.
   */
  readonly onStopped?: (() => void) | undefined;
}

function abortPromise(signal: AbortSignal | undefined): Promise<'forced'> {
  return new Promise((resolve) => {
    if (!signal) return;
    if (signal.aborted) return resolve('forced');
    signal.addEventListener('abort', () => resolve('forced'), { once: true });
  });
}

/**
 * Stops one container gracefully (killing it when `forceSignal` aborts); resolves once it is
 * stopped. `onExited` is called when the runtime tells that its process ended before that.
 */
async function stopOne(env: EngineEnv, container: ContainerInfo, spec: ProjectSpec | undefined, options: TeardownOptions, forcedLater: Promise<'forced'>, onExited: () => void): Promise<void> {
  const service = spec?.services[container.service];
  const forced = options.forceSignal?.aborted === true;
  if (forced || container.state === 'exited' || container.state === 'dead') return;
  const base = { service: container.service, replica: container.replica, containerId: container.id };
  emit(env, { type: 'service.stopping', ...base });
  const graceMs = options.graceMs ?? durationMs(service?.stop_grace_period, 10_000);
  const stop = env.runtime.stopContainer(container.id, { timeoutMs: graceMs, signal: service?.stop_signal, onExited });
  stop.catch(() => undefined);
  const outcome = await Promise.race([stop.then(() => 'stopped' as const), forcedLater]);
  if (outcome === 'forced') {
    // Do not wait for the graceful stop any more: kill (the stop settles on its own).
    if (options.remove) await env.runtime.removeContainer(container.id, { force: true });
    else await env.runtime.stopContainer(container.id, { timeoutMs: 0, signal: 'SIGKILL' });
  }
  emit(env, { type: 'service.stopped', ...base });
}

async function removeOne(env: EngineEnv, container: ContainerInfo): Promise<void> {
  await env.runtime.removeContainer(container.id, { force: true });
  emit(env, { type: 'service.removed', service: container.service, replica: container.replica, containerId: container.id });
}

/**
 * @internal Stops (and removes) containers in reverse dependency order: a service stops only
 * once every service that depends on it has stopped; independent ones go in parallel. A
 * stopped container is removed beside the stops that follow (a dependency waits for its
 * dependants to stop, not to be removed), as Docker Compose does. Containers of services the
 * graph does not know go first. Returns how many were handled.
 *
 * A dependant counts as stopped for its dependencies as soon as its process has ended, when the
 * runtime tells that before its stop settles (`StopOptions.onExited`: Docker answers a stop ~130
 * ms after the process ended, once it has cleaned up; a stack of five levels paid that at each
 * level but the last). Its `service.stopped` event and its removal still wait for the stop to settle.
 *
 * The stops (and removals) are started in slices of about 10 ms of this thread (see slices.ts):
 * issued all at once, 1,800 stops of a 2,000-service stack ran ~150 ms with no event, before the
 * first of them could be seen to end.
 */
export async function teardownContainers(env: EngineEnv, containers: readonly ContainerInfo[], spec: ProjectSpec | undefined, graph: DependencyGraph | undefined, options: TeardownOptions): Promise<number> {
  const byService = new Map<string, ContainerInfo[]>();
  for (const c of containers) {
    const list = byService.get(c.service);
    if (list) list.push(c);
    else byService.set(c.service, [c]);
  }
  const stopped = new Map<string, Promise<void>>();
  /** Every stop, until it settled (and its removal, if any, was queued). */
  const settling: Promise<void>[] = [];
  const removals: Promise<void>[] = [];
  const errors: unknown[] = [];
  const failed = (error: unknown): void => void errors.push(error);
  const slices = new Slices();
  // One listener on the force signal for the whole teardown: a listener per container made each
  // addEventListener walk all earlier ones (Node's EventTarget checks for duplicates), quadratic in N.
  const forcedLater = abortPromise(options.forceSignal);
  const stopService = (service: string): Promise<void> => {
    let promise = stopped.get(service);
    if (promise) return promise;
    const dependants = graph?.has(service) ? graph.dependantsOf(service).filter((d) => byService.has(d)) : [];
    promise = (async () => {
      await Promise.all(dependants.map(stopService));
      await Promise.all(
        (byService.get(service) ?? []).map((c) => {
          let exited: () => void = () => undefined;
          const exitedFirst = new Promise<void>((resolve) => (exited = resolve));
          const settled = slices.run(() => stopOne(env, c, spec, options, forcedLater, exited)).then(
            () => void (options.remove && removals.push(slices.run(() => removeOne(env, c)).catch(failed))),
            failed,
          );
          settling.push(settled);
          return Promise.race([exitedFirst, settled]);
        }),
      );
    })();
    stopped.set(service, promise);
    return promise;
  };
  await Promise.all([...byService.keys()].map(stopService));
  await Promise.all(settling);
  if (errors.length === 0) options.onStopped?.();
  await Promise.all(removals);
  if (errors.length > 0) throw errors[0];
  return containers.length;
}

/**
 * @internal Removes networks (in the given order) or volumes (all at once), emitting
 * `network.removed` / `volume.removed` for each; returns how many went. With `bestEffort` a failed removal (a
 * network still in use, say) is skipped, else it is thrown.
 */
export async function removeResources(
  env: EngineEnv,
  kind: 'network' | 'volume',
  resources: readonly { readonly name: string; readonly runtimeName: string }[],
  options: { readonly bestEffort: boolean },
): Promise<number> {
  let removed = 0;
  const removeOne = async (r: (typeof resources)[number]): Promise<void> => {
    if (kind === 'network') await env.runtime.removeNetwork(env.project, r.runtimeName);
    else await env.runtime.removeVolume(env.project, r.runtimeName);
    removed++;
    emit(env, { type: kind === 'network' ? 'network.removed' : 'volume.removed', name: r.name, runtimeName: r.runtimeName });
  };
  if (kind === 'volume') {
    // Volumes depend on nothing of one another: removed together, a data folder's deletion (an
    // `rm -rf` of ~1,000 files for PostgreSQL) no longer waits for another's. Every one is
    // tried; without `bestEffort` the first failure is thrown after.
    const outcomes = await Promise.allSettled(resources.map(removeOne));
    const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
    if (failed && !options.bestEffort) throw failed.reason;
    return removed;
  }
  for (const r of resources) {
    try {
      await removeOne(r);
    } catch (error) {
      if (options.bestEffort) continue;
      throw error;
    }
  }
  return removed;
}
