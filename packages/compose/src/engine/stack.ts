import { InvalidArgumentError } from '../errors/invalid-argument-error.js';
import { UnsupportedOperationError } from '../errors/unsupported-operation-error.js';
import type { ProjectInput } from '../plan/project-input.js';
import { oneShotServices } from '../plan/desired.js';
import { serviceGraph } from '../plan/select.js';
import type { ContainerInfo, ExecResult, Runtime } from '../runtime/types.js';
import { downProject } from './down.js';
import { emit, type EngineEnv } from './env.js';
import type { EventHub, EventStreamOptions } from './event-hub.js';
import type { ComposeEvent } from './events.js';
import { acquireProjectLock } from './lock.js';
import { mergedLogs } from './merge-logs.js';
import type { DownOptions, UpOptions } from './options.js';
import { projectView } from './project-view.js';
import { runConverge, type RunResult } from './run.js';
import type { Endpoint, Stack, StackContainer, StackExecOptions, StackLogLine, StackLogsOptions, StackService, WatchOptions } from './stack-types.js';
import { runWatch } from './watch/run-watch.js';
import { teardownContainers } from './teardown.js';
import { withStatus } from './observed-status.js';
import { engineSawHealthy, readHealthRecord } from './health-record.js';

/** How often a stack looks for replicas that stopped on their own after `up()` (ms). */
const WATCH_EVERY_MS = 500;

function endpointOf(host: string, port: number): Endpoint {
  const h = host === '' || host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return { host: h, port, url: `http://${h.includes(':') ? `[${h}]` : h}:${port}` };
}

/** @internal The Stack handle behind `project.up()`. */
class RunningStack<P extends ProjectInput> implements Stack<P> {
  readonly project: P;
  readonly name: string;
  readonly runtime: Runtime;
  readonly #hub: EventHub;
  readonly #options: UpOptions;
  readonly #replicas = new Map<string, number>();
  readonly #healthy = new Set<string>();
  readonly #unlisten: () => void;
  #services: string[];
  #containers: readonly ContainerInfo[];
  #down = false;
  /** Polls the runtime after `up()` for replicas that stop on their own (see {@link RunningStack.#watch}). */
  #watcher: ReturnType<typeof setTimeout> | undefined;
  #watching = false;
  /** Which chain of looks is current (a stop ends it, a start makes a new one). */
  #watchGeneration = 0;
  /** Last state seen per container id. */
  readonly #lastState = new Map<string, ContainerInfo['state']>();
  /** Containers the engine is stopping on purpose (their stop is no crash). */
  readonly #expectedStops = new Set<string>();

