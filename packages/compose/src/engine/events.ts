import type { ComposeError } from '../errors/compose-error.js';
import type { Plan } from '../plan/types.js';
import type { WatchAction } from '../errors/watch-action-error.js';

/**
 * Fields every event has.
 *
 * @example
 * ```ts
 * for await (const e of project.events()) console.log(e.seq, e.time, e.project, e.type);
 * ```
 */
export interface EventBase {
  /** Monotonic per stream (per project object in this process), starting at 1. */
  readonly seq: number;
  /** When it happened. */
  readonly time: Date;
  readonly project: string;
}

/**
 * A network or volume event.
 *
 * @example
 * ```ts
 * if (e.type === 'network.created') console.log(e.runtimeName);
 * ```
 */
export interface ResourceEventFields {
  /** Logical name in the project. */
  readonly name: string;
  /** Name on the runtime. */
  readonly runtimeName: string;
}

/**
 * A replica-level service event.
 *
 * @example
 * ```ts
 * if (e.type === 'service.started') console.log(`${e.service}#${e.replica}`, e.containerId);
 * ```
 */
export interface ReplicaEventFields {
  readonly service: string;
  readonly replica: number;
}

/**
 * What a `watch.sync`, `watch.rebuild` or `watch.restart` event says: the service, the changed
 * host paths that caused it (at most 100) and how many there were (for `watch.sync`: how many
 * files it copied or removed).
 *
 * @example
 * ```ts
 * if (e.type === 'watch.sync') console.log(`${e.service}: ${e.count} file(s)`, e.paths[0]);
 * ```
 */
export interface WatchEventFields {
  readonly service: string;
  readonly paths: readonly string[];
  readonly count: number;
}

/**
 * Everything the engine reports, as one union discriminated on `type`. Delivered through the
 * `onEvent` callback and as async iterables (`project.events()`, `stack.events()`). Never holds
 * a secret value.
 *
 * - `plan`: the plan of a run, before anything changes.
 * - `network.*`, `volume.*`: creating / created (by this run) / removed.
 * - `service.waiting`: waiting for its dependencies' conditions.
 * - `service.recreating` → `service.stopping/stopped/removed` (old) → `service.creating/created`
 *   → `service.starting/started` (per replica).
 * - `service.healthy`: ready — its healthcheck or wait strategy passed (at once when it has
 *   neither; with `completed: true` a one-shot job that exited 0); `service.unhealthy`: it did
 *   not in time.
 * - `service.failed` (with the typed error), `service.skipped` (not started because of a failure
 *   or a cancel).
 * - `service.exited`: after `up()` resolved, a replica stopped on its own (a crash, or a clean
 *   exit nobody asked for), with its exit code and how often the runtime restarted it so far;
 *   `stack.ps()` shows it too. Stops asked through the engine (`stop`, `down`) are not reported.
 * - `log`: a line of output (with `up({ logEvents: true })`), secrets redacted.
 * - `rollout.started` → `rollout.batch` (after each batch: replaced n of m) → `rollout.completed`:
 *   a changed service replaced as a rolling update (see `ServicePlan.rollout`); a failed batch
 *   reports `rollout.failed`, then `rollout.rolledBack` once the old replicas run again.
 * - `up.done`, `down.done`, `rollback.started/finished`.
 * - `watch.started` → (per batch of changes, per service) `watch.sync` (files copied into the
 *   service and removed from it), `watch.rebuild`, `watch.restart`, `watch.exec` → `watch.stopped`:
 *   `stack.watch()` applying the services' `develop.watch` rules; `paths` are the changed host
 *   paths (at most 100), `count` how many there were. A failed action is `watch.failed` (a typed
 *   `WatchActionError`), and watching goes on.
 * - `project.waiting`: another live process holds the project's lock (its `up` or `down` is
 *   running); this run waits for it (`lockTimeout`). Says who: its pid, what it does, since when.
 *
 * @example
 * ```ts
 * await project.up({ onEvent: (e) => { if (e.type === 'service.healthy') console.log(e.service, 'ready'); } });
 * ```
 */
