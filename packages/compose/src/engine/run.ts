import { CancelledError } from '../errors/cancelled-error.js';
import { computePlan } from '../plan/make-plan.js';
import type { ProjectInput } from '../plan/project-input.js';
import { serviceGraph } from '../plan/select.js';
import type { Plan } from '../plan/types.js';
import type { ContainerInfo, Runtime } from '../runtime/types.js';
import { checkCapabilities, checkFields } from './capabilities.js';
import { assertSecretEnvironmentAllowed, devSecretsFromEnv } from '../runtime/secret-environment.js';
import { systemClock } from './clock.js';
import { Converger } from './converge.js';
import { lastLogLines, ERROR_LOG_LINES, publicError } from './diagnostics.js';
import { emit, type EngineEnv } from './env.js';
import type { EventHub } from './event-hub.js';
import { conflictingPort, EngineFailure, portConflictOf, triedHostPorts } from './failure.js';
import { acquireProjectLock } from './lock.js';
import { recordHealth } from './health-record.js';
import { foreignOwner } from './owner.js';
import { ProjectInUseError } from '../errors/project-in-use-error.js';
import type { UpOptions } from './options.js';
import { assertHostPortsFree } from './port-preflight.js';
import { specRedactor } from './redact.js';
import { materialiseSources, sourcesDir, usedSources } from './inline-sources.js';
import { rollbackRun } from './rollback.js';

/**
 * @internal An `up` never adopts services another live process started (two runs of one named
 * file would recreate or tear down each other's services): throws {@link ProjectInUseError}.
 */
function assertNotOwnedElsewhere(project: string, containers: readonly ContainerInfo[]): void {
  const owned = containers.map((c) => ({ c, pid: foreignOwner(c) })).filter((x): x is { c: ContainerInfo; pid: number } => x.pid !== undefined);
  const first = owned[0];
  if (!first) return;
  const services = [...new Set(owned.filter((x) => x.pid === first.pid).map((x) => x.c.service))].sort();
  throw new ProjectInUseError({ project, ownerPid: first.pid, services });
}

/** @internal What a converge run produced. */
export interface RunResult {
  readonly plan: Plan;
  /** The services covered, in start order. */
  readonly services: readonly string[];
  /** Every container of the project after the run. */
  readonly containers: readonly ContainerInfo[];
  /** Services found ready during the run. */
  readonly healthy: ReadonlySet<string>;
}

/**
 * @internal Lock, observe, plan, converge; on failure roll back (or leave) and throw the typed
 * error. Used by `up` and by the stack operations (`scale`, `start`).
 */