  constructor(project: P, name: string, runtime: Runtime, hub: EventHub, result: RunResult, options: UpOptions) {
    this.project = project;
    this.name = name;
    this.runtime = runtime;
    this.#hub = hub;
    this.#options = options;
    this.#services = [...result.services];
    this.#containers = result.containers;
    for (const s of result.healthy) this.#healthy.add(s);
    this.#unlisten = hub.listen((e) => {
      if (e.project !== name) return;
      if (e.type === 'service.healthy') this.#healthy.add(e.service);
      else if (e.type === 'service.stopping' || e.type === 'service.removed' || e.type === 'service.unhealthy' || e.type === 'service.recreating') this.#healthy.delete(e.service);
      if (e.type === 'service.stopping' || e.type === 'service.removed') this.#expectedStops.add(e.containerId);
      else if (e.type === 'service.started') this.#expectedStops.delete(e.containerId);
    });
    for (const c of result.containers) this.#lastState.set(c.id, c.state);
    this.#startWatching();
  }

  /**
   * Looks at the runtime every {@link WATCH_EVERY_MS}, or less often when a look is costly: the
   * next look comes after at least ten times what the last one took (a listing of hundreds of
   * host processes reads /proc), so watching never takes more than a tenth of a CPU.
   */
  #startWatching(): void {
    this.#stopWatching();
    const generation = ++this.#watchGeneration;
    const next = (delay: number) => {
      this.#watcher = setTimeout(() => {
        const started = Date.now();
        void this.#watch().finally(() => {
          if (generation === this.#watchGeneration && this.#watcher !== undefined && !this.#down) next(Math.max(WATCH_EVERY_MS, 10 * (Date.now() - started)));
        });
      }, delay);
      this.#watcher.unref();
    };
    next(WATCH_EVERY_MS);
  }

  /**
   * One look at the runtime: a replica last seen running (or restarting) that now reads exited
   * stopped on its own — a `service.exited` event with its exit code, unless the engine stopped it.
   */
  async #watch(): Promise<void> {
    if (this.#watching || this.#down) return;
    this.#watching = true;
    try {
      const now = await this.runtime.listContainers(this.name, { all: true });
      for (const c of now) {
        const before = this.#lastState.get(c.id);
        this.#lastState.set(c.id, c.state);
        const stopped = c.state === 'exited' || c.state === 'dead';
        if (!stopped || before === undefined || before === 'exited' || before === 'dead' || before === 'created') continue;
        if (this.#expectedStops.has(c.id) || this.#down) continue;
        if (c.exitCode === 0 && this.#oneShot().has(c.service)) continue; // a job that completed, as asked
        this.#healthy.delete(c.service);
        this.#hub.emit(this.name, { type: 'service.exited', service: c.service, replica: c.replica, containerId: c.id, exitCode: c.exitCode, restartCount: c.restartCount ?? 0 }, this.#options.onEvent);
      }
      const ids = new Set(now.map((c) => c.id));
      for (const id of this.#lastState.keys()) if (!ids.has(id)) this.#lastState.delete(id);
    } catch {
      // The runtime could not be read this time; the next look tries again.
    } finally {
      this.#watching = false;
    }
  }

  #stopWatching(): void {
    this.#watchGeneration++;
    if (this.#watcher) clearTimeout(this.#watcher);
    this.#watcher = undefined;
  }

  #view(): ProjectInput {
    return projectView(this.project, this.name, this.#replicas);
  }

  #env(onEvent = this.#options.onEvent): EngineEnv {
    return { project: this.name, runtime: this.runtime, hub: this.#hub, onEvent };
  }

  #absorb(result: RunResult): void {
    this.#containers = result.containers;
    for (const s of result.services) if (!this.#services.includes(s)) this.#services.push(s);
    const order = serviceGraph(this.#view().toJSON()).startOrder();
    this.#services.sort((a, b) => order.indexOf(a) - order.indexOf(b));
  }

  #check(name: string): void {
    if (!this.#services.includes(name) && !this.#containers.some((c) => c.service === name)) {
      throw new InvalidArgumentError(`Stack '${this.name}' has no service '${name}'; it has: ${this.#services.join(', ')}`, { service: name, field: 'service' });
    }
  }

  services(): readonly StackService[] {
    return this.#services.map((n) => this.service(n));
  }

  service(name: string): StackService {
    this.#check(name);
    const containers = () => this.#containers.filter((c) => c.service === name).sort((a, b) => a.replica - b.replica);
    return {
      name,
      containers,
      endpoint: (containerPort, options = {}) => {
        const list = containers();
        const replica = options.replica ?? 1;
        const container = list.find((c) => c.replica === replica) ?? (options.replica === undefined ? list[0] : undefined);
        if (!container) throw new InvalidArgumentError(`Service '${name}' has no replica ${replica} (it has ${list.length})`, { service: name, field: 'replica' });
        const port = container.ports.find((p) => p.target === containerPort && p.protocol === 'tcp') ?? container.ports.find((p) => p.target === containerPort);
        if (!port) {
          const known = container.ports.map((p) => p.target).join(', ') || 'none';
          throw new InvalidArgumentError(`Service '${name}' does not publish container port ${containerPort} (published: ${known}); add it to its ports`, { service: name, field: 'ports' });
        }
        return endpointOf(port.host, port.published);
      },
    };
  }

  logs(name?: string, options: StackLogsOptions = {}): AsyncIterable<StackLogLine> {
    if (name !== undefined) this.#check(name);
    if (!this.runtime.capabilities.has('logs')) throw new UnsupportedOperationError(this.runtime.name, 'logs');
    const self = this;
    return {
      async *[Symbol.asyncIterator]() {
        const containers = (await self.ps()).filter((c) => name === undefined || c.service === name);
        yield* mergedLogs(self.runtime, containers, options);
      },
    };
  }

  async exec(name: string, command: readonly string[], options: StackExecOptions = {}): Promise<ExecResult> {
    this.#check(name);
    if (!this.runtime.capabilities.has('exec.output')) throw new UnsupportedOperationError(this.runtime.name, this.runtime.capabilities.has('exec') ? 'exec.output' : 'exec', { service: name, hint: 'stack.exec returns the output and exit code, which this runtime cannot report' });
    const { replica = 1, ...rest } = options;
    let container = this.#containers.find((c) => c.service === name && c.replica === replica);
    if (!container) container = (await this.ps()).find((c) => c.service === name && c.replica === replica);
    if (!container) throw new InvalidArgumentError(`Service '${name}' has no replica ${replica}`, { service: name, field: 'replica' });
    return this.runtime.exec(container.id, command, rest);
  }

  /** The services that run to completion (their exit 0 is what is asked of them). */
  #oneShot(): ReadonlySet<string> {
    const view = this.#view();
    return oneShotServices(view.toJSON(), new Map([...view.waitStrategies()].map(([n, w]) => [n, w.kind])));
  }

  async ps(): Promise<readonly StackContainer[]> {
    const oneShot = this.#oneShot();
    // What this process saw, and what another process's `up` of the project recorded.
    const [containers, record] = await Promise.all([this.runtime.listContainers(this.name, { all: true }), readHealthRecord(this.runtime.name, this.name)]);
    const listed = containers.map((c) => withStatus(c, oneShot.has(c.service), this.#healthy.has(c.service) || engineSawHealthy(record, c)));
    this.#containers = listed;
    return listed;
  }

  async refresh(): Promise<this> {
    await this.ps();
    return this;
  }

  async #converge(services: readonly string[], extra: UpOptions): Promise<void> {
    const { signal: _s, forceSignal: _f, reuse: _r, services: _sv, start: _st, ...base } = this.#options;
    this.#absorb(await runConverge(this.#view(), this.runtime, this.#hub, { ...base, ...extra, services, noDeps: true, adoptForeign: true }));
  }

  async scale(name: string, replicas: number): Promise<void> {
    this.#check(name);
    if (!Number.isInteger(replicas) || replicas < 0) throw new InvalidArgumentError(`scale(): replicas must be an integer ≥ 0, received ${String(replicas)}`, { service: name, field: 'replicas' });
    this.#replicas.set(name, replicas);
    await this.#converge([name], { noRecreate: true });
  }

  async stop(names?: readonly string[]): Promise<void> {
    for (const n of names ?? []) this.#check(n);
    const chosen = new Set(names ?? this.#services);
    const lock = await acquireProjectLock(this.runtime.name, this.name, { timeoutMs: this.#options.lockTimeout, clock: this.#options.clock });
    try {
      const spec = this.#view().toJSON();
      const containers = (await this.ps()).filter((c) => chosen.has(c.service) && c.state !== 'exited' && c.state !== 'dead');
      await teardownContainers(this.#env(), containers, spec, serviceGraph(spec), { remove: false });
      for (const n of chosen) this.#healthy.delete(n);
    } finally {
      await lock.release();
    }
    await this.ps();
  }

  async start(names?: readonly string[]): Promise<void> {
    for (const n of names ?? []) this.#check(n);
    await this.#converge(names ?? this.#services, { noRecreate: true });
  }

  async restart(names?: readonly string[]): Promise<void> {
    await this.stop(names);
    await this.start(names);
  }

  async down(options: DownOptions = {}): Promise<void> {
    if (this.#down) return;
    // Nothing to watch for while the stack is taken down (the engine stops every replica itself),
    // and each look lists every container: hundreds of them compete with the stops.
    this.#stopWatching();
    try {
      await downProject(this.#view(), this.runtime, { onEvent: this.#options.onEvent, lockTimeout: this.#options.lockTimeout, clock: this.#options.clock, ...options, removeOrphans: options.removeOrphans ?? false, hubKey: this.project });
    } catch (error) {
      this.#startWatching(); // still up, at least in part
      throw error;
    }
    this.#down = true;
    this.#stopWatching();
    this.#healthy.clear();
    this.#containers = [];
    this.#unlisten();
    if (this.#options.ownRuntime) await this.runtime.close?.();
  }

  events(options: EventStreamOptions = {}): AsyncIterableIterator<ComposeEvent> {
    const filter = options.filter;
    return this.#hub.stream({
      ...options,
      filter: (e) => e.project === this.name && (filter ? filter(e) : true),
      until: (e) => e.type === 'down.done' || (options.until ? options.until(e) : false),
    });
  }

  async watch(options: WatchOptions): Promise<void> {
    for (const n of options.services ?? []) this.#check(n);
    const env = this.#env(options.onEvent ?? this.#options.onEvent);
    const spec = this.#view().toJSON();
    const running = async (service: string) => (await this.ps()).filter((c) => c.service === service && c.state === 'running');
    await runWatch(
      {
        env,
        spec,
        workingDir: this.project.source.workingDir,
        containers: running,
        restart: (service) => this.restart([service]),
        rebuild: async (service, signal) => {
          const own = spec.services[service]!;
          if (own.build !== undefined && this.runtime.capabilities.has('build') && this.runtime.buildService)
            await this.runtime.buildService({ project: this.name, service, spec: own, workingDir: this.project.source.workingDir }, { signal });
          await this.#converge([service], { forceRecreate: true, onEvent: env.onEvent });
          // the replaced image is free once the service runs the new one
          if (options.prune !== false && this.runtime.pruneImages) {
            try {
              await this.runtime.pruneImages(this.name, { signal });
            } catch (error) {
              emit(env, { type: 'warning', code: 'watch-prune', service, message: `service '${service}': removing the images the rebuild left dangling failed: ${error instanceof Error ? error.message : String(error)}` });
            }
          }
        },
      },
      options.services ?? this.#services,
      { signal: options.signal, debounceMs: options.debounceMs },
    );
  }

  async onHealthy(name: string, options: { readonly signal?: AbortSignal | undefined } = {}): Promise<void> {
    this.#check(name);
    if (this.#healthy.has(name)) return;
    // Nobody may be checking it (after `up({ wait: false })` or `stop`/`start`): when it runs,
    // check it now with a converge that changes nothing and waits for its readiness.
    const containers = (await this.ps()).filter((c) => c.service === name);
    if (containers.length > 0 && containers.every((c) => c.state === 'running')) {
      await this.#converge([name], { noRecreate: true, wait: true, signal: options.signal });
      return;
    }
    return new Promise<void>((resolve, reject) => {
      const settle = (error?: unknown) => {
        stop();
        options.signal?.removeEventListener('abort', onAbort);
        if (error === undefined) resolve();
        else reject(error);
      };
      const onAbort = () => settle(options.signal?.reason ?? new Error('aborted'));
      const stop = this.#hub.listen((e) => {
        if (e.project !== this.name) return;
        if (e.type === 'service.healthy' && e.service === name) settle();
        else if (e.type === 'service.failed' && e.service === name) settle(e.error);
        else if (e.type === 'down.done') settle(new InvalidArgumentError(`Stack '${this.name}' went down before '${name}' was healthy`, { service: name }));
      });
      if (options.signal?.aborted) onAbort();
      else options.signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    if (this.#options.reuse) {
      this.#stopWatching();
      this.#unlisten();
      if (this.#options.ownRuntime) await this.runtime.close?.();
      return;
    }
    await this.down();
  }
}

/** @internal */
export function createStack<P extends ProjectInput>(project: P, name: string, runtime: Runtime, hub: EventHub, result: RunResult, options: UpOptions): Stack<P> {
  return new RunningStack(project, name, runtime, hub, result, options);
}
