import type { DependencyGraph } from '../graph/dependency-graph.js';
import type { ContainerInfo } from '../runtime/types.js';
import type { ProjectSpec } from '../spec/types.js';
import { durationOr as durationMs } from '../spec/duration.js';
import { emit, type EngineEnv } from './env.js';

/** @internal Options of {@link teardownContainers}. */
export interface TeardownOptions {
  /** Remove after stopping (else only stop). */
  readonly remove: boolean;
  /** Grace period override (ms); else each service's `stop_grace_period`. */
  readonly graceMs?: number | undefined;
  /** When aborted (or already aborted), kill at once instead of waiting for the grace period. */
  readonly forceSignal?: AbortSignal | undefined;
}

function abortPromise(signal: AbortSignal | undefined): Promise<'forced'> {
  return new Promise((resolve) => {
    if (!signal) return;
    if (signal.aborted) return resolve('forced');
    signal.addEventListener('abort', () => resolve('forced'), { once: true });
  });
}

async function stopOne(env: EngineEnv, container: ContainerInfo, spec: ProjectSpec | undefined, options: TeardownOptions): Promise<void> {
  const service = spec?.services[container.service];
  const base = { service: container.service, replica: container.replica, containerId: container.id };
  const forced = options.forceSignal?.aborted === true;
  if (!forced && container.state !== 'exited' && container.state !== 'dead') {
    emit(env, { type: 'service.stopping', ...base });
    const graceMs = options.graceMs ?? durationMs(service?.stop_grace_period, 10_000);
    const stop = env.runtime.stopContainer(container.id, { timeoutMs: graceMs, signal: service?.stop_signal });
    stop.catch(() => undefined);
    const outcome = await Promise.race([stop.then(() => 'stopped' as const), abortPromise(options.forceSignal)]);
    if (outcome === 'forced') {
      // Do not wait for the graceful stop any more: kill (the stop settles on its own).
      if (options.remove) await env.runtime.removeContainer(container.id, { force: true });
      else await env.runtime.stopContainer(container.id, { timeoutMs: 0, signal: 'SIGKILL' });
    }
    emit(env, { type: 'service.stopped', ...base });
  }
  if (options.remove) {
    await env.runtime.removeContainer(container.id, { force: true });
    emit(env, { type: 'service.removed', ...base });
  }
}

/**
 * @internal Stops (and removes) containers in reverse dependency order: a service goes only
 * once every service that depends on it has gone; independent ones go in parallel. Containers
 * of services the graph does not know go first. Returns how many were handled.
 */
export async function teardownContainers(env: EngineEnv, containers: readonly ContainerInfo[], spec: ProjectSpec | undefined, graph: DependencyGraph | undefined, options: TeardownOptions): Promise<number> {
  const byService = new Map<string, ContainerInfo[]>();
  for (const c of containers) byService.set(c.service, [...(byService.get(c.service) ?? []), c]);
  const done = new Map<string, Promise<void>>();
  const errors: unknown[] = [];
  const run = (service: string): Promise<void> => {
    let promise = done.get(service);
    if (promise) return promise;
    const dependants = graph?.has(service) ? graph.dependantsOf(service).filter((d) => byService.has(d)) : [];
    promise = (async () => {
      await Promise.all(dependants.map(run));
      await Promise.all(
        (byService.get(service) ?? []).map((c) =>
          stopOne(env, c, spec, options).catch((error: unknown) => {
            errors.push(error);
          }),
        ),
      );
    })();
    done.set(service, promise);
    return promise;
  };
  await Promise.all([...byService.keys()].map(run));
  if (errors.length > 0) throw errors[0];
  return containers.length;
}

/**
 * @internal Removes networks or volumes in the given order, emitting `network.removed` /
 * `volume.removed` for each; returns how many went. With `bestEffort` a failed removal (a
 * network still in use, say) is skipped, else it is thrown.
 */
export async function removeResources(
  env: EngineEnv,
  kind: 'network' | 'volume',
  resources: readonly { readonly name: string; readonly runtimeName: string }[],
  options: { readonly bestEffort: boolean },
): Promise<number> {
  let removed = 0;
  for (const r of resources) {
    try {
      if (kind === 'network') await env.runtime.removeNetwork(env.project, r.runtimeName);
      else await env.runtime.removeVolume(env.project, r.runtimeName);
    } catch (error) {
      if (options.bestEffort) continue;
      throw error;
    }
    removed++;
    emit(env, { type: kind === 'network' ? 'network.removed' : 'volume.removed', name: r.name, runtimeName: r.runtimeName });
  }
  return removed;
}
