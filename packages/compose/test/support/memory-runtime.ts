/**
 * An in-memory Runtime for engine tests: deterministic, with injectable delays, failures,
 * health and exits, recording every call. Not a product runtime.
 */
import {
  ContainerNotFoundError,
  type ContainerInfo,
  type ContainerRequest,
  type ExecResult,
  type LogLine,
  type LogOptions,
  type NetworkRequest,
  type ProbeResult,
  type ResourceInfo,
  type Runtime,
  type RuntimeCapability,
  type StopOptions,
  type VolumeRequest,
} from '@selur/compose';

/** How one service behaves in the memory runtime. */
export interface ServiceBehaviour {
  /** Probes fail until this many have been made (per container). @default 0 */
  readonly healthyAfterProbes?: number;
  /** Never healthy. */
  readonly neverHealthy?: boolean;
  /** Output of a probe. */
  readonly probeOutput?: string;
  /** Exit with this code right after start (after `exitAfterMs`). */
  readonly exitCode?: number;
  readonly exitAfterMs?: number;
  /** Lines written at start (stdout). */
  readonly logs?: readonly string[];
  /** Lines written `logAfterMs` after start. */
  readonly lateLogs?: readonly string[];
  readonly logAfterMs?: number;
  readonly failCreate?: Error;
  readonly failStart?: Error;
  /** Delay of create / start (ms, real timers). */
  readonly createDelayMs?: number;
  readonly startDelayMs?: number;
  /** Published host port for a container port (e.g. a real test server's port). */
  readonly publish?: (target: number, replica: number) => number;
  readonly exec?: (command: readonly string[]) => ExecResult;
}

export interface RecordedCall {
  readonly op: string;
  readonly target: string;
}

const MUTATING = new Set(['ensureNetwork', 'removeNetwork', 'ensureVolume', 'removeVolume', 'createContainer', 'startContainer', 'stopContainer', 'removeContainer']);

interface Box {
  info: ContainerInfo;
  request: ContainerRequest;
  logs: LogLine[];
  listeners: Set<() => void>;
  probes: number;
  timers: NodeJS.Timeout[];
}

const sleep = (ms: number) => (ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve());

export class MemoryRuntime implements Runtime {
  readonly name: string;
  readonly capabilities: ReadonlySet<RuntimeCapability>;
  readonly calls: RecordedCall[] = [];
  readonly behaviours = new Map<string, ServiceBehaviour>();
  readonly #containers = new Map<string, Box>();
  readonly #networks = new Map<string, ResourceInfo>();
  readonly #volumes = new Map<string, ResourceInfo>();
  #ids = 0;
  #ports = 40_000;

  constructor(options: { name?: string; capabilities?: readonly RuntimeCapability[]; behaviours?: Record<string, ServiceBehaviour> } = {}) {
    this.name = options.name ?? 'memory';
    this.capabilities = new Set(options.capabilities ?? ['networks', 'volumes', 'ports', 'secrets', 'logs', 'logs.follow', 'exec', 'exec.output', 'health', 'replicas']);
    for (const [k, v] of Object.entries(options.behaviours ?? {})) this.behaviours.set(k, v);
  }

  /** Calls that change something. */
  mutatingCalls(): RecordedCall[] {
    return this.calls.filter((c) => MUTATING.has(c.op));
  }

  /** Every container held (any project). */
  all(): ContainerInfo[] {
    return [...this.#containers.values()].map((b) => b.info);
  }

  networks(): ResourceInfo[] {
    return [...this.#networks.values()];
  }

  volumes(): ResourceInfo[] {
    return [...this.#volumes.values()];
  }

  /** The request a container was created from. */
  requestOf(id: string): ContainerRequest | undefined {
    return this.#containers.get(id)?.request;
  }

  /** Makes a container exit now. */
  exit(id: string, code: number): void {
    const box = this.#containers.get(id);
    if (!box || box.info.state !== 'running') return;
    box.info = { ...box.info, state: 'exited', exitCode: code, pid: undefined };
    this.#wake(box);
  }

  /** Appends a line to a container's output. */
  write(id: string, text: string, stream: 'stdout' | 'stderr' = 'stdout'): void {
    const box = this.#containers.get(id);
    if (!box) return;
    box.logs.push({ stream, text, timestamp: new Date() });
    this.#wake(box);
  }

  #record(op: string, target: string): void {
    this.calls.push({ op, target });
  }

  #wake(box: Box): void {
    for (const l of [...box.listeners]) l();
  }

  #box(id: string): Box {
    const box = this.#containers.get(id);
    if (!box) throw new ContainerNotFoundError(this.name, id);
    return box;
  }

  async ensureNetwork(request: NetworkRequest) {
    this.#record('ensureNetwork', request.runtimeName);
    const existing = this.#networks.get(request.runtimeName);
    if (existing) return { info: existing, created: false };
    const info: ResourceInfo = { id: `net-${++this.#ids}`, name: request.name, runtimeName: request.runtimeName, project: request.project, labels: {} };
    this.#networks.set(request.runtimeName, info);
    return { info, created: true };
  }

  async removeNetwork(_project: string, runtimeName: string) {
    this.#record('removeNetwork', runtimeName);
    this.#networks.delete(runtimeName);
  }

