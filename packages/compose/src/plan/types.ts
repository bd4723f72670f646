import type { ContainerInfo, ResourceInfo } from '../runtime/types.js';
import type { DurationString, ServiceSpec } from '../spec/types.js';

/**
 * What the engine will do to a service.
 *
 * @example
 * ```ts
 * const changed = plan.services.filter((s) => s.action !== 'unchanged');
 * ```
 */
export type PlanAction = 'create' | 'recreate' | 'scale' | 'start' | 'remove' | 'unchanged';

/**
 * What the engine will do to one replica (container) of a service.
 *
 * @example
 * ```ts
 * plan.services[0].replicas.map((r) => `${r.replica}: ${r.action}`); // ['1: unchanged', '2: create']
 * ```
 */
export type ReplicaAction = 'create' | 'recreate' | 'start' | 'remove' | 'unchanged';

/**
 * One replica's part of a {@link ServicePlan}.
 *
 * @example
 * ```ts
 * const { replica, action, reasons } = plan.services[0].replicas[0];
 * ```
 */
export interface ReplicaPlan {
  /** 1-based replica number. */
  readonly replica: number;
  readonly action: ReplicaAction;
  /** The existing container (absent for `create`). */
  readonly containerId?: string | undefined;
  readonly reasons: readonly string[];
}

/**
 * The plan for one service.
 *
 * @example
 * ```ts
 * const api = plan.services.find((s) => s.name === 'api'); // api.reasons: ['environment.API_URL changed']
 * ```
 */
export interface ServicePlan {
  readonly kind: 'service';
  readonly name: string;
  readonly action: PlanAction;
  /** Why, e.g. `environment.API_URL changed`, `image changed`, `orphan`, `replicas 1 → 3`. Never a secret value. */
  readonly reasons: readonly string[];
  /** The desired config hash (empty for an orphan). */
  readonly configHash: string;
  /** Containers found for the service. */
  readonly currentReplicas: number;
  /** Containers wanted (0 for an orphan). */
  readonly desiredReplicas: number;
  readonly replicas: readonly ReplicaPlan[];
  /** True for a service that is running but no longer in the project. */
  readonly orphan: boolean;
  /**
   * Present when the engine replaces the recreated replicas as a rolling update (a service with
   * several replicas, or one with `deploy.update_config`, whose `deploy.strategy` is not
   * `recreate`): a batch at a time, each gated on readiness.
   */
  readonly rollout?: RolloutPlan | undefined;
}

/**
 * How the engine rolls a changed service: what `deploy.update_config` says, resolved.
 *
 * @example
 * ```ts
 * const web = plan.services.find((s) => s.name === 'web');
 * web?.rollout; // { order: 'start-first', parallelism: 1, batches: 3, replicas: 3, delay: '0s', monitor: '0s', failureAction: 'rollback', maxFailureRatio: 0 }
 * ```
 */
export interface RolloutPlan {
  /** `start-first`: the new replica is ready before the old one stops; `stop-first`: the old one stops first. */
  readonly order: 'start-first' | 'stop-first';
  /** Replicas replaced per batch (`update_config.parallelism`, `0` resolved to all). */
  readonly parallelism: number;
  /** How many batches. */
  readonly batches: number;
  /** How many replicas are replaced. */
  readonly replicas: number;
  /** Wait between two batches. */
  readonly delay: DurationString;
  /** How long each new replica is watched after it is ready; an exit in that window fails the batch. */
  readonly monitor: DurationString;
  /** What a failed batch does: `rollback` (the default without `update_config`), `pause` or `continue`. */
  readonly failureAction: 'rollback' | 'pause' | 'continue';
  /** Share of replaced replicas that may fail before `failureAction` applies. */
  readonly maxFailureRatio: number;
  /** Why the order differs from what `update_config.order` says, e.g. start-first with a fixed host port. */
  readonly note?: string | undefined;
}

/**
 * The plan for one network or volume.
 *
 * @example
 * ```ts
 * for (const n of plan.networks) console.log(n.runtimeName, n.action);
 * ```
 */
