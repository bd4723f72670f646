import { existsSync } from 'node:fs';
import { CancelledError } from '../errors/cancelled-error.js';
import { removeSources, sourcesDir } from './inline-sources.js';
import { serviceGraph } from '../plan/select.js';
import type { ProjectInput } from '../plan/project-input.js';
import type { ResourceInfo, Runtime } from '../runtime/types.js';
import type { ProjectSpec } from '../spec/types.js';
import type { EngineClock } from './clock.js';
import { emit, type EngineEnv } from './env.js';
import { hubFor } from './event-hub.js';
import { acquireProjectLock } from './lock.js';
import { forgetHealth } from './health-record.js';
import type { DownOptions } from './options.js';
import { removeResources, teardownContainers } from './teardown.js';

/**
 * What `down` removed.
 *
 * @example
 * ```ts
 * const { removedContainers } = await new Project('shop').down();
 * ```
 */
export interface DownResult {
  readonly removedContainers: number;
  readonly removedNetworks: number;
  readonly removedVolumes: number;
}

function specOf(project: ProjectInput): ProjectSpec | undefined {
  try {
    return project.toJSON();
  } catch {
    return undefined;
  }
}

/**
 * A promise started now and awaited later: its rejection is not reported as unhandled meanwhile
 * (it is thrown to whoever awaits it), nor at all when the caller fails before it awaits it.
 */
function settledLater<T>(promise: Promise<T>): () => Promise<T> {
  promise.catch(() => undefined);
  return () => promise;
}

/** The resources the project owns: external ones are never removed. */
function owned<R extends { readonly name: string }>(list: readonly R[], declared: Readonly<Record<string, { readonly external: boolean }>> | undefined): R[] {
  return list.filter((r) => !declared?.[r.name]?.external);
}

/** Networks removed, and those whose removal failed (still in use). */
interface NetworksRemoved {
  readonly removed: readonly ResourceInfo[];
  readonly left: readonly ResourceInfo[];
}

/**
 * Removes networks in order, each at most once; a failure leaves it (best effort). Announces
 * nothing: removed beside the containers' last removals, they are announced after those (the
 * documented order of a down's events: services removed, then networks).
 */
async function removeNetworksQuietly(runtime: Runtime, project: string, list: readonly ResourceInfo[]): Promise<NetworksRemoved> {
  const removed: ResourceInfo[] = [];
  const left: ResourceInfo[] = [];
  for (const network of list) {
    try {
      await runtime.removeNetwork(project, network.runtimeName);
      removed.push(network);
    } catch {
      left.push(network);
    }
  }
  return { removed, left };
}

/**
 * @internal Tears a project down by name: lists what the runtime holds for it (so it works from
 * another process), stops and removes containers dependants first, then networks, then (with
 * `volumes`) volumes. External resources are never removed.
 */
export async function downProject(project: ProjectInput, runtime: Runtime, options: DownOptions & { readonly clock?: EngineClock | undefined; readonly hubKey?: object } = {}): Promise<DownResult> {
  const env: EngineEnv = { project: project.name, runtime, hub: hubFor(options.hubKey ?? project), onEvent: options.onEvent };
  if (options.signal?.aborted) throw new CancelledError({ reason: 'aborted before down started' });
  let lock;
  try {
    lock = await acquireProjectLock(runtime.name, project.name, { timeoutMs: options.lockTimeout, clock: options.clock, signal: options.signal, operation: 'down', onWait: (h) => emit(env, { type: 'project.waiting', holderPid: h.pid, operation: h.operation, heldSince: h.since }) });
  } catch (error) {
    if (options.signal?.aborted) throw new CancelledError({ reason: 'aborted while waiting for the project lock' });
    throw error;
  }
  try {
    const spec = specOf(project);
    const known = new Set(spec ? Object.keys(spec.services) : []);
    const removeOrphans = options.removeOrphans ?? true;
    // The networks and volumes are listed beside the containers, not after their teardown: the
    // lock keeps another run of ours from adding any meanwhile, and the last container's removal
    // is followed by the network's at once, not by a listing first (one round trip less at the end).
    const networkList = runtime.capabilities.has('networks') ? settledLater(runtime.listNetworks(project.name)) : undefined;
    const volumeList = options.volumes && runtime.capabilities.has('volumes') ? settledLater(runtime.listVolumes(project.name)) : undefined;
    // brief: what a stop and a removal take (Docker answers from its listing, no inspection each)
    const containers = (await runtime.listContainers(project.name, { all: true, brief: true })).filter((c) => removeOrphans || known.has(c.service));
    const graph = spec ? serviceGraph(spec) : undefined;
    // A network is removed once every container has stopped, beside the last removals: a stopped
    // container holds no endpoint (Docker removes a network its stopped containers still name),
    // so the last stop is followed by the network's removal, not by the containers' first. One
    // whose early removal failed (a runtime that wants the containers gone) is tried again after.
    let early: Promise<NetworksRemoved> | undefined;
    const onStopped = networkList
      ? () => {
          early = networkList().then((list) => removeNetworksQuietly(runtime, project.name, owned(list, spec?.networks)));
          early.catch(() => undefined); // (awaited below, unless the teardown fails first)
        }
      : undefined;
    const removedContainers = await teardownContainers(env, containers, spec, graph, { remove: true, graceMs: options.timeout, forceSignal: options.forceSignal, onStopped });
    // Networks and volumes depend on nothing of one another: removed side by side, a volume's
    // deletion (the longest step of a `down -v` of a database) does not wait for the networks.
    // A network still in use (by an orphan kept with removeOrphans: false) is left.
    const networks = networkList
      ? (early ?? networkList().then((list): NetworksRemoved => ({ removed: [], left: owned(list, spec?.networks) }))).then(async ({ removed, left }) => {
          for (const r of removed) emit(env, { type: 'network.removed', name: r.name, runtimeName: r.runtimeName });
          return removed.length + (await removeResources(env, 'network', left, { bestEffort: true }));
        })
      : Promise.resolve(0);
    const volumes = volumeList ? volumeList().then((list) => removeResources(env, 'volume', owned(list, spec?.volumes), { bestEffort: false })) : Promise.resolve(0);
    const [networksOutcome, volumesOutcome] = await Promise.allSettled([networks, volumes]);
    if (networksOutcome.status === 'rejected') throw networksOutcome.reason;
    if (volumesOutcome.status === 'rejected') throw volumesOutcome.reason;
    const removedNetworks = networksOutcome.value;
    const removedVolumes = volumesOutcome.value;
    // the inline and environment-sourced secrets and configs `up` wrote, once nothing mounts them
    const sources = sourcesDir(runtime.name, project.name);
    if (existsSync(sources) && (await runtime.listContainers(project.name, { all: true })).length === 0) await removeSources(sources);
    await forgetHealth(runtime.name, project.name);
    emit(env, { type: 'down.done', removedContainers, removedNetworks, removedVolumes });
    return { removedContainers, removedNetworks, removedVolumes };
  } finally {
    await lock.release();
  }
}