  async listNetworks(project: string) {
    this.#record('listNetworks', project);
    return [...this.#networks.values()].filter((n) => n.project === project);
  }

  async ensureVolume(request: VolumeRequest) {
    this.#record('ensureVolume', request.runtimeName);
    const existing = this.#volumes.get(request.runtimeName);
    if (existing) return { info: existing, created: false };
    const info: ResourceInfo = { id: `vol-${++this.#ids}`, name: request.name, runtimeName: request.runtimeName, project: request.project, labels: {} };
    this.#volumes.set(request.runtimeName, info);
    return { info, created: true };
  }

  async removeVolume(_project: string, runtimeName: string) {
    this.#record('removeVolume', runtimeName);
    this.#volumes.delete(runtimeName);
  }

  async listVolumes(project: string) {
    this.#record('listVolumes', project);
    return [...this.#volumes.values()].filter((n) => n.project === project);
  }

  async createContainer(request: ContainerRequest): Promise<ContainerInfo> {
    this.#record('createContainer', request.name);
    const b = this.behaviours.get(request.service) ?? {};
    await sleep(b.createDelayMs ?? 0);
    if (b.failCreate) throw b.failCreate;
    for (const box of this.#containers.values()) if (box.info.name === request.name) throw new Error(`memory: name ${request.name} already in use`);
    const id = `c${++this.#ids}`;
    const info: ContainerInfo = {
      id,
      name: request.name,
      project: request.project,
      service: request.service,
      replica: request.replica,
      configHash: request.configHash,
      image: request.spec.image,
      state: 'created',
      health: request.spec.healthcheck ? 'starting' : 'none',
      ports: request.spec.ports.map((p) => ({
        target: p.target,
        protocol: p.protocol,
        host: '127.0.0.1',
        published: b.publish ? b.publish(p.target, request.replica) : p.published && p.published > 0 ? p.published : ++this.#ports,
      })),
      labels: { ...request.labels },
    };
    this.#containers.set(id, { info, request, logs: [], listeners: new Set(), probes: 0, timers: [] });
    return info;
  }

  async startContainer(id: string): Promise<ContainerInfo> {
    this.#record('startContainer', id);
    const box = this.#box(id);
    const b = this.behaviours.get(box.info.service) ?? {};
    await sleep(b.startDelayMs ?? 0);
    if (b.failStart) throw b.failStart;
    if (box.info.state === 'running') return box.info;
    box.info = { ...box.info, state: 'running', exitCode: undefined, startedAt: new Date().toISOString(), pid: 1000 + this.#ids };
    box.probes = 0;
    for (const line of b.logs ?? []) this.write(id, line);
    if (b.lateLogs) box.timers.push(setTimeout(() => b.lateLogs?.forEach((l) => this.write(id, l)), b.logAfterMs ?? 0));
    if (b.exitCode !== undefined) {
      const code = b.exitCode;
      if (b.exitAfterMs) box.timers.push(setTimeout(() => this.exit(id, code), b.exitAfterMs));
      else queueMicrotask(() => this.exit(id, code));
    }
    return box.info;
  }

  async stopContainer(id: string, _options: StopOptions): Promise<void> {
    this.#record('stopContainer', id);
    const box = this.#containers.get(id);
    if (!box) return;
    for (const t of box.timers) clearTimeout(t);
    if (box.info.state === 'running') box.info = { ...box.info, state: 'exited', exitCode: 0, pid: undefined };
    this.#wake(box);
  }

  async removeContainer(id: string, _options?: { force?: boolean }): Promise<void> {
    this.#record('removeContainer', id);
    const box = this.#containers.get(id);
    if (!box) return;
    for (const t of box.timers) clearTimeout(t);
    box.info = { ...box.info, state: 'dead' };
    this.#containers.delete(id);
    this.#wake(box);
  }

  async listContainers(project: string): Promise<readonly ContainerInfo[]> {
    this.#record('listContainers', project);
    return [...this.#containers.values()].map((b) => b.info).filter((c) => c.project === project);
  }

  async inspectContainer(id: string): Promise<ContainerInfo> {
    return this.#box(id).info;
  }

  async *logs(id: string, options: LogOptions = {}): AsyncIterable<LogLine> {
    const box = this.#box(id);
    let index = options.tail !== undefined ? Math.max(0, box.logs.length - options.tail) : 0;
    for (;;) {
      while (index < box.logs.length) {
        const line = box.logs[index++] as LogLine;
        if (!options.since || line.timestamp >= options.since) yield line;
      }
      if (!options.follow || options.signal?.aborted || box.info.state !== 'running' || !this.#containers.has(id)) return;
      await new Promise<void>((resolve) => {
        const done = () => {
          box.listeners.delete(done);
          options.signal?.removeEventListener('abort', done);
          resolve();
        };
        box.listeners.add(done);
        options.signal?.addEventListener('abort', done, { once: true });
      });
    }
  }

  async exec(id: string, command: readonly string[]): Promise<ExecResult> {
    this.#record('exec', id);
    const box = this.#box(id);
    const b = this.behaviours.get(box.info.service) ?? {};
    return b.exec ? b.exec(command) : { exitCode: 0, stdout: command.join(' '), stderr: '' };
  }

  async probeHealth(id: string): Promise<ProbeResult> {
    this.#record('probeHealth', id);
    const box = this.#box(id);
    const b = this.behaviours.get(box.info.service) ?? {};
    box.probes++;
    const healthy = !b.neverHealthy && box.probes > (b.healthyAfterProbes ?? 0);
    box.info = { ...box.info, health: healthy ? 'healthy' : 'starting' };
    return { healthy, exitCode: healthy ? 0 : 1, output: b.probeOutput ?? (healthy ? 'ok' : 'not ready') };
  }
}
