import type { WaitStrategy } from '../model/wait.js';
import type { RolloutPlan } from '../plan/types.js';
import type { ContainerInfo } from '../runtime/types.js';
import { durationOr } from '../spec/duration.js';
import type { HealthcheckSpec, ProjectSpec } from '../spec/types.js';
import { ERROR_LOG_LINES, lastLogLines } from './diagnostics.js';
import { emit, type EngineEnv } from './env.js';
import { EngineFailure, RunCancelled } from './failure.js';
import { inspectSettled } from './liveness.js';
import { waitContainerReady, type ReadinessContext } from './readiness.js';
import type { Redactor } from './redact.js';
import { containerName } from './requests.js';
import { teardownContainers } from './teardown.js';

const RUNNING: ReadonlySet<string> = new Set(['running', 'restarting']);

/** How often a new replica is inspected during its `monitor` window (ms). */
const MONITOR_INSPECT_MS = 50;

/** @internal One replica to replace: its number and the container that runs the old version. */
export interface RolloutTarget {
  readonly replica: number;
  readonly old: ContainerInfo;
}

/** @internal What a rollout needs from the converge that runs it. */
export interface RolloutContext {
  readonly env: EngineEnv;
  readonly spec: ProjectSpec;
  readonly service: string;
  readonly configHash: string;
  readonly rollout: RolloutPlan;
  /** Readiness of the service's replicas (the run's signal, clock, polling and redaction). */
  readonly readiness: ReadinessContext;
  readonly strategy: WaitStrategy | undefined;
  readonly healthcheck: HealthcheckSpec | undefined;
  readonly redact: Redactor;
  /** Every container name the project holds: a new replica must not take an old one's. */
  readonly usedNames: Set<string>;
  /** Creates the new version of a replica under `name` (recorded as created by this run). */
  create(replica: number, name: string): Promise<ContainerInfo>;
  /** Starts a container through the run's queue (events, log following). */
  start(container: ContainerInfo): Promise<ContainerInfo>;
  /** The container is no longer this run's to roll back: removed already, or kept by a paused rollout. */
  forget(container: ContainerInfo): void;
}

/** A failure of one replica of a batch. */
class ReplicaFailure extends Error {
  readonly replica: number;
  readonly failure: EngineFailure;
  readonly container: ContainerInfo | undefined;
  constructor(replica: number, failure: EngineFailure, container: ContainerInfo | undefined) {
    super(failure.reason);
    this.replica = replica;
    this.failure = failure;
    this.container = container;
  }
}

interface Entry {
  readonly replica: number;
  readonly old: ContainerInfo;
  fresh?: ContainerInfo | undefined;
  /** The old container was stopped by this rollout (it must be started again to restore it). */
  oldStopped: boolean;
}

/** A name for the new version of a replica that no container of the project holds. */
function freshName(ctx: RolloutContext, replica: number): string {
  const canonical = containerName(ctx.spec.name, ctx.service, replica);
  let name = ctx.usedNames.has(canonical) ? `${canonical}-${ctx.configHash.slice(0, 8)}` : canonical;
  for (let n = 2; ctx.usedNames.has(name); n++) name = `${canonical}-${ctx.configHash.slice(0, 8)}-${n}`;
  ctx.usedNames.add(name);
  return name;
}

function asFailure(service: string, error: unknown): EngineFailure {
  if (error instanceof EngineFailure) return error;
  return new EngineFailure('start', { service, reason: error instanceof Error ? error.message : String(error), cause: error });
}

async function sleep(ctx: RolloutContext, ms: number): Promise<void> {
  try {
    await ctx.readiness.clock.sleep(ms, ctx.readiness.signal);
  } catch {
    throw new RunCancelled();
  }
}

/** Watches a ready new replica for `ms`: an exit or a restart in that window fails it. */
async function monitor(ctx: ReadinessContext, container: ContainerInfo, ms: number): Promise<void> {
  const until = ctx.clock.now() + ms;
  const restarts = container.restartCount ?? 0;
  for (;;) {
    if (ctx.signal.aborted) throw new RunCancelled();
    // settled: an exit whose code the runtime has not recorded yet is read again for it
    const info = await inspectSettled(ctx, container.id);
    if (info.state === 'exited' || info.state === 'dead' || (info.restartCount ?? 0) > restarts) {
      const how = info.state === 'exited' || info.state === 'dead' ? `exited with code ${info.exitCode ?? '?'}` : 'was restarted by the runtime';
      throw new EngineFailure('exited', { service: ctx.service, reason: `${how} while monitored after it was ready`, exitCode: info.exitCode });
    }
    const left = until - ctx.clock.now();
    if (left <= 0) return;
    try {
      await ctx.clock.sleep(Math.min(MONITOR_INSPECT_MS, left), ctx.signal);
    } catch {
      throw new RunCancelled();
    }
  }
}

