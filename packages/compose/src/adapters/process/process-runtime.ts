import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type {
  ContainerInfo,
  ContainerRequest,
  ExecOptions,
  ExecResult,
  ListOptions,
  LogLine,
  LogOptions,
  NetworkRequest,
  ProbeResult,
  ResourceInfo,
  RuntimeCapability,
  StopOptions,
  VolumeRequest,
} from '../../runtime/types.js';
import { ContainerNotFoundError } from '../../errors/container-not-found-error.js';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.js';
import { UnsupportedOperationError } from '../../errors/unsupported-operation-error.js';
import { runCommand } from './exec/command-runner.js';
import { ownerIsDead, processRuns, toContainerInfo } from './state/container-info.js';
import { fileLogs, ownedLogs } from './logs/container-logs.js';
import { sharedSpawner } from './spawn/shared-spawner.js';
import { Prestarter } from './spawn/prestart.js';
import { buildRecord } from './setup/build-record.js';
import { keepAliveUntil } from './keep-alive.js';
import { probeHealth } from './exec/health-probe.js';
import { LogBuffer } from './logs/buffer.js';
import { outputFiles, removeOutputFiles } from './logs/files.js';
import { resolveOptions, type ProcessRuntime, type ProcessRuntimeOptions } from './options.js';
import { projectOfId } from './state/paths.js';
import { signalGroup, stopGroup } from './spawn/proc.js';
import { reapLeftovers } from './supervision/reaper.js';
import * as resources from './setup/resources.js';
import { backoffDelay, shouldRestart, type Backoff } from './supervision/restart-policy.js';
import { removeSecrets } from './setup/secrets.js';
import { ContainerRecords } from './state/records.js';
import { StateStore } from './state/store.js';
import type { ContainerRecord } from './state/types.js';
import { Supervisor, type Started } from './supervision/supervisor.js';
import { stopContainer, within } from './supervision/stop.js';

export type { ProcessRuntime, ProcessRuntimeOptions } from './options.js';

const CAPABILITIES: ReadonlySet<RuntimeCapability> = new Set<RuntimeCapability>([
  'networks', 'volumes', 'ports', 'secrets', 'bind-mounts', 'logs', 'logs.follow', 'exec', 'exec.output', 'health', 'restart-policy', 'replicas', 'pause',
]);
const PROJECT_NAME = /^[a-z0-9][a-z0-9_-]*$/;

class ProcessRuntimeImpl implements ProcessRuntime {
  readonly name = 'process' as const;
  readonly capabilities = CAPABILITIES;
  readonly stateDir: string;
  private readonly store: StateStore;
  private readonly records: ContainerRecords;
  private readonly supervisors = new Map<string, Supervisor>();
  private readonly bufferLines: number;
  private readonly backoff: Backoff;
  private closed = false;
  private readonly starting = new Map<string, Promise<ContainerInfo>>();
  private readonly spawner = sharedSpawner();
  private readonly prestarter = new Prestarter(this.spawner, async (record) => (await this.records.get(record.id)) !== undefined);

  constructor(options: ProcessRuntimeOptions) {
    const resolved = resolveOptions(options);
    this.stateDir = resolved.stateDir;
    this.store = new StateStore(this.stateDir);
    this.records = new ContainerRecords(this.store);
    this.bufferLines = resolved.logBufferLines;
    this.backoff = resolved.backoff;
  }

  // --- networks and volumes ---
  ensureNetwork(request: NetworkRequest) { return resources.ensureNetwork(this.store, checkProject(request)); }
  removeNetwork(project: string, runtimeName: string) { return resources.removeNetwork(this.store, checkName(project), runtimeName); }
  listNetworks(project: string): Promise<readonly ResourceInfo[]> { return resources.listNetworks(this.store, checkName(project)); }
  ensureVolume(request: VolumeRequest) { return resources.ensureVolume(this.store, checkProject(request)); }
  removeVolume(project: string, runtimeName: string) { return resources.removeVolume(this.store, checkName(project), runtimeName); }
  listVolumes(project: string): Promise<readonly ResourceInfo[]> { return resources.listVolumes(this.store, checkName(project)); }

