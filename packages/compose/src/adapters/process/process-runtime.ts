import type {
  ContainerInfo,
  ContainerRequest,
  ExecOptions,
  ExecResult,
  FileSync,
  HostPortClaim,
  HostPortConflict,
  ListOptions,
  LogLine,
  LogOptions,
  NetworkRequest,
  PortListener,
  ProbeResult,
  ProjectSummary,
  PublishedPort,
  ResourceInfo,
  StopOptions,
  VolumeRequest,
} from '../../runtime/types.js';
import { CAPABILITIES } from './capabilities.js';
import { resolveOptions, type ProcessRuntime, type ProcessRuntimeOptions, type ResolvedOptions } from './options.js';
import type { ProcessRuntimeImpl } from './process-runtime-impl.js';

export type { ProcessRuntime, ProcessRuntimeOptions } from './options.js';

type ImplModule = typeof import('./process-runtime-impl.js');
let implModule: Promise<ImplModule> | undefined;

/**
 * The public face of the process runtime: its options checked and its state folder known at once,
 * its implementation (process-runtime-impl.ts and the folders below, about 40% of the SDK's
 * code) loaded by the first call that needs it. `import('@selur/compose')` then compiles none of
 * it: a program that only loads, validates or plans a project never pays for it, and one that
 * deploys loads it while the engine starts (`prepare`).
 */
class LazyProcessRuntime implements ProcessRuntime {
  readonly name = 'process' as const;
  readonly capabilities = CAPABILITIES;
  readonly stateDir: string;
  // TypeScript's `private`, not `#` fields: a runtime wrapped in a Proxy (to take a capability
  // away in a test, say) calls these with the proxy as `this`, which `#` fields refuse
  private readonly options: ResolvedOptions;
  private impl: Promise<ProcessRuntimeImpl> | undefined;

  constructor(options: ProcessRuntimeOptions) {
    this.options = resolveOptions(options);
    this.stateDir = this.options.stateDir;
  }

  /** @internal The engine is about to converge: the implementation, the spawner's thread and zygote start meanwhile. */
  prepare(): void {
    // a failure to load shows at the next call, which loads again
    this.load().then((impl) => impl.prepare(), () => undefined);
  }

  ensureNetwork(request: NetworkRequest) { return this.load().then((impl) => impl.ensureNetwork(request)); }
  removeNetwork(project: string, runtimeName: string) { return this.load().then((impl) => impl.removeNetwork(project, runtimeName)); }
  listNetworks(project: string): Promise<readonly ResourceInfo[]> { return this.load().then((impl) => impl.listNetworks(project)); }
  ensureVolume(request: VolumeRequest) { return this.load().then((impl) => impl.ensureVolume(request)); }
  removeVolume(project: string, runtimeName: string) { return this.load().then((impl) => impl.removeVolume(project, runtimeName)); }
  listVolumes(project: string): Promise<readonly ResourceInfo[]> { return this.load().then((impl) => impl.listVolumes(project)); }
  checkHostPorts(project: string, claims: readonly HostPortClaim[]): Promise<readonly HostPortConflict[]> { return this.load().then((impl) => impl.checkHostPorts(project, claims)); }
  createContainer(request: ContainerRequest): Promise<ContainerInfo> { return this.load().then((impl) => impl.createContainer(request)); }
  startContainer(id: string): Promise<ContainerInfo> { return this.load().then((impl) => impl.startContainer(id)); }
  stopContainer(id: string, options: StopOptions): Promise<void> { return this.load().then((impl) => impl.stopContainer(id, options)); }
  removeContainer(id: string, options?: { readonly force?: boolean }): Promise<void> { return this.load().then((impl) => impl.removeContainer(id, options)); }
  listContainers(project: string, options?: ListOptions): Promise<readonly ContainerInfo[]> { return this.load().then((impl) => impl.listContainers(project, options)); }
  inspectContainer(id: string): Promise<ContainerInfo> { return this.load().then((impl) => impl.inspectContainer(id)); }
  listProjects(): Promise<readonly ProjectSummary[]> { return this.load().then((impl) => impl.listProjects()); }
  reap(project: string): Promise<readonly string[]> { return this.load().then((impl) => impl.reap(project)); }
  async *logs(id: string, options?: LogOptions): AsyncIterable<LogLine> { yield* (await this.load()).logs(id, options); }
  exec(id: string, command: readonly string[], options?: ExecOptions): Promise<ExecResult> { return this.load().then((impl) => impl.exec(id, command, options)); }
  syncFiles(id: string, changes: readonly FileSync[], options?: { readonly signal?: AbortSignal | undefined }): Promise<void> { return this.load().then((impl) => impl.syncFiles(id, changes, options)); }
  probeHealth(id: string, options?: { readonly timeoutMs?: number; readonly signal?: AbortSignal }): Promise<ProbeResult> { return this.load().then((impl) => impl.probeHealth(id, options)); }
  portListener(id: string, port: PublishedPort): Promise<PortListener> { return this.load().then((impl) => impl.portListener(id, port)); }
  waitContainer(id: string, options?: { readonly signal?: AbortSignal | undefined }): Promise<number | undefined> { return this.load().then((impl) => impl.waitContainer(id, options)); }
  pauseContainer(id: string): Promise<void> { return this.load().then((impl) => impl.pauseContainer(id)); }
  unpauseContainer(id: string): Promise<void> { return this.load().then((impl) => impl.unpauseContainer(id)); }
  buildImage(): Promise<never> { return this.load().then((impl) => impl.buildImage()); }

  /** Nothing to release when no call ever loaded the implementation. */
  async close(): Promise<void> {
    if (this.impl) await (await this.impl).close();
  }

  private load(): Promise<ProcessRuntimeImpl> {
    this.impl ??= (implModule ??= import('./process-runtime-impl.js')).then(
      ({ ProcessRuntimeImpl }) => new ProcessRuntimeImpl(this.options),
      (error: unknown) => {
        implModule = undefined;
        this.impl = undefined;
        throw error;
      },
    );
    return this.impl;
  }
}

/**
 * The embedded default runtime: runs each service's `command` (argv, no shell) as a host process
 * in its own process group, needing nothing installed. See the README section "Process runtime"
 * for the environment it injects:
 * - `PORT` = the host port of the service's first port, `PORT_<target>` = each port's host port
 *   (`PORT_<target>_UDP` for UDP); a published port of 0 or none gets a free 127.0.0.1 port;
 * - `<NAME>_FILE` = path of each secret, copied (0600) into a private temporary folder (0700);
 * - `SELUR_MOUNT_<TARGET>` = host folder of each mount (target upper-cased, non-alphanumerics
 *   to `_`): processes cannot mount, so they read the path from there. Named volumes are
 *   folders under the project's state folder.
 *
 * State lives in one JSON file per project under `stateDir`, so another runtime object (or
 * another process) lists, stops and removes what this one started; leftovers of an owner that
 * died are reaped by `listContainers` (see {@link ProcessRuntime.reap}). `close()` stops
 * supervising (restarts) and releases the services without stopping them. A service's stdout
 * and stderr go to append-only files (tailed into memory by its owner while the owner lives),
 * so a released service keeps running and logging after its owner process exits.
 *
 * @example
 * ```ts
 * import { processRuntime } from '@selur/compose';
 * const runtime = processRuntime({ stateDir: '/tmp/state' });
 * const info = await runtime.createContainer(request); // request from the engine
 * await runtime.startContainer(info.id);
 * ```
 */
export function processRuntime(options: ProcessRuntimeOptions = {}): ProcessRuntime {
  return new LazyProcessRuntime(options);
}