/** Stops old containers, keeping them: a rollback starts them again, a completed rollout removes them. */
async function stopOld(ctx: RolloutContext, entries: readonly Entry[]): Promise<void> {
  // Only what ran is started again by a restore: an old replica found stopped stays stopped.
  for (const e of entries) e.oldStopped = RUNNING.has(e.old.state);
  await teardownContainers(ctx.env, entries.map((e) => e.old), ctx.spec, undefined, { remove: false });
}

/** The old containers of replaced replicas, as stopped (removing them does not stop them again). */
function stopped(entries: readonly Entry[]): ContainerInfo[] {
  return entries.map((e) => ({ ...e.old, state: 'exited' }));
}

/**
 * Puts the old version of some replicas back: removes their new containers, starts the old ones
 * and, unless the run is cancelled, waits until they are ready again. Best effort: a restore
 * that fails leaves the rest to the error being reported.
 */
async function restore(ctx: RolloutContext, entries: readonly Entry[]): Promise<ContainerInfo[]> {
  const fresh = entries.flatMap((e) => (e.fresh ? [e.fresh] : []));
  await teardownContainers(ctx.env, fresh, ctx.spec, undefined, { remove: true }).catch(() => 0);
  for (const c of fresh) ctx.forget(c);
  return Promise.all(
    entries.map(async (e) => {
      e.fresh = undefined;
      if (!e.oldStopped) return e.old;
      emit(ctx.env, { type: 'service.starting', service: ctx.service, replica: e.replica, containerId: e.old.id });
      const info = await ctx.env.runtime.startContainer(e.old.id).catch(() => e.old);
      e.oldStopped = false;
      emit(ctx.env, { type: 'service.started', service: ctx.service, replica: e.replica, containerId: info.id });
      if (!ctx.readiness.signal.aborted) await waitContainerReady(ctx.readiness, info, ctx.strategy, ctx.healthcheck).catch(() => undefined);
      return info;
    }),
  );
}

/**
 * Replaces one batch. start-first: the new replicas are created, started and ready (and stay
 * up through `monitor`) before the old ones stop; stop-first: the old ones stop first. Throws
 * {@link ReplicaFailure} naming the replica that failed, or {@link RunCancelled}.
 */
async function replaceBatch(ctx: RolloutContext, entries: Entry[]): Promise<void> {
  const { rollout } = ctx;
  const local = new AbortController();
  const onAbort = () => local.abort();
  ctx.readiness.signal.addEventListener('abort', onAbort, { once: true });
  const readiness: ReadinessContext = { ...ctx.readiness, signal: local.signal };
  const monitorMs = durationOr(rollout.monitor, 0);
  try {
    if (rollout.order === 'stop-first') await stopOld(ctx, entries);
    const each = entries.map(async (e) => {
      try {
        const created = await ctx.create(e.replica, freshName(ctx, e.replica));
        e.fresh = created;
        e.fresh = await ctx.start(created);
        await waitContainerReady(readiness, e.fresh, ctx.strategy, ctx.healthcheck);
        if (monitorMs > 0) await monitor(readiness, e.fresh, monitorMs);
      } catch (error) {
        if (error instanceof RunCancelled || ctx.readiness.signal.aborted) throw new RunCancelled();
        throw new ReplicaFailure(e.replica, asFailure(ctx.service, error), e.fresh);
      }
    });
    const settled = await Promise.allSettled(
      each.map((p) =>
        p.catch((error: unknown) => {
          local.abort(); // the first failure stops the batch's other checks
          throw error;
        }),
      ),
    );
    const failures = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as unknown] : []));
    const first = failures.find((f) => f instanceof ReplicaFailure) ?? failures[0];
    if (first !== undefined) throw first;
    if (rollout.order === 'start-first') await stopOld(ctx, entries);
  } finally {
    ctx.readiness.signal.removeEventListener('abort', onAbort);
  }
}

