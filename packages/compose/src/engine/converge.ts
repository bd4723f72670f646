import { setMaxListeners } from 'node:events';
import { availableParallelism } from 'node:os';
import type { WaitStrategy } from '../model/wait.js';
import type { PlanContext } from '../plan/make-plan.js';
import type { DesiredService, ReplicaPlan, ServicePlan } from '../plan/types.js';
import { isContainerNotFoundError } from '../errors/container-not-found-error.js';
import type { ContainerInfo } from '../runtime/types.js';
import type { DependencySpec } from '../spec/types.js';
import type { EngineClock } from './clock.js';
import { emit, type EngineEnv } from './env.js';
import { conflictingPort, EngineFailure, portConflictOf, RunCancelled, triedHostPorts } from './failure.js';
import { waitContainerReady, waitExited, type ReadinessContext } from './readiness.js';
import { ProbePacer } from './probe-pacer.js';
import type { Redactor } from './redact.js';
import { containerRequest, serviceRequest } from './requests.js';
import { ensureResources, followLogEvents, type RunRecord } from './resources.js';
import { exitFailure, holdStable, inspectSettled, type ExitRules } from './liveness.js';
import { ServiceNode } from './service-node.js';
import { teardownContainers } from './teardown.js';
import { resolveSecretEnvironment } from '../runtime/secret-environment.js';
import { peerVariables } from './peer-env.js';
import { rollOut, type RolloutTarget } from './rollout.js';
import { OperationQueue } from './op-queue.js';

/** @internal Settings of one converge. */
export interface ConvergeSettings {
  readonly wait: boolean;
  readonly parallel: number;
  readonly runDeadline?: number | undefined;
  readonly pollFirstMs: number;
  readonly pollCapMs: number;
  readonly removeOrphans: boolean;
  readonly logEvents: boolean;
  /** Inject secret files' contents into `environment` references (checked before the run). */
  readonly secretsDevMode: boolean;
  /** False: create what is missing or changed, start nothing (`up({ start: false })`). */
  readonly start: boolean;
  /** Hold each ready service this long (ms), failing the run if it exits meanwhile (`up({ stableFor })`). */
  readonly stableForMs?: number | undefined;
  /** Without a healthcheck or wait strategy, a service is ready once its published ports answer (`up({ waitForPorts })`). */
  readonly waitForPorts?: boolean | undefined;
}

/** @internal The outcome of a converge: the first failure, if any, and the state of every service. */
export interface ConvergeOutcome {
  readonly failure?: EngineFailure | undefined;
  readonly nodes: ReadonlyMap<string, ServiceNode>;
  readonly record: RunRecord;
  readonly changed: boolean;
  /**
   * The project's containers as listed by the last look before `run()` returned (when it looked
   * and nothing failed): `up` reuses it instead of listing again. A listing of the process runtime
   * scans the host's process table (thousands of processes on a busy host: tens of ms).
   */
  readonly listed?: readonly ContainerInfo[] | undefined;
}

/**
 * Creations made ahead of time that run at once (see Converger.#precreate). A runtime that
 * records each creation durably before it answers (the process runtime's state file, written a
 * batch at a time) makes this the size of its batches: at 8, an `up` of 2,000 services waited for
 * 250 writes one after another (each 10–350 ms on a busy disk), long after the first services
 * had started, and the creations, not the starts, set the pace of the whole run.
 */
const PRECREATE_CONCURRENCY = 32;

