import type { PlanContext } from '../plan/make-plan.js';
import type { ContainerInfo } from '../runtime/types.js';
import type { NetworkSpec, VolumeSpec } from '../spec/types.js';
import { emit, type EngineEnv } from './env.js';
import type { Redactor } from './redact.js';

const DEFAULT_NETWORK: NetworkSpec = { driver: 'bridge', driver_opts: {}, labels: {}, external: false };
const DEFAULT_VOLUME: VolumeSpec = { driver: 'local', driver_opts: {}, labels: {}, external: false };

/** @internal What a run created or touched, for rollback. */
export interface RunRecord {
  readonly createdContainers: Map<string, ContainerInfo>;
  /** Names this run tried to create (to catch a container a failed create left behind). */
  readonly attemptedNames: Set<string>;
  /** Pre-existing containers this run started (stopped again on rollback). */
  readonly startedExisting: Map<string, ContainerInfo>;
  readonly createdNetworks: { name: string; runtimeName: string }[];
  readonly createdVolumes: { name: string; runtimeName: string }[];
}

/** @internal Creates the networks and volumes the plan says are missing; true when it created any. */
export async function ensureResources(env: EngineEnv, ctx: PlanContext, record: RunRecord): Promise<boolean> {
  const { spec, plan } = ctx;
  const networks = plan.networks.filter((n) => n.action === 'create');
  const volumes = plan.volumes.filter((v) => v.action === 'create');
  await Promise.all([
    ...networks.map(async (n) => {
      emit(env, { type: 'network.creating', name: n.name, runtimeName: n.runtimeName });
      const result = await env.runtime.ensureNetwork({ project: spec.name, name: n.name, runtimeName: n.runtimeName, spec: spec.networks[n.name] ?? DEFAULT_NETWORK });
      if (result.created) record.createdNetworks.push({ name: n.name, runtimeName: n.runtimeName });
      emit(env, { type: 'network.created', name: n.name, runtimeName: n.runtimeName });
    }),
    ...volumes.map(async (v) => {
      emit(env, { type: 'volume.creating', name: v.name, runtimeName: v.runtimeName });
      const result = await env.runtime.ensureVolume({ project: spec.name, name: v.name, runtimeName: v.runtimeName, spec: spec.volumes[v.name] ?? DEFAULT_VOLUME });
      if (result.created) record.createdVolumes.push({ name: v.name, runtimeName: v.runtimeName });
      emit(env, { type: 'volume.created', name: v.name, runtimeName: v.runtimeName });
    }),
  ]);
  return networks.length + volumes.length > 0;
}

/** @internal Emits `log` events for a container's output until `signal` aborts (best effort). */
export function followLogEvents(env: EngineEnv, service: string, info: ContainerInfo, signal: AbortSignal, redact: Redactor): void {
  if (!env.runtime.capabilities.has('logs.follow')) return;
  void (async () => {
    try {
      for await (const line of env.runtime.logs(info.id, { follow: true, signal })) {
        emit(env, { type: 'log', service, replica: info.replica, stream: line.stream, text: redact(line.text) });
      }
    } catch {
      // Log following is best effort.
    }
  })();
}