/**
 * @internal Rolls a changed service out a batch at a time, as its {@link RolloutPlan} says, and
 * returns the containers its replicas end up with. The old containers are only stopped while
 * the rollout runs, so that a rollback brings back exactly what ran (its config, its name); a
 * completed rollout removes them. A failed batch is undone at once (its new containers removed,
 * its old ones started); then `rollback` undoes the batches already replaced too, `pause` keeps
 * them, and both throw an {@link EngineFailure} of kind `rollout`; `continue` (or a failure
 * within `maxFailureRatio`) keeps going. A cancelled run undoes every batch before it rethrows.
 */
export async function rollOut(ctx: RolloutContext, targets: readonly RolloutTarget[]): Promise<ContainerInfo[]> {
  const { rollout, env, service } = ctx;
  const size = Math.max(1, rollout.parallelism);
  const batches: Entry[][] = [];
  const sorted = [...targets].sort((a, b) => a.replica - b.replica);
  for (let i = 0; i < sorted.length; i += size) batches.push(sorted.slice(i, i + size).map((t) => ({ replica: t.replica, old: t.old, oldStopped: false })));
  const total = sorted.length;
  emit(env, { type: 'rollout.started', service, replicas: total, batches: batches.length, parallelism: size, order: rollout.order, failureAction: rollout.failureAction });
  const delayMs = durationOr(rollout.delay, 0);
  const done: Entry[] = [];
  /** Replicas left on the old version after a tolerated failure. */
  const kept: ContainerInfo[] = [];
  let failed = 0;
  for (let i = 0; i < batches.length; i++) {
    const batch = batches[i] as Entry[];
    if (i > 0 && delayMs > 0) {
      try {
        await sleep(ctx, delayMs);
      } catch (error) {
        await restore(ctx, done);
        throw error;
      }
    }
    for (const e of batch) emit(env, { type: 'service.recreating', service, replica: e.replica, containerId: e.old.id, reasons: [`rolling update, batch ${i + 1}/${batches.length}`] });
    try {
      await replaceBatch(ctx, batch);
    } catch (error) {
      if (!(error instanceof ReplicaFailure)) {
        // Cancelled (another service failed, or an abort): the run ends, this service goes back to what ran.
        await restore(ctx, [...done, ...batch]);
        throw error;
      }
      const logs = error.container ? await lastLogLines(env.runtime, [error.container], ERROR_LOG_LINES, ctx.redact) : [];
      kept.push(...(await restore(ctx, batch)));
      failed += batch.length;
      const tolerated = failed / total <= rollout.maxFailureRatio;
      if (tolerated || rollout.failureAction === 'continue') {
        emit(env, { type: 'warning', code: 'rollout-batch-failed', service, message: `${service}: replica ${error.replica} of batch ${i + 1}/${batches.length} failed (${error.failure.reason}); it keeps the old version and the rolling update goes on` });
        emit(env, { type: 'rollout.batch', service, batch: i + 1, batches: batches.length, replaced: done.length, total, failed });
        continue;
      }
      emit(env, { type: 'rollout.failed', service, batch: i + 1, replica: error.replica, reason: error.failure.reason, failureAction: rollout.failureAction });
      let replaced = done.length;
      if (rollout.failureAction === 'rollback') {
        await restore(ctx, done);
        replaced = 0;
        emit(env, { type: 'rollout.rolledBack', service, restored: done.length + batch.length });
      } else {
        // pause: the replaced batches keep the new version; the run's own rollback leaves them be.
        await teardownContainers(env, stopped(done), ctx.spec, undefined, { remove: true }).catch(() => 0);
        for (const e of done) if (e.fresh) ctx.forget(e.fresh);
      }
      throw new EngineFailure('rollout', {
        service,
        reason: error.failure.reason,
        exitCode: error.failure.exitCode,
        healthOutput: error.failure.healthOutput,
        logs,
        rollout: { batch: i + 1, batches: batches.length, replica: error.replica, failureAction: rollout.failureAction, replaced, rolledBack: rollout.failureAction === 'rollback' },
        cause: error.failure,
      });
    }
    done.push(...batch);
    emit(env, { type: 'rollout.batch', service, batch: i + 1, batches: batches.length, replaced: done.length, total, failed });
  }
  await teardownContainers(env, stopped(done), ctx.spec, undefined, { remove: true });
  emit(env, { type: 'rollout.completed', service, replaced: done.length, failed });
  return [...done.flatMap((e) => (e.fresh ? [e.fresh] : [])), ...kept];
}