export async function runConverge(project: ProjectInput, runtime: Runtime, hub: EventHub, options: UpOptions): Promise<RunResult> {
  const env: EngineEnv = { project: project.name, runtime, hub, onEvent: options.onEvent };
  const clock = options.clock ?? systemClock;
  if (options.signal?.aborted) throw new CancelledError({ reason: 'aborted before up started' });
  runtime.prepare?.();
  let lock;
  try {
    lock = await acquireProjectLock(runtime.name, project.name, {
      timeoutMs: options.lockTimeout,
      signal: options.signal,
      clock,
      operation: 'up',
      onWait: (h) => emit(env, { type: 'project.waiting', holderPid: h.pid, operation: h.operation, heldSince: h.since }),
    });
  } catch (error) {
    if (options.signal?.aborted) throw new CancelledError({ reason: 'aborted while waiting for the project lock' });
    throw error;
  }
  const healthy = new Set<string>();
  const healthyAt = new Map<string, Date>();
  const unlisten = hub.listen((e) => {
    if (e.project !== project.name) return;
    if (e.type === 'service.healthy') {
      healthy.add(e.service);
      healthyAt.set(e.service, e.time);
    } else if (e.type === 'service.unhealthy' || e.type === 'service.recreating' || e.type === 'service.stopping') healthyAt.delete(e.service);
  });
  try {
    const started = clock.now();
    const planned = await computePlan(project, runtime, options);
    checkCapabilities(runtime, planned.desired, project.waitStrategies());
    for (const left of checkFields(runtime, planned.spec, planned.desired, options.unsupported ?? 'error'))
      emit(env, { type: 'warning', code: 'unsupported-field', field: left.field, service: left.where.startsWith('service ') ? left.where.slice(9, -1) : undefined, message: `the ${runtime.name} runtime cannot apply \`${left.field}\` (${left.where}); running without it` });
    // inline and environment-sourced secrets and configs become private files, handed over like any file
    const ctx = { ...planned, spec: await materialiseSources(planned.spec, usedSources(planned.desired), sourcesDir(runtime.name, project.name), project.source.variables ?? ((name) => process.env[name])) };
    const secretsDevMode = options.secretsDevMode ?? devSecretsFromEnv();
    for (const service of ctx.desired.services) assertSecretEnvironmentAllowed(service.name, service.spec, secretsDevMode);
    if (!options.adoptForeign) assertNotOwnedElsewhere(project.name, ctx.observed.containers);
    await assertHostPortsFree(runtime, project.name, ctx, options.start ?? true);
    emit(env, { type: 'plan', plan: ctx.plan });
    const redact = await specRedactor(ctx.spec, project.source.workingDir);
    const converger = new Converger(env, ctx, project.source.workingDir, project.waitStrategies(), clock, redact, {
      wait: (options.start ?? true) && (options.wait ?? true),
      parallel: options.parallel ?? Infinity,
      runDeadline: options.timeout === undefined ? undefined : started + options.timeout,
      pollFirstMs: options.pollFirstMs ?? 10,
      pollCapMs: options.pollCapMs ?? 1_000,
      removeOrphans: options.removeOrphans ?? false,
      logEvents: options.logEvents ?? false,
      secretsDevMode,
      start: options.start ?? true,
      stableForMs: options.stableFor,
      waitForPorts: options.waitForPorts,
    });
    const onAbort = () => converger.fail(new EngineFailure('cancelled', { reason: 'up was aborted (signal)' }));
    options.signal?.addEventListener('abort', onAbort, { once: true });
    let outcome;
    try {
      outcome = await converger.run();
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
    }
    const services = ctx.desired.services.map((s) => s.name);
    if (outcome.failure) {
      let failure = outcome.failure;
      // Skipped: never attempted. A service whose start was sent and failed too is not "skipped".
      const skipped = services.filter((n) => !outcome.nodes.get(n)?.hasStarted && !outcome.nodes.get(n)?.startSent && n !== failure.service).sort();
      for (const s of skipped) emit(env, { type: 'service.skipped', service: s, reason: failure.kind === 'cancelled' ? 'cancelled' : `${failure.service ?? 'a service'} failed` });
      let logContainers = failure.logsOf && !failure.logs ? (outcome.nodes.get(failure.logsOf)?.containers ?? []) : [];
      if (failure.logsOf && !failure.logs && logContainers.length === 0) {
        logContainers = (await runtime.listContainers(project.name, { all: true }).catch(() => [])).filter((c) => c.service === failure.logsOf);
      }
      const logs = failure.logs ? [...failure.logs] : await lastLogLines(runtime, logContainers, ERROR_LOG_LINES, redact);
      // A service that died because its port was taken is a port conflict, whatever the runtime said.
      // The port comes from what the service asked for, never from the log text (a timestamp's `:28`).
      if ((failure.kind === 'exited' || failure.kind === 'health-timeout') && logs.some((l) => portConflictOf(l))) {
        const line = logs.find((l) => portConflictOf(l)) ?? '';
        const service = failure.service ?? '';
        const containers = [...(outcome.nodes.get(service)?.containers ?? []), ...logContainers.filter((c) => c.service === service)];
        const tried = triedHostPorts(ctx.spec.services[service]?.ports ?? [], containers);
        failure = new EngineFailure('port', { service: failure.service, reason: line.trim(), port: conflictingPort(line, tried), exitCode: failure.exitCode, healthOutput: failure.healthOutput });
      }
      const healthOutput = failure.service ? converger.healthOutput(failure.service) : undefined;
      const base = { logs, skipped, healthOutput: failure.healthOutput ?? healthOutput };
      if (failure.service) emit(env, { type: 'service.failed', service: failure.service, error: publicError(failure, base) });
      const rollback = failure.kind === 'cancelled' || options.onFailure !== 'leave';
      if (rollback) {
        const preExisting = new Set(ctx.observed.containers.map((c) => c.id));
        await rollbackRun(env, outcome.record, ctx.spec, serviceGraph(ctx.spec), preExisting, failure.reason, options.forceSignal).catch(() => undefined);
        throw publicError(failure, { ...base, rolledBack: true });
      }
      const leftRunning = [...new Set([...outcome.record.createdContainers.values()].map((c) => c.service))].sort();
      throw publicError(failure, { ...base, rolledBack: false, leftRunning });
    }
    // The converger's last look (a moment ago) when it took one: a second listing would scan the
    // host's process table again on the process runtime.
    const containers = outcome.listed ?? (await runtime.listContainers(project.name, { all: true }));
    // for `ps`, `inspect` and `events` of later processes: the health this run observed
    await recordHealth(runtime.name, project.name, containers, healthyAt);
    emit(env, { type: 'up.done', services, changed: outcome.changed, durationMs: Math.round(clock.now() - started) });
    return { plan: ctx.plan, services, containers, healthy };
  } finally {
    unlisten();
    await lock.release();
  }
}