  // --- containers ---
  async createContainer(request: ContainerRequest): Promise<ContainerInfo> {
    checkName(request.project);
    this.spawner.warm(); // a start usually follows: have the spawner's helper ready by then
    const record = await buildRecord(this.store, request);
    const files = outputFiles(this.store.paths(record.project), record.id);
    try {
      this.ensureLogsDir(record.project);
      if (!this.closed) this.prestarter.prepare(record, files); // set up while the record is written
      await this.records.add(record);
    } catch (error) {
      this.prestarter.discard(record.id);
      await removeSecrets(record.secretDir);
      await removeOutputFiles(files);
      throw error;
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
    const supervisor = this.supervisorFor(record);
    supervisor.stopping = false;
    supervisor.released = false;
    supervisor.cancelRestart();
    supervisor.attempt = 0;
    // `desired: running` is on record before spawning, so a stop that arrives meanwhile (from
    // any process) sets `stopped` and wins: launch() then kills what it spawned.
    if (record.desired !== 'running' && !(await this.records.wantRunning(record))) throw new ContainerNotFoundError('process', id, { service: record.service });
    return this.launch(supervisor, record, true);
  }

  stopContainer(id: string, options: StopOptions): Promise<void> {
    return keepAliveUntil(this.stopNow(id, options));
  }

  private async stopNow(id: string, options: StopOptions): Promise<void> {
    this.prestarter.discard(id);
    const supervisor = this.supervisors.get(id);
    if (supervisor) supervisor.stopping = true; // a start in flight kills what it spawns
    await this.starting.get(id)?.catch(() => undefined); // then the stop comes after the start
    await stopContainer(this.records, id, options, this.supervisors.get(id));
  }

  removeContainer(id: string, options: { readonly force?: boolean } = {}): Promise<void> {
    return keepAliveUntil(this.removeNow(id, options));
  }

  private async removeNow(id: string, options: { readonly force?: boolean }): Promise<void> {
    const record = await this.records.get(id);
    const supervisor = this.supervisors.get(id);
    if (record) {
      await this.stopNow(id, options.force ? { timeoutMs: 0, signal: 'SIGKILL' } : { timeoutMs: record.stopGraceMs }).catch(() => undefined);
      await this.records.remove(record);
      await removeSecrets(record.secretDir);
    }
    if (supervisor) {
      supervisor.logs.end();
      supervisor.stopTailing();
      this.supervisors.delete(id);
    }
    if (record) await removeOutputFiles(outputFiles(this.store.paths(record.project), id));
  }

  listContainers(project: string, options: ListOptions = {}): Promise<readonly ContainerInfo[]> {
    return keepAliveUntil(this.list(project, options));
  }

  private async list(project: string, options: ListOptions): Promise<readonly ContainerInfo[]> {
    this.spawner.warm(); // an `up` lists first: the spawner is ready by the time it starts something
    await reapLeftovers(this.records, checkName(project));
    const records = await Promise.all((await this.records.all(project)).map((r) => this.settled(r)));
    const infos = records.filter((r): r is ContainerRecord => r !== undefined).map((r) => toContainerInfo(r, this.runs));
    const shown = options.all === false ? infos.filter((i) => i.state === 'running' || i.state === 'restarting' || i.state === 'paused') : infos;
    return shown.sort((a, b) => a.service.localeCompare(b.service) || a.replica - b.replica || a.id.localeCompare(b.id));
  }

  inspectContainer(id: string): Promise<ContainerInfo> {
    return keepAliveUntil(this.record(id).then((r) => toContainerInfo(r, this.runs)));
  }

  reap(project: string): Promise<readonly string[]> {
    return keepAliveUntil(reapLeftovers(this.records, checkName(project)));
  }

  // --- logs, exec, health ---
  async *logs(id: string, options: LogOptions = {}): AsyncIterable<LogLine> {
    const record = await this.record(id);
    const files = outputFiles(this.store.paths(record.project), id);
    const supervisor = this.supervisors.get(id);
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
    const result = await runCommand(command, {
      cwd: options.workdir ? resolve(record.cwd, options.workdir) : record.cwd,
      env: { ...process.env, ...record.env, ...options.env },
      timeoutMs: options.timeoutMs,
      signal: options.signal,
    });
    return { exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr };
  }

  probeHealth(id: string, options: { readonly timeoutMs?: number; readonly signal?: AbortSignal } = {}): Promise<ProbeResult> {
    return keepAliveUntil(this.record(id).then((record) => probeHealth(this.records, record, options)));
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
    const to = verb === 'pause' ? 'paused' : 'running';
    const { found, changed } = await this.records.freeze(id, from, to);
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
    this.closed = true;
    this.prestarter.discardAll();
    const byProject = new Map<string, string[]>();
    for (const [id, supervisor] of this.supervisors) {
      supervisor.released = true;
      supervisor.cancelRestart();
      const project = projectOfId(id);
      if (project) byProject.set(project, [...(byProject.get(project) ?? []), id]);
    }
    for (const [project, ids] of byProject) {
      await this.records.release(project, ids).catch(() => undefined);
    }
    // The services keep running: their output keeps going to their files, and is tailed into
    // the index while this process lives. Tailers with nothing left to tail stop now.
    for (const supervisor of this.supervisors.values()) if (!supervisor.running) supervisor.stopTailing();
  }

  // --- internals ---
  private async record(id: string): Promise<ContainerRecord> {
    const record = await this.settled(await this.records.get(id));
    if (!record) throw new ContainerNotFoundError('process', id);
    return record;
  }

  /** A record of ours whose process just ended: wait (bounded) until its exit is recorded. */
  private async settled(record: ContainerRecord | undefined): Promise<ContainerRecord | undefined> {
    const supervisor = record && this.supervisors.get(record.id);
    if (!record || !supervisor || record.state !== 'running' || this.runs(record) || supervisor.current?.pid !== record.pid) return record;
    await within(supervisor.exited, 1_000);
    return this.records.get(record.id);
  }

  /** The project's log folder (synchronous: a no-op `mkdir` of an existing folder is microseconds, while the thread pool may be busy). */
  private ensureLogsDir(project: string): void {
    mkdirSync(this.store.paths(project).logsDir, { recursive: true, mode: 0o700 });
  }

  /**
   * Whether a record's process runs: what its supervisor knows when this runtime spawned it (no
   * system call: a listing of hundreds of containers costs nothing per container), else what
   * the system says ({@link processRuns}).
   */
  private readonly runs = (record: ContainerRecord): boolean => this.supervisors.get(record.id)?.runs(record.pid) ?? processRuns(record);

  private supervisorFor(record: ContainerRecord): Supervisor {
    let supervisor = this.supervisors.get(record.id);
    if (!supervisor) {
      const buffer = new LogBuffer(this.bufferLines);
      const files = outputFiles(this.store.paths(record.project), record.id);
      const created: Supervisor = new Supervisor(record.id, buffer, files, (started, exitCode) => this.onExit(created, record.project, started, exitCode), this.spawner);
      supervisor = created;
      this.supervisors.set(record.id, supervisor);
    }
    return supervisor;
  }

  private async launch(supervisor: Supervisor, record: ContainerRecord, manual = false): Promise<ContainerInfo> {
    let started: Started;
    try {
      const stub = manual ? await this.prestarter.take(record.id) : undefined;
      if (!stub) this.ensureLogsDir(record.project); // a stub's output files are there already
      started = await supervisor.spawn(record, stub);
    } catch (error) {
      await this.records.spawnFailed(record);
      supervisor.logs.end();
      supervisor.stopTailing();
      throw error;
    }
    supervisor.logs.reopen();
    return this.recordStart(supervisor, record, started, manual);
  }

  /**
   * Records a spawned process as running. A container removed meanwhile, or stopped (from any
   * process) while it started, has its process killed; so does one whose start cannot be
   * recorded (a process nobody could find again).
   */
  private async recordStart(supervisor: Supervisor, record: ContainerRecord, started: Started, manual: boolean): Promise<ContainerInfo> {
    let outcome: { readonly record: ContainerRecord; readonly wanted: boolean } | undefined;
    try {
      outcome = await this.records.started(record, started, { resetRestarts: manual, released: () => this.closed, wanted: () => !supervisor.stopping });
    } catch (error) {
      supervisor.stopping = true;
      await stopGroup(started.pid, started.startTime, { signal: 'SIGKILL', graceMs: 2_000 });
      throw error;
    }
    if (!outcome) {
      supervisor.stopping = true;
      await stopGroup(started.pid, started.startTime, { signal: 'SIGKILL', graceMs: 2_000 });
      throw new ContainerNotFoundError('process', record.id, { service: record.service });
    }
    if (!outcome.wanted) {
      // Stopped while it was starting: it never counts as started.
      supervisor.stopping = true;
      await stopGroup(started.pid, started.startTime, { signal: 'SIGKILL', graceMs: 2_000 });
      await within(supervisor.exited, 2_000);
      return this.inspectContainer(record.id);
    }
    return toContainerInfo(outcome.record, this.runs);
  }

  private async onExit(supervisor: Supervisor, project: string, started: Started, exitCode: number): Promise<void> {
    const decision = await this.records.exited(supervisor.id, project, started.pid, exitCode, (current) => !supervisor.stopping && !supervisor.released && !this.closed && shouldRestart(current.restart, exitCode, current.restartCount)).catch(() => 'final' as const);
    if (decision === 'stale') return;
    if (decision !== 'restart') {
      supervisor.logs.end();
      supervisor.stopTailing();
      if (decision === 'gone') {
        // Removed by another runtime object or process: nothing of it may stay behind here.
        await removeOutputFiles(outputFiles(this.store.paths(project), supervisor.id));
        if (this.supervisors.get(supervisor.id) === supervisor) this.supervisors.delete(supervisor.id);
      }
      return;
    }
    const attempt = Date.now() - started.at >= 10_000 ? 0 : supervisor.attempt;
    supervisor.attempt = attempt + 1;
    supervisor.timer = setTimeout(() => void this.restart(supervisor, project), backoffDelay(this.backoff, attempt));
    supervisor.timer.unref();
  }

  private async restart(supervisor: Supervisor, project: string): Promise<void> {
    supervisor.timer = undefined;
    const record = await this.records.get(supervisor.id).catch(() => undefined);
    if (!record || supervisor.stopping || supervisor.released || this.closed || record.desired !== 'running' || record.state !== 'restarting') {
      if (record?.state === 'restarting') await this.records.abandonRestart(record).catch(() => undefined);
      supervisor.logs.end();
      supervisor.stopTailing();
      return;
    }
    await this.launch(supervisor, record).catch(() => undefined);
  }
}

function checkName(project: string): string {
  if (!PROJECT_NAME.test(project)) throw new InvalidArgumentError(`process runtime: invalid project name '${project}': use lowercase letters, digits, '-' and '_', starting with a letter or digit`, { field: 'project' });
  return project;
}

function checkProject<T extends { readonly project: string }>(request: T): T {
  checkName(request.project);
  return request;
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
  return new ProcessRuntimeImpl(options);
}
