import { resolve } from 'node:path';
import type {
  ContainerInfo,
  ContainerState,
  HostPortClaim,
  HostPortConflict,
  ContainerRequest,
  ExecOptions,
  FileSync,
  ExecResult,
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
import { ContainerNotFoundError } from '../../errors/container-not-found-error.js';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.js';
import { UnsupportedOperationError } from '../../errors/unsupported-operation-error.js';
import { runCommand } from './exec/command-runner.js';
import { probeHealth } from './exec/health-probe.js';
import { ProbedHealth } from './exec/probed-health.js';
import { foreignListener, recordPortListener } from './exec/own-ports.js';
import { keepAliveUntil } from './keep-alive.js';
import { fileLogs, ownedLogs } from './logs/container-logs.js';
import { ensureLogsDir, exitFileCode, outputFiles, removeOutputFiles } from './logs/files.js';
import type { ProcessRuntime, ResolvedOptions } from './options.js';
import { buildRecord } from './setup/build-record.js';
import * as resources from './setup/resources.js';
import { removeSecrets } from './setup/secrets.js';
import { checkHostPorts } from './setup/port-check.js';
import { Prestarter } from './spawn/prestart.js';
import { signalGroup, zombieExitCode } from './spawn/proc.js';
import { sharedSpawner } from './spawn/shared-spawner.js';
import { ownerIsDead, processRuns, toContainerInfo } from './state/container-info.js';
import { ContainerRecords } from './state/records.js';
import { StateStore } from './state/store.js';
import type { ContainerRecord } from './state/types.js';
import { reapLeftovers } from './supervision/reaper.js';
import { Supervision } from './supervision/supervision.js';
import { untilOrAborted } from './supervision/wait.js';
import { processArgv, processEnvironment } from './spawn/environment.js';
import { resolveRunAs } from './setup/user.js';
import { syncFiles } from './exec/sync-files.js';
import { compareNames } from '../../graph/compare-names.js';
import { CAPABILITIES } from './capabilities.js';

const PROJECT_NAME = /^[a-z0-9][a-z0-9_-]*$/;
/** How often `waitContainer` reads a container it does not supervise (ms). */
const WAIT_POLL_MS = 50;
/** How long `waitContainer` waits for the exit code of a process found gone to be recorded (ms). */
const EXIT_CODE_GRACE_MS = 2_000;

/**
 * The `Runtime` port mapped onto the parts of this folder (see README.md, "Layout"): the state
 * (state/: one journal file per project, changed through the record operations of
 * state/records.ts), the spawners and held children (spawn/), the output files and their readers
 * (logs/), what a container is made of (setup/), exec and health probes (exec/), and the
 * supervision of what this object started (supervision/). Each call checks its arguments and
 * keeps the process alive while it is in flight (keep-alive.ts).
 */
export class ProcessRuntimeImpl implements ProcessRuntime {
  readonly name = 'process' as const;
  readonly capabilities = CAPABILITIES;
  readonly stateDir: string;
  private readonly store: StateStore;
  private readonly records: ContainerRecords;
  /** Health found by this object's probes, until the state file has it. */
  private readonly probed: ProbedHealth;
  private readonly spawner = sharedSpawner();
  private readonly prestarter: Prestarter;
  private readonly supervision: Supervision;
  /** Starts in flight: two starts at once make one process, and a stop waits for the start. */
  private readonly starting = new Map<string, Promise<ContainerInfo>>();
  /** The reap of each project in flight (see {@link reapOnce}). */
  private readonly reaping = new Map<string, Promise<string[]>>();
  /**
   * Containers whose record is being written: their held child exists already (see
   * createContainer), and the prestarter's sweep must not take the record's absence from the
   * state file for a removal (with 2,000 creations queued for the state file, over half the held
   * children were swept before their record was written, and their starts spawned directly).
   */
  private readonly adding = new Set<string>();

  constructor(resolved: ResolvedOptions) {
    this.stateDir = resolved.stateDir;
    this.store = new StateStore(this.stateDir);
    this.records = new ContainerRecords(this.store);
    this.probed = new ProbedHealth(this.records);
    this.prestarter = new Prestarter(this.spawner, async (record) => this.adding.has(record.id) || (await this.records.get(record.id)) !== undefined);
    this.supervision = new Supervision(this.records, this.spawner, { logBufferLines: resolved.logBufferLines, backoff: resolved.backoff, takeStub: (id) => this.prestarter.take(id) });
  }

  /** @internal The engine is about to converge: the spawner's thread and zygote start meanwhile. */
  prepare(): void {
    this.spawner.warm();
  }

  // --- networks and volumes ---
  ensureNetwork(request: NetworkRequest) {
    this.spawner.warm(); // an `up` ensures its networks first: the spawner is ready by the time it starts something
    return resources.ensureNetwork(this.store, checkProject(request));
  }
  removeNetwork(project: string, runtimeName: string) { return resources.removeNetwork(this.store, checkName(project), runtimeName); }
  listNetworks(project: string): Promise<readonly ResourceInfo[]> { return resources.listNetworks(this.store, checkName(project)); }
  ensureVolume(request: VolumeRequest) { return resources.ensureVolume(this.store, checkProject(request)); }
  removeVolume(project: string, runtimeName: string) { return resources.removeVolume(this.store, checkName(project), runtimeName); }
  listVolumes(project: string): Promise<readonly ResourceInfo[]> { return resources.listVolumes(this.store, checkName(project)); }

  // --- ports ---
  checkHostPorts(project: string, claims: readonly HostPortClaim[]): Promise<readonly HostPortConflict[]> { return checkHostPorts(this.store, checkName(project), claims); }

  // --- containers ---
  async createContainer(request: ContainerRequest): Promise<ContainerInfo> {
    checkName(request.project);
    this.spawner.warm(); // a start usually follows: have the spawner's helper ready by then
    const record = await buildRecord(this.store, request);
    const files = outputFiles(this.records.paths(record.project), record.id);
    this.adding.add(record.id);
    try {
      ensureLogsDir(this.records.paths(record.project));
      if (!this.supervision.closed) this.prestarter.prepare(record, files); // set up while the record is written
      await this.records.add(record);
    } catch (error) {
      await this.prestarter.discard(record.id); // its spawn makes the output files: ended first, then they go
      await removeSecrets(record.secretDir);
      await removeOutputFiles(files);
      throw error;
    } finally {
      this.adding.delete(record.id);
    }
    return toContainerInfo(record);
  }

  startContainer(id: string): Promise<ContainerInfo> {
    const inFlight = this.starting.get(id);
    if (inFlight) return inFlight; // two starts at once make one process
    const start = keepAliveUntil(this.startNow(id)).finally(() => this.starting.delete(id));
    this.starting.set(id, start);
    return start;
  }

  private async startNow(id: string): Promise<ContainerInfo> {
    const record = await this.record(id);
    if (record.state === 'running' && this.runs(record)) return toContainerInfo(record, this.runs);
    if (record.state === 'paused' && this.runs(record)) throw new InvalidArgumentError(`process runtime: container ${id} of service '${record.service}' is paused; unpause it instead of starting it`, { service: record.service });
    const started = await this.supervision.start(record);
    // Undefined: stopped (from any process) while it started, so it never counts as started.
    return started ? toContainerInfo(started, this.runs) : this.info(id);
  }

  stopContainer(id: string, options: StopOptions): Promise<void> {
    return keepAliveUntil(this.stopNow(id, options));
  }

  private async stopNow(id: string, options: StopOptions): Promise<void> {
    // A stub still being spawned creates the output files: a removal after this stop deletes
    // them, so the stop settles only once the stub is there and ended.
    const discarded = this.prestarter.discard(id);
    await this.supervision.stop(id, options, this.starting.get(id));
    await discarded;
  }

  removeContainer(id: string, options: { readonly force?: boolean } = {}): Promise<void> {
    return keepAliveUntil(this.removeNow(id, options));
  }

  private async removeNow(id: string, options: { readonly force?: boolean }): Promise<void> {
    const record = await this.records.get(id);
    if (record) {
      await this.stopNow(id, options.force ? { timeoutMs: 0, signal: 'SIGKILL' } : { timeoutMs: record.stopGraceMs }).catch(() => undefined);
      await this.records.remove(record);
      await removeSecrets(record.secretDir);
    }
    this.supervision.remove(id);
    if (record) await removeOutputFiles(outputFiles(this.records.paths(record.project), id));
  }

  listContainers(project: string, options: ListOptions = {}): Promise<readonly ContainerInfo[]> {
    return keepAliveUntil(this.list(project, options));
  }

  private async list(project: string, options: ListOptions): Promise<readonly ContainerInfo[]> {
    // No spawner warm-up here: `ps` and `down` list too, and need no helper process (an `up`
    // warms it when it ensures its networks, then again on its first create).
    await this.reapOnce(checkName(project));
    const records = await Promise.all((await this.records.all(project)).map((r) => this.supervision.settled(r)));
    const infos = await Promise.all(records.filter((r): r is ContainerRecord => r !== undefined).map((r) => this.observed(r)));
    const shown = options.all === false ? infos.filter((i) => i.state === 'running' || i.state === 'restarting' || i.state === 'paused') : infos;
    return shown.sort((a, b) => compareNames(a.service, b.service) || a.replica - b.replica || compareNames(a.id, b.id));
  }

  /**
   * A released service (its `up` process is gone) that ended on its own since: nobody waited for
   * it, so nobody recorded how it ended. While it is a zombie (pid 1 has not reaped it yet) its
   * exit code can still be read (zombieExitCode): it is recorded then, and the container as
   * recorded is returned, as Docker reports a container's own exit code. Undefined otherwise:
   * once reaped, it shows as `exited` with no code. A service whose owner lives is left to that
   * owner, which may restart it.
   */
  private async endedOnItsOwn(record: ContainerRecord): Promise<ContainerInfo | undefined> {
    if ((record.state !== 'running' && record.state !== 'paused') || record.pid === undefined) return undefined;
    if (record.ownerPid !== undefined && !ownerIsDead(record)) return undefined;
    const exitCode = zombieExitCode(record.pid, record.pidStartTime) ?? exitFileCode(outputFiles(this.records.paths(record.project), record.id).exit, record.pid);
    if (exitCode === undefined) return undefined;
    await this.records.stoppedFromOutside(record, record.pid, exitCode);
    const recorded = await this.records.get(record.id);
    return recorded && toContainerInfo(this.probed.apply(recorded), this.runs);
  }

  inspectContainer(id: string): Promise<ContainerInfo> {
    return keepAliveUntil(this.info(id));
  }

  listProjects(): Promise<readonly ProjectSummary[]> {
    return keepAliveUntil(this.projects());
  }

  /** Each project with a state file here, listed as `listContainers` lists it (so reaped), that has containers. */
  private async projects(): Promise<ProjectSummary[]> {
    // a file whose name is no project name is not ours
    const names = (await this.store.projectNames()).filter((name) => PROJECT_NAME.test(name));
    const summaries = await Promise.all(names.map(async (name) => summarize(name, await this.list(name, { brief: true }))));
    return summaries.filter((s): s is ProjectSummary => s !== undefined);
  }

  reap(project: string): Promise<readonly string[]> {
    return keepAliveUntil(this.reapOnce(checkName(project)));
  }

  /**
   * {@link reapLeftovers} of `project`, one at a time: a listing or reap that starts while one
   * runs takes its result rather than scan the process table again (the CLI's `ps` reaps, to say
   * what it stopped, and lists at once: one scan of every process's environment, not two).
   */
  private reapOnce(project: string): Promise<string[]> {
    const running = this.reaping.get(project);
    if (running) return running;
    const reap = reapLeftovers(this.records, project).finally(() => this.reaping.delete(project));
    this.reaping.set(project, reap);
    return reap;
  }

  // --- logs, exec, health ---
  async *logs(id: string, options: LogOptions = {}): AsyncIterable<LogLine> {
    const record = await this.record(id);
    const files = outputFiles(this.records.paths(record.project), id);
    const supervisor = this.supervision.supervisor(id);
    // Ours when this object started the process the record names (running or its last run).
    if (supervisor && supervisor.current?.pid === record.pid) {
      yield* ownedLogs(supervisor.logs, files, options);
      return;
    }
    yield* fileLogs(files, options, async () => {
      const current = await this.records.get(id);
      if (!current || current.state === 'exited') return true;
      if (current.state === 'created' || processRuns(current)) return false;
      return current.ownerPid === undefined || ownerIsDead(current);
    });
  }

  exec(id: string, command: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    return keepAliveUntil(this.execNow(id, command, options));
  }

  private async execNow(id: string, command: readonly string[], options: ExecOptions): Promise<ExecResult> {
    const record = await this.record(id);
    if (toContainerInfo(record).state === 'paused') throw new InvalidArgumentError(`process runtime: container ${id} of service '${record.service}' is paused; unpause it before exec`, { service: record.service });
    if (command.length === 0) throw new InvalidArgumentError('exec: the command is empty; give an argv such as ["sh", "-c", "echo hi"]', { service: record.service });
    if (options.privileged === true) throw new UnsupportedOperationError('process', 'exec.privileged', { service: record.service, hint: 'a host process has no container privileges to extend; run the command without privileged' });
    // another user than the service's: switched to with setpriv, as the service's own user is (root only)
    const runAs = options.user !== undefined ? resolveRunAs(record.service, options.user) : record.runAs;
    const result = await runCommand(processArgv({ ...record, runAs }, command), {
      cwd: options.workdir ? resolve(record.cwd, options.workdir) : record.cwd,
      env: processEnvironment(record, options.env),
      timeoutMs: options.timeoutMs,
      signal: options.signal,
      spawner: this.spawner,
    });
    return { exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr };
  }

  syncFiles(id: string, changes: readonly FileSync[], options: { readonly signal?: AbortSignal | undefined } = {}): Promise<void> {
    return keepAliveUntil(this.record(id).then((record) => syncFiles(record, changes, options.signal)));
  }

  probeHealth(id: string, options: { readonly timeoutMs?: number; readonly signal?: AbortSignal } = {}): Promise<ProbeResult> {
    return keepAliveUntil(this.record(id).then((record) => probeHealth((r, health) => this.probed.remember(r, health), this.probed.apply(record), options, (r) => foreignListener(this.store, r), this.spawner)));
  }

  /** Whether the service's own process tree listens on `port` (read from `/proc`). */
  portListener(id: string, port: PublishedPort): Promise<PortListener> {
    return keepAliveUntil(this.record(id).then((record) => recordPortListener(this.store, record, port)));
  }

  /**
   * Settles when the container has exited for good: at once for a process this object supervises
   * (its exit is handled, and recorded, by its supervisor), else by reading the record every
   * {@link WAIT_POLL_MS}. A restart in between (`restarting`) is not the end.
   */
  async waitContainer(id: string, options: { readonly signal?: AbortSignal | undefined } = {}): Promise<number | undefined> {
    const { signal } = options;
    let codeDeadline: number | undefined;
    for (;;) {
      signal?.throwIfAborted();
      const info = await this.info(id);
      if (info.state === 'exited' || info.state === 'dead') {
        // Its process is gone, but its owner has not recorded how (nor a restart) yet: read again, a while.
        codeDeadline ??= Date.now() + EXIT_CODE_GRACE_MS;
        if (info.exitCode !== undefined || Date.now() >= codeDeadline) return info.exitCode;
      } else codeDeadline = undefined;
      const supervisor = this.supervision.supervisor(id);
      const ours = codeDeadline === undefined && supervisor?.running === true && supervisor.current?.pid === info.pid;
      await untilOrAborted(ours ? supervisor.exited : undefined, ours ? 1_000 : WAIT_POLL_MS, signal);
    }
  }

  pauseContainer(id: string): Promise<void> {
    return keepAliveUntil(this.freeze(id, 'pause'));
  }

  unpauseContainer(id: string): Promise<void> {
    return keepAliveUntil(this.freeze(id, 'unpause'));
  }

  /** SIGSTOP (pause) or SIGCONT (unpause) to the container's process group, recorded first. */
  private async freeze(id: string, verb: 'pause' | 'unpause'): Promise<void> {
    const from = verb === 'pause' ? 'running' : 'paused';
    const { found, changed } = await this.records.freeze(id, from, verb === 'pause' ? 'paused' : 'running');
    if (!found) throw new ContainerNotFoundError('process', id);
    if (!changed) {
      const live = toContainerInfo(found).state;
      throw new InvalidArgumentError(`process runtime: cannot ${verb} container ${id} of service '${found.service}': it is ${live}, not ${from}`, { service: found.service });
    }
    signalGroup(found.pid as number, verb === 'pause' ? 'SIGSTOP' : 'SIGCONT', found.pidStartTime);
  }

  buildImage(): Promise<never> {
    return Promise.reject(new UnsupportedOperationError('process', 'build', { hint: 'the process runtime runs a service\'s command on the host and builds nothing; use the Docker runtime to build images' }));
  }

  async close(): Promise<void> {
    this.prestarter.discardAll();
    await this.supervision.close();
  }

  // --- internals ---
  /** The record of container `id`, its exit recorded when its process just ended; throws when there is none. */
  private async record(id: string): Promise<ContainerRecord> {
    const record = await this.supervision.settled(await this.records.get(id));
    if (!record) throw new ContainerNotFoundError('process', id);
    return record;
  }

  private async info(id: string): Promise<ContainerInfo> {
    return this.observed(await this.record(id));
  }

  /** What a record means now; recorded as running and seen ended, with how it ended where that can still be read (see endedOnItsOwn). */
  private async observed(record: ContainerRecord): Promise<ContainerInfo> {
    const info = toContainerInfo(this.probed.apply(record), this.runs);
    return info.state === 'exited' && record.state !== 'exited' ? ((await this.endedOnItsOwn(record)) ?? info) : info;
  }

  private readonly runs = (record: ContainerRecord): boolean => this.supervision.runs(record);
}

/** A project's containers counted by state; undefined when it has none. */
function summarize(name: string, containers: readonly ContainerInfo[]): ProjectSummary | undefined {
  if (containers.length === 0) return undefined;
  const states: Partial<Record<ContainerState, number>> = {};
  for (const c of containers) states[c.state] = (states[c.state] ?? 0) + 1;
  return { name, containers: containers.length, states };
}

function checkName(project: string): string {
  if (!PROJECT_NAME.test(project)) throw new InvalidArgumentError(`process runtime: invalid project name '${project}': use lowercase letters, digits, '-' and '_', starting with a letter or digit`, { field: 'project' });
  return project;
}

function checkProject<T extends { readonly project: string }>(request: T): T {
  checkName(request.project);
  return request;
}