export type ComposeEvent =
  | (EventBase & { readonly type: 'plan'; readonly plan: Plan })
  | (EventBase & ResourceEventFields & { readonly type: 'network.creating' | 'network.created' | 'network.removed' })
  | (EventBase & ResourceEventFields & { readonly type: 'volume.creating' | 'volume.created' | 'volume.removed' })
  | (EventBase & { readonly type: 'service.waiting'; readonly service: string; readonly dependencies: readonly string[] })
  | (EventBase & ReplicaEventFields & { readonly type: 'service.creating' })
  | (EventBase & ReplicaEventFields & { readonly type: 'service.recreating'; readonly containerId: string; readonly reasons: readonly string[] })
  | (EventBase & ReplicaEventFields & { readonly type: 'service.created'; readonly containerId: string })
  | (EventBase & ReplicaEventFields & { readonly type: 'service.starting'; readonly containerId: string })
  | (EventBase & ReplicaEventFields & { readonly type: 'service.started'; readonly containerId: string })
  | (EventBase & {
      readonly type: 'service.healthy';
      readonly service: string;
      /** A one-shot job (a `service_completed_successfully` dependency, or `Wait.exitZero()`): ready because it exited 0. */
      readonly completed?: true | undefined;
    })
  | (EventBase & { readonly type: 'service.unhealthy'; readonly service: string; readonly output: string })
  | (EventBase & { readonly type: 'service.failed'; readonly service: string; readonly error: ComposeError })
  | (EventBase & { readonly type: 'service.skipped'; readonly service: string; readonly reason: string })
  | (EventBase & ReplicaEventFields & { readonly type: 'service.stopping'; readonly containerId: string })
  | (EventBase & ReplicaEventFields & { readonly type: 'service.stopped'; readonly containerId: string })
  | (EventBase & ReplicaEventFields & { readonly type: 'service.removed'; readonly containerId: string })
  | (EventBase & ReplicaEventFields & { readonly type: 'service.exited'; readonly containerId: string; readonly exitCode?: number | undefined; readonly restartCount: number })
  | (EventBase & ReplicaEventFields & { readonly type: 'log'; readonly stream: 'stdout' | 'stderr'; readonly text: string })
  | (EventBase & { readonly type: 'up.done'; readonly services: readonly string[]; readonly changed: boolean; readonly durationMs: number })
  | (EventBase & { readonly type: 'down.done'; readonly removedContainers: number; readonly removedNetworks: number; readonly removedVolumes: number })
  | (EventBase & { readonly type: 'warning'; readonly code: string; readonly message: string; readonly service?: string | undefined; readonly field?: string | undefined })
  | (EventBase & { readonly type: 'rollback.started'; readonly reason: string })
  | (EventBase & { readonly type: 'rollout.started'; readonly service: string; readonly replicas: number; readonly batches: number; readonly parallelism: number; readonly order: 'start-first' | 'stop-first'; readonly failureAction: 'rollback' | 'pause' | 'continue' })
  | (EventBase & { readonly type: 'rollout.batch'; readonly service: string; readonly batch: number; readonly batches: number; readonly replaced: number; readonly total: number; readonly failed: number })
  | (EventBase & { readonly type: 'rollout.completed'; readonly service: string; readonly replaced: number; readonly failed: number })
  | (EventBase & { readonly type: 'rollout.failed'; readonly service: string; readonly batch: number; readonly replica: number; readonly reason: string; readonly failureAction: 'rollback' | 'pause' | 'continue' })
  | (EventBase & { readonly type: 'rollout.rolledBack'; readonly service: string; readonly restored: number })
  | (EventBase & { readonly type: 'project.waiting'; readonly holderPid: number; readonly operation?: string | undefined; readonly heldSince: string })
  | (EventBase & { readonly type: 'watch.started'; readonly services: readonly string[]; readonly paths: readonly string[] })
  | (EventBase & WatchEventFields & { readonly type: 'watch.sync' })
  | (EventBase & WatchEventFields & { readonly type: 'watch.rebuild' })
  | (EventBase & WatchEventFields & { readonly type: 'watch.restart' })
  | (EventBase & { readonly type: 'watch.exec'; readonly service: string; readonly command: readonly string[]; readonly exitCode: number })
  | (EventBase & { readonly type: 'watch.failed'; readonly service: string; readonly action: WatchAction; readonly error: ComposeError })
  | (EventBase & { readonly type: 'watch.stopped' })
  | (EventBase & { readonly type: 'rollback.finished'; readonly removedContainers: number; readonly removedNetworks: number; readonly removedVolumes: number });

/**
 * The `type` of a {@link ComposeEvent}.
 *
 * @example
 * ```ts
 * const wanted: ComposeEventType[] = ['service.healthy', 'service.failed'];
 * ```
 */
export type ComposeEventType = ComposeEvent['type'];

/** Distributes `Omit` over the union so each variant keeps its own fields. */
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/**
 * An event before the hub stamps `seq`, `time` and `project`.
 *
 * @example
 * ```ts
 * const input: ComposeEventInput = { type: 'service.healthy', service: 'api' };
 * ```
 */
export type ComposeEventInput = DistributiveOmit<ComposeEvent, 'seq' | 'time' | 'project'>;

/**
 * A callback receiving every event. Errors it throws are ignored (a sink never breaks the engine).
 *
 * @example
 * ```ts
 * await project.up({ onEvent: (e) => console.log(e.seq, e.type) });
 * ```
 */
export type EventListener = (event: ComposeEvent) => void;