/** @internal Executes a plan: the executor makes no decisions the plan did not make. */
export class Converger {
  readonly #env: EngineEnv;
  readonly #ctx: PlanContext;
  readonly #workingDir: string;
  readonly #waits: ReadonlyMap<string, WaitStrategy>;
  readonly #clock: EngineClock;
  readonly #redact: Redactor;
  readonly #settings: ConvergeSettings;
  readonly #queue: OperationQueue;
  /** Paces the creations made ahead of time (see #precreate). */
  readonly #precreateQueue = new OperationQueue(PRECREATE_CONCURRENCY);
  readonly #abort = new AbortController();
  readonly #logAbort = new AbortController();
  readonly #nodes = new Map<string, ServiceNode>();
  readonly #desired = new Map<string, DesiredService>();
  readonly #plans = new Map<string, ServicePlan>();
  readonly #observed = new Map<string, ContainerInfo>();
  readonly #healthOutput = new Map<string, string>();
  /**
   * What cancels each pending {@link Converger.#race}: one abort listener calls them all. A
   * listener per race made every wait cost a walk of the signal's listeners (Node's EventTarget
   * checks each add against every listener): quadratic in the services waiting at once.
   */
  readonly #racing = new Set<() => void>();
  /** The run's probes that start a process, paced together (see probe-pacer.ts). */
  readonly #probes = new ProbePacer(availableParallelism());
  readonly #precreated = new Map<string, Promise<ContainerInfo>>();
  #failure: EngineFailure | undefined;
  #changed = false;
  #listed: readonly ContainerInfo[] | undefined;
  readonly record: RunRecord = { createdContainers: new Map(), attemptedNames: new Set(), startedExisting: new Map(), createdNetworks: [], createdVolumes: [] };