export interface ResourcePlan {
  readonly kind: 'network' | 'volume';
  /** Logical name in the project. */
  readonly name: string;
  /** Name on the runtime (`<project>_<name>` unless external). */
  readonly runtimeName: string;
  readonly action: 'create' | 'remove' | 'unchanged';
  readonly reasons: readonly string[];
  readonly external: boolean;
}

/**
 * The difference between what a project declares and what runs: pure data, computed from one
 * observation of the runtime. Execute it with `up`, render it with {@link planToString}.
 *
 * @example
 * ```ts
 * const plan = await project.plan(runtime);
 * if (plan.hasChanges) console.log(planToString(plan));
 * ```
 */
export interface Plan {
  readonly project: string;
  /** Selected services and orphans, sorted by name. */
  readonly services: readonly ServicePlan[];
  readonly networks: readonly ResourcePlan[];
  readonly volumes: readonly ResourcePlan[];
  /** True when executing the plan would change anything. */
  readonly hasChanges: boolean;
  /** How many services / resources per action. */
  readonly summary: Readonly<Record<PlanAction, number>>;
}

/**
 * One service as the project wants it (the input of the diff).
 *
 * @example
 * ```ts
 * const d: DesiredService = { name: 'api', spec, configHash: serviceConfigHash(spec), fields: configFields(spec), replicas: 1 };
 * ```
 */
export interface DesiredService {
  readonly name: string;
  readonly spec: ServiceSpec;
  readonly configHash: string;
  /** Field path → short digest, recorded on the container so that a later plan can name what changed. */
  readonly fields: Readonly<Record<string, string>>;
  readonly replicas: number;
  /**
   * A one-shot job (wait strategy `exit-zero`, or a dependency with
   * `service_completed_successfully`): a container that exited 0 with the same config is done,
   * not stopped, and is left alone.
   */
  readonly oneShot?: boolean | undefined;
}

/**
 * A network or volume as the project wants it.
 *
 * @example
 * ```ts
 * const net: DesiredResource = { name: 'default', runtimeName: 'shop_default', external: false };
 * ```
 */
export interface DesiredResource {
  readonly name: string;
  readonly runtimeName: string;
  readonly external: boolean;
}

/**
 * Everything the project wants for this run (the left side of {@link diffState}).
 *
 * @example
 * ```ts
 * const plan = diffState(desired, observed);
 * ```
 */
export interface DesiredState {
  readonly project: string;
  /** Selected services, in start order. */
  readonly services: readonly DesiredService[];
  /** Services of the project that are not selected this run: neither touched nor orphans. */
  readonly unselected: readonly string[];
  readonly networks: readonly DesiredResource[];
  readonly volumes: readonly DesiredResource[];
  /**
   * The runtime lets the engine replace a changed service's replicas as a rolling update (it
   * declares `field:deploy.update_config`); else they are recreated in place.
   * @default false
   */
  readonly rollingUpdates?: boolean | undefined;
}

/**
 * One observation of the runtime (the right side of {@link diffState}).
 *
 * @example
 * ```ts
 * const observed: ObservedState = { containers: await runtime.listContainers('shop'), networks: [], volumes: [] };
 * ```
 */
export interface ObservedState {
  readonly containers: readonly ContainerInfo[];
  readonly networks: readonly ResourceInfo[];
  readonly volumes: readonly ResourceInfo[];
}

/**
 * Options of the diff.
 *
 * @example
 * ```ts
 * diffState(desired, observed, { forceRecreate: true });
 * ```
 */
export interface DiffOptions {
  /** Recreate every selected service even when unchanged. @default false */
  readonly forceRecreate?: boolean | undefined;
  /** Never recreate: changed services are kept (and started if stopped). @default false */
  readonly noRecreate?: boolean | undefined;
  /** Remove containers of services no longer in the project. @default false */
  readonly removeOrphans?: boolean | undefined;
}