  constructor(env: EngineEnv, ctx: PlanContext, workingDir: string, waits: ReadonlyMap<string, WaitStrategy>, clock: EngineClock, redact: Redactor, settings: ConvergeSettings) {
    this.#env = env;
    this.#ctx = ctx;
    this.#workingDir = workingDir;
    this.#waits = waits;
    this.#clock = clock;
    this.#redact = redact;
    this.#settings = settings;
    this.#queue = new OperationQueue(settings.parallel);
    // Every waiting service listens on these: hundreds of listeners are expected, not a leak.
    setMaxListeners(0, this.#abort.signal, this.#logAbort.signal);
    this.#abort.signal.addEventListener(
      'abort',
      () => {
        for (const cancel of this.#racing) cancel();
        this.#racing.clear();
      },
      { once: true },
    );
    for (const d of ctx.desired.services) {
      this.#desired.set(d.name, d);
      this.#nodes.set(d.name, new ServiceNode(d.name));
    }
    for (const p of ctx.plan.services) this.#plans.set(p.name, p);
    for (const c of ctx.observed.containers) this.#observed.set(c.id, c);
  }

  /** The last probe output of a service (for errors). */
  healthOutput(service: string): string | undefined {
    return this.#healthOutput.get(service);
  }

  /** Records the first failure and cancels everything in flight. */
  fail(failure: EngineFailure): void {
    if (this.#failure) return;
    this.#failure = failure;
    this.#abort.abort(new RunCancelled());
  }

  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  async run(): Promise<ConvergeOutcome> {
    try {
      if (await ensureResources(this.#env, this.#ctx, this.record)) this.#changed = true;
      await this.#orphans();
      this.#precreate();
      await Promise.all([...this.#nodes.keys()].map((name) => this.#runService(name)));
      if (!this.#failure && this.#settings.start && this.#settings.wait) await this.#sweepExited();
    } catch (error) {
      this.fail(error instanceof EngineFailure ? error : new EngineFailure('start', { reason: error instanceof Error ? error.message : String(error), cause: error }));
    } finally {
      this.#precreateQueue.clear();
      this.#queue.clear();
      await Promise.all([this.#precreateQueue.onIdle(), this.#queue.onIdle()]);
      this.#logAbort.abort();
    }
    return { failure: this.#failure, nodes: this.#nodes, record: this.record, changed: this.#changed, listed: this.#failure ? undefined : this.#listed };
  }

  async #orphans(): Promise<void> {
    if (!this.#settings.removeOrphans) return;
    const ids = new Set(this.#ctx.plan.services.filter((s) => s.orphan && s.action === 'remove').flatMap((s) => s.replicas.map((r) => r.containerId)));
    const orphans = this.#ctx.observed.containers.filter((c) => ids.has(c.id));
    if (orphans.length === 0) return;
    this.#changed = true;
    await teardownContainers(this.#env, orphans, undefined, undefined, { remove: true });
  }

  #readinessContext(service: string): ReadinessContext {
    return {
      runtime: this.#env.runtime,
      clock: this.#clock,
      signal: this.#abort.signal,
      service,
      runDeadline: this.#settings.runDeadline,
      pollFirstMs: this.#settings.pollFirstMs,
      pollCapMs: this.#settings.pollCapMs,
      redact: this.#redact,
      onProbe: (output) => this.#healthOutput.set(service, output),
      waitForPorts: this.#settings.waitForPorts,
      probes: this.#probes,
    };
  }

  /** Rejects with RunCancelled when the run is cancelled first. */
  #race<T>(promise: Promise<T>): Promise<T> {
    if (this.#abort.signal.aborted) return Promise.reject(new RunCancelled());
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => reject(new RunCancelled());
      this.#racing.add(onAbort);
      promise.then(
        (v) => {
          this.#racing.delete(onAbort);
          resolve(v);
        },
        (e: unknown) => {
          this.#racing.delete(onAbort);
          reject(e);
        },
      );
    });
  }

  #node(name: string): ServiceNode {
    return this.#nodes.get(name) as ServiceNode;
  }

  /** Memoised readiness of a service (every replica), started on first demand. */
  #ready(name: string): Promise<void> {
    const node = this.#node(name);
    node.ready ??= (async () => {
      await node.started.promise;
      const desired = this.#desired.get(name) as DesiredService;
      const strategy = this.#waits.get(name);
      const ctx = this.#readinessContext(name);
      try {
        if (!strategy && desired.oneShot) await this.#completedZero(name);
        else {
          // A runtime that deploys whole services waited until they were healthy (Runtime.deployService):
          // a replica it reports healthy is not probed again (one more exec each, after the fact).
          const deployed = this.#env.runtime.deployService !== undefined && (!strategy || strategy.kind === 'healthy');
          await Promise.all(node.containers.map((c) => (deployed && c.health === 'healthy' ? undefined : waitContainerReady(ctx, c, strategy, desired.spec.healthcheck))));
          const hold = this.#settings.stableForMs ?? 0;
          if (hold > 0) await Promise.all(node.containers.map((c) => holdStable(ctx, c, hold, this.#exitRules(name))));
        }
      } catch (error) {
        if (error instanceof EngineFailure) {
          if (error.kind === 'health-timeout') emit(this.#env, { type: 'service.unhealthy', service: name, output: error.healthOutput ?? '' });
          this.fail(error);
          throw new RunCancelled();
        }
        if (error instanceof RunCancelled) throw error;
        this.fail(new EngineFailure('health-timeout', { service: name, reason: `readiness check failed: ${error instanceof Error ? error.message : String(error)}`, cause: error }));
        throw new RunCancelled();
      }
      // a one-shot job is ready once it ran to completion: say so (it is done, not "healthy")
      const completed = (!strategy && desired.oneShot) || strategy?.kind === 'exit-zero';
      emit(this.#env, { type: 'service.healthy', service: name, ...(completed ? { completed: true } : {}) });
    })();
    return node.ready;
  }

  /** When an exit of this service before `up()` resolves is fine (see liveness.ts). */
  #exitRules(name: string): ExitRules {
    const desired = this.#desired.get(name) as DesiredService;
    return { restart: desired.spec.restart, mayComplete: desired.oneShot === true };
  }

  /**
   * The last look before `up()` resolves: a service that exited (for good, and not as a job that
   * completed) fails the run, whatever its readiness said earlier — a service with no check is
   * ready when started, and may die right after.
   */
  async #sweepExited(): Promise<void> {
    const started = [...this.#nodes.values()].filter((n) => n.hasStarted && n.containers.length > 0);
    if (started.length === 0) return;
    // A brief listing tells every container's state (and an exit's code) in one request: Docker
    // answers from its listing, not with an inspection of each after it (a second round trip
    // at the end of every `up`). An exit without its code is inspected below, as before.
    const listed = await this.#env.runtime.listContainers(this.#env.project, { all: true, brief: true });
    const now = new Map(listed.map((c) => [c.id, c]));
    for (const node of started) {
      for (const c of node.containers) {
        let info = now.get(c.id);
        if (info && (info.state === 'exited' || info.state === 'dead') && info.exitCode === undefined) info = await inspectSettled(this.#readinessContext(node.name), c.id);
        const failure = info ? exitFailure(node.name, info, this.#exitRules(node.name)) : undefined;
        if (failure) {
          this.fail(failure);
          return;
        }
      }
    }
    this.#listed = await this.#asInspected(listed);
  }

  /**
   * What `up()` returns of a brief listing (see {@link Converger.#sweepExited}): a container that
   * runs as it did when this run last inspected it (at its start, or in the run's first look),
   * and that no restart policy may have restarted since, is that inspection with the health the
   * listing tells now; any other is inspected (its `pid`, `startedAt`, `restartCount`).
   */
  async #asInspected(listed: readonly ContainerInfo[]): Promise<ContainerInfo[]> {
    const inspected = new Map<string, ContainerInfo>(this.#observed);
    for (const node of this.#nodes.values()) for (const c of node.containers) inspected.set(c.id, c);
    const infos = await Promise.all(
      listed.map(async (c) => {
        if (c.startedAt !== undefined) return c; // a runtime that lists everything
        const before = inspected.get(c.id);
        const desired = this.#desired.get(c.service); // (a service this run does not know: inspected)
        const restartable = desired === undefined || (desired.spec.restart ?? 'no') !== 'no';
        if (before?.startedAt !== undefined && before.state === 'running' && c.state === 'running' && !restartable) return { ...before, health: c.health };
        return this.#env.runtime.inspectContainer(c.id).catch((error: unknown) => {
          if (isContainerNotFoundError(error)) return undefined; // removed meanwhile (as a full listing leaves it out)
          throw error;
        });
      }),
    );
    return infos.filter((c): c is ContainerInfo => c !== undefined);
  }

  /**
   * Readiness of a one-shot job without a strategy of its own: it has exited 0 (it is not ready
   * while it still runs). A non-zero exit is reported by the dependants waiting for it
   * (`DependencyFailedError` naming it), or as its own exit when none is in this run.
   */
  async #completedZero(name: string): Promise<void> {
    const code = await this.#completed(name);
    if (code === 0) return;
    const awaited = [...this.#nodes.keys()].some((n) => this.#desired.get(n)?.spec.depends_on[name]?.condition === 'service_completed_successfully');
    if (awaited) throw new RunCancelled();
    throw new EngineFailure('exited', { service: name, reason: `exited with code ${code} (expected 0)`, exitCode: code });
  }

  /** Memoised completion of a one-shot service: the highest exit code of its replicas. */
  #completed(name: string): Promise<number> {
    const node = this.#node(name);
    node.completed ??= (async () => {
      await node.started.promise;
      const ctx = this.#readinessContext(name);
      const timeout = this.#waits.get(name)?.timeoutMs ?? 60_000;
      const codes = await Promise.all(node.containers.map((c) => waitExited(ctx, c, timeout)));
      return codes.reduce((a, b) => (Math.abs(b) > Math.abs(a) ? b : a), 0);
    })();
    return node.completed;
  }

  async #awaitDependencies(name: string): Promise<void> {
    const deps = this.#dependencies(name);
    if (deps.length === 0) return;
    emit(this.#env, { type: 'service.waiting', service: name, dependencies: deps.map(([d]) => d).sort() });
    await Promise.all(
      deps.map(async ([dep, d]) => {
        if (d.condition === 'service_started') return this.#race(this.#node(dep).started.promise);
        if (d.condition === 'service_healthy') return this.#race(this.#ready(dep));
        let code: number;
        try {
          code = await this.#race(this.#completed(dep));
        } catch (error) {
          if (error instanceof EngineFailure) throw new EngineFailure('dependency', { service: name, dependency: dep, reason: error.reason, logsOf: dep });
          throw error;
        }
        if (code !== 0) throw new EngineFailure('dependency', { service: name, dependency: dep, reason: `'${dep}' exited with code ${code}, expected 0 (service_completed_successfully)`, exitCode: code, logsOf: dep });
      }),
    );
  }

  async #runService(name: string): Promise<void> {
    const node = this.#node(name);
    try {
      if (this.#settings.start) await this.#awaitDependencies(name);
      if (this.#abort.signal.aborted) throw new RunCancelled();
      node.containers = await this.#apply(name);
      node.hasStarted = true;
      node.started.resolve();
      if (this.#settings.wait) await this.#ready(name);
    } catch (error) {
      node.started.reject(new RunCancelled());
      if (error instanceof RunCancelled) return;
      this.#failWith(name, error);
    }
  }

  /** Records a service's failure (mapping a runtime error to a port conflict or a start failure). */
  #failWith(name: string, error: unknown): void {
    if (error instanceof RunCancelled) return;
    if (error instanceof EngineFailure) {
      this.fail(error);
      return;
    }
    const reason = this.#redact(error instanceof Error ? error.message : String(error));
    if (!portConflictOf(error)) {
      this.fail(new EngineFailure('start', { service: name, reason, cause: error }));
      return;
    }
    // the ports its containers were published on (a `0` is a free port picked at create), started or not
    const made = [...(this.#nodes.get(name)?.containers ?? []), ...[...this.record.createdContainers.values()].filter((c) => c.service === name)];
    const tried = triedHostPorts((this.#desired.get(name) as DesiredService).spec.ports, made);
    this.fail(new EngineFailure('port', { service: name, reason, port: conflictingPort(reason, tried), cause: error }));
  }

  /** Runs one runtime operation through the concurrency cap, unless the run is cancelled. */
  #op<T>(fn: () => Promise<T>, priority = 1): Promise<T> {
    return this.#queue.add(
      async () => {
        if (this.#abort.signal.aborted) throw new RunCancelled();
        return fn();
      },
      priority,
    );
  }

  /**
   * Creates the containers of new replicas ahead of time, before their dependencies are ready (as
   * Compose does: create everything, then start in dependency order), so that creation is off
   * the critical path. The services that start at once (no dependency in this run) are created
   * first, alone; the others once those have started, while they come up: hundreds of creations
   * running beside the first starts would delay them. Creations go in start order, a few at a
   * time: the first services to start are created first instead of finishing together with the
   * last. Lower priority than starts and stops under a `parallel` cap.
   */
  #precreate(): void {
    // A runtime that deploys whole services creates nothing ahead of time.
    if (this.#env.runtime.deployService) return;
    const first: Promise<void>[] = [];
    const later: (() => void)[] = [];
    for (const desired of this.#longestChainFirst(this.#ctx.desired.services)) {
      const plan = this.#plans.get(desired.name);
      if (!plan) continue;
      const replicas = plan.replicas.filter((r) => r.action === 'create');
      if (replicas.length === 0) continue;
      const create = () => {
        for (const r of replicas) void this.#createOnce(desired, r.replica, 0).catch((error: unknown) => this.#failWith(plan.name, error));
      };
      if (!this.#settings.start || this.#dependencies(desired.name).length > 0) {
        later.push(create);
      } else {
        create();
        first.push(this.#node(desired.name).started.promise);
      }
    }
    // A failed create fails the run at once (above), not only when the service's turn comes.
    void Promise.allSettled(first).then(() => {
      if (!this.#abort.signal.aborted) for (const create of later) create();
    });
  }

  /**
   * `services` (in start order) with the ones that have no dependency in this run moved to the
   * front, those heading the longest chain of dependants first (stable otherwise). They are
   * created and started at once, one after another on this event loop: the head of the critical
   * path goes first (on the real stack, PostgreSQL's initdb before Redis, whose start is off it).
   */
  #longestChainFirst(services: readonly DesiredService[]): DesiredService[] {
    const dependants = new Map<string, string[]>();
    for (const s of services)
      for (const [dep] of this.#dependencies(s.name)) {
        // pushed, not copied: a root with 1,800 dependants made 1,800 copies of a growing list
        const list = dependants.get(dep);
        if (list) list.push(s.name);
        else dependants.set(dep, [s.name]);
      }
    const height = new Map<string, number>();
    const heightOf = (name: string): number => {
      let h = height.get(name);
      if (h === undefined) {
        height.set(name, 0); // the graph is acyclic (validated); this only guards the recursion
        h = 1 + Math.max(0, ...(dependants.get(name) ?? []).map(heightOf));
        height.set(name, h);
      }
      return h;
    };
    const roots = services.filter((s) => this.#dependencies(s.name).length === 0);
    const ranked = roots.map((s, index) => ({ s, index, h: heightOf(s.name) })).sort((a, b) => b.h - a.h || a.index - b.index).map((r) => r.s);
    return [...ranked, ...services.filter((s) => this.#dependencies(s.name).length > 0)];
  }

  /** The dependencies of a service that are part of this run, with their conditions. */
  #dependencies(name: string): [string, DependencySpec][] {
    const service = (this.#desired.get(name) as DesiredService).spec;
    return Object.entries(service.depends_on).filter(([dep]) => this.#nodes.has(dep));
  }

  /** Creates a replica's container once: the ahead-of-time creation and the service's own turn share it. */
  #createOnce(desired: DesiredService, replica: number, priority: number): Promise<ContainerInfo> {
    const key = `${desired.name}#${replica}`;
    let created = this.#precreated.get(key);
    if (!created) {
      // The addresses of its dependencies are known before a creation takes a place in the queue.
      created = this.#peerEnvironment(desired).then((peers) =>
        priority === 0
          ? this.#precreateQueue.add(async () => {
              // Each waits for a turn of the event loop first: hundreds of creations that finish at
              // once (a runtime that answers from memory) would otherwise hold off I/O for their whole run.
              await new Promise((resolve) => setImmediate(resolve));
              return this.#create(desired, replica, 0, peers);
            })
          : this.#create(desired, replica, priority, peers),
      );
      this.#precreated.set(key, created);
    }
    return created;
  }

  /**
   * On a runtime whose services share the host's network (`host-network`), the variables that
   * say where each dependency answers (`DB_HOST`, `DB_PORT`, `DB_PORT_5432`, see peerVariables):
   * a dependency of this run once it has started (its published ports are then final), one that
   * is not part of the run from what runs. Empty on other runtimes, where services reach each
   * other by service name and container port.
   */
  async #peerEnvironment(desired: DesiredService): Promise<Record<string, string>> {
    const deps = Object.keys(desired.spec.depends_on);
    if (deps.length === 0 || !this.#env.runtime.capabilities.has('host-network')) return {};
    const env: Record<string, string> = {};
    for (const dep of deps) {
      const node = this.#nodes.get(dep);
      let containers: readonly ContainerInfo[];
      if (node && this.#settings.start) {
        await this.#race(node.started.promise);
        containers = node.containers;
      } else {
        containers = this.#ctx.observed.containers.filter((c) => c.service === dep && (c.state === 'running' || c.state === 'created'));
      }
      Object.assign(env, peerVariables(dep, containers));
    }
    return env;
  }

  async #create(desired: DesiredService, replica: number, priority: number, peers: Readonly<Record<string, string>> = {}, name?: string): Promise<ContainerInfo> {
    const made = containerRequest(this.#ctx.spec, this.#workingDir, desired, replica, this.#env.runtime.capabilities.has('networks'));
    const base = name === undefined ? made : { ...made, name };
    const injected = await resolveSecretEnvironment(desired.name, desired.spec, base.secrets, this.#settings.secretsDevMode);
    // What the service sets itself wins over a dependency's address.
    const request = Object.keys(injected).length === 0 && Object.keys(peers).length === 0 ? base : { ...base, environment: { ...peers, ...base.environment, ...injected } };
    const created = await this.#op(async () => {
      emit(this.#env, { type: 'service.creating', service: desired.name, replica });
      this.record.attemptedNames.add(request.name);
      const info = await this.#env.runtime.createContainer(request);
      this.record.createdContainers.set(info.id, info);
      return info;
    }, priority);
    emit(this.#env, { type: 'service.created', service: desired.name, replica, containerId: created.id });
    return created;
  }

  async #apply(name: string): Promise<ContainerInfo[]> {
    const plan = this.#plans.get(name) as ServicePlan;
    if (this.#env.runtime.deployService && plan.replicas.some((r) => r.action !== 'unchanged')) return this.#deployService(name, plan);
    const removals = plan.replicas.filter((r) => r.action === 'remove');
    if (removals.length > 0) {
      this.#changed = true;
      const infos = removals.map((r) => this.#observed.get(r.containerId ?? '')).filter((c): c is ContainerInfo => c !== undefined);
      await this.#op(() => teardownContainers(this.#env, infos, this.#ctx.spec, undefined, { remove: true }));
    }
    const kept = plan.replicas.filter((r) => r.action !== 'remove');
    const rolled = plan.rollout && this.#settings.start ? kept.filter((r) => r.action === 'recreate' && this.#observed.has(r.containerId ?? '')) : [];
    const rest = kept.filter((r) => !rolled.includes(r));
    const containers = await Promise.all(rest.map((r) => this.#applyReplica(name, r)));
    if (rolled.length > 0) {
      this.#changed = true;
      containers.push(...(await this.#rollOut(name, rolled.map((r) => ({ replica: r.replica, old: this.#observed.get(r.containerId ?? '') as ContainerInfo })))));
    }
    return containers.sort((a, b) => a.replica - b.replica);
  }

  /**
   * On a runtime that owns its replicas (`Runtime.deployService`): the whole service in one
   * request — created, updated by the runtime's own rolling update (and rollback), or scaled.
   * Replicas of a service this run created are recorded, so that a failed run removes it; an
   * updated service is left as the runtime leaves it (its own rollback restores the old spec).
   */
  async #deployService(name: string, plan: ServicePlan): Promise<ContainerInfo[]> {
    const runtime = this.#env.runtime;
    const desired = this.#desired.get(name) as DesiredService;
    this.#changed = true;
    const made = serviceRequest(this.#ctx.spec, this.#workingDir, desired, this.#settings.start ? desired.replicas : 0, runtime.capabilities.has('networks'));
    const injected = await resolveSecretEnvironment(desired.name, desired.spec, made.secrets, this.#settings.secretsDevMode);
    const peers = await this.#peerEnvironment(desired);
    const request = Object.keys(injected).length === 0 && Object.keys(peers).length === 0 ? made : { ...made, environment: { ...peers, ...made.environment, ...injected } };
    if (this.#abort.signal.aborted) throw new RunCancelled();
    for (const r of plan.replicas) if (r.action === 'recreate') emit(this.#env, { type: 'service.recreating', service: name, replica: r.replica, containerId: r.containerId ?? '', reasons: r.reasons });
    this.#node(name).startSent = true;
    const existed = new Set(this.#ctx.observed.containers.filter((c) => c.service === name).map((c) => c.id));
    let infos: readonly ContainerInfo[];
    try {
      infos = await (runtime.deployService as NonNullable<typeof runtime.deployService>).call(runtime, request, { signal: this.#abort.signal });
    } catch (error) {
      // A service this run created and that failed is removed by the rollback, as a half-made container is.
      if (existed.size === 0) {
        const left = await runtime.listContainers(this.#env.project, { all: true }).catch(() => []);
        for (const c of left) if (c.service === name) this.record.createdContainers.set(c.id, c);
      }
      throw error;
    }
    for (const info of infos) {
      if (existed.size === 0) this.record.createdContainers.set(info.id, info);
      if (existed.has(info.id)) continue;
      emit(this.#env, { type: 'service.started', service: name, replica: info.replica, containerId: info.id });
      if (this.#settings.logEvents) followLogEvents(this.#env, name, info, this.#logAbort.signal, this.#redact);
    }
    return [...infos];
  }

  /** Replaces a changed service's replicas as a rolling update (see rollout.ts). */
  #rollOut(name: string, targets: RolloutTarget[]): Promise<ContainerInfo[]> {
    const desired = this.#desired.get(name) as DesiredService;
    const plan = this.#plans.get(name) as ServicePlan;
    if (!plan.rollout) return Promise.resolve([]);
    return rollOut(
      {
        env: this.#env,
        spec: this.#ctx.spec,
        service: name,
        configHash: desired.configHash,
        rollout: plan.rollout,
        readiness: this.#readinessContext(name),
        strategy: this.#waits.get(name),
        healthcheck: desired.spec.healthcheck,
        redact: this.#redact,
        usedNames: new Set(this.#ctx.observed.containers.map((c) => c.name)),
        create: async (replica, containerName) => this.#create(desired, replica, 1, await this.#peerEnvironment(desired), containerName),
        start: (container) => this.#startContainer(name, container),
        forget: (container) => {
          this.record.createdContainers.delete(container.id);
          this.record.attemptedNames.delete(container.name);
        },
      },
      targets,
    );
  }

  async #applyReplica(name: string, r: ReplicaPlan): Promise<ContainerInfo> {
    const existing = r.containerId ? this.#observed.get(r.containerId) : undefined;
    if (r.action === 'unchanged' && existing) return existing;
    if (r.action === 'start' && existing && !this.#settings.start) return existing;
    this.#changed = true;
    if (r.action === 'start' && existing) {
      const info = await this.#startContainer(name, existing);
      this.record.startedExisting.set(info.id, info);
      return info;
    }
    if (r.action === 'recreate' && existing) {
      emit(this.#env, { type: 'service.recreating', service: name, replica: r.replica, containerId: existing.id, reasons: r.reasons });
      await this.#op(() => teardownContainers(this.#env, [existing], this.#ctx.spec, undefined, { remove: true }));
    }
    const desired = this.#desired.get(name) as DesiredService;
    const created = await this.#createOnce(desired, r.replica, 1);
    return this.#settings.start ? this.#startContainer(name, created) : created;
  }

  async #startContainer(name: string, container: ContainerInfo): Promise<ContainerInfo> {
    emit(this.#env, { type: 'service.starting', service: name, replica: container.replica, containerId: container.id });
    const info = await this.#op(() => {
      this.#node(name).startSent = true;
      return this.#env.runtime.startContainer(container.id);
    });
    if (this.record.createdContainers.has(info.id)) this.record.createdContainers.set(info.id, info);
    emit(this.#env, { type: 'service.started', service: name, replica: info.replica, containerId: info.id });
    if (this.#settings.logEvents) followLogEvents(this.#env, name, info, this.#logAbort.signal, this.#redact);
    return info;
  }

}
