import { ContainerNotFoundError } from '../../../errors/container-not-found-error.js';
import type { LogBuffer } from '../logs/buffer.js';
import { ensureLogsDir, removeOutputFiles, type OutputFiles } from '../logs/files.js';
import type { ChildSpawner } from '../spawn/child-spawner.js';
import type { Stub } from '../spawn/prestart.js';
import { stopGroup } from '../spawn/proc.js';
import type { ContainerRecords } from '../state/records.js';
import type { ContainerRecord } from '../state/types.js';
import { backoffDelay, shouldRestart, type Backoff } from './restart-policy.js';
import { Supervisor, within, type Started } from './supervisor.js';

/** What a restart loop needs from the runtime object it works for (see supervision.ts). */
export interface LoopContext {
  readonly records: ContainerRecords;
  readonly spawner: ChildSpawner;
  readonly backoff: Backoff;
  /** The held child made for a container's first start, if any (see Prestarter.take). */
  readonly takeStub: (id: string) => Promise<Stub | undefined>;
  /** True once the runtime object is closed: nothing restarts, and a start in flight is released at once. */
  readonly closed: () => boolean;
  /** The container was removed by someone else: this loop is done. */
  readonly gone: (loop: RestartLoop) => void;
}

/**
 * One container's supervision in one runtime object: its starts (through a runtime) and its
 * restarts (by its restart policy, with backoff), around the {@link Supervisor} that runs its
 * process. It owns the state that takes (a stop in progress, a release by `close()`, the pending
 * restart and the count of short runs in a row); the runtime tells it what happens through
 * {@link start}, {@link stop}, {@link release} and {@link finish}.
 */
export class RestartLoop {
  readonly supervisor: Supervisor;
  /** Set while a stop/remove through a runtime is in progress or done: no restart. */
  private stopping = false;
  /** Set by `close()`: exits are recorded but nothing restarts. */
  private released = false;
  /** Pending restart. */
  private timer: NodeJS.Timeout | undefined;
  /** Restarts in a row that ran briefly (for the backoff). */
  private attempt = 0;

  constructor(readonly id: string, private readonly project: string, logs: LogBuffer, files: OutputFiles, private readonly context: LoopContext) {
    this.supervisor = new Supervisor(id, logs, files, (started, exitCode) => this.onExit(started, exitCode), context.spawner);
  }

  /**
   * A start through a runtime: a fresh run (no stop, no release, no pending restart, restart
   * count reset). `desired: running` is on record before spawning, so a stop that arrives
   * meanwhile (from any process) sets `stopped` and wins: the process is then killed. Gives the
   * record as started, or undefined when a stop won.
   */
  async start(record: ContainerRecord): Promise<ContainerRecord | undefined> {
    this.stopping = false;
    this.released = false;
    this.cancelRestart();
    this.attempt = 0;
    if (record.desired !== 'running' && !(await this.context.records.wantRunning(record))) throw new ContainerNotFoundError('process', record.id, { service: record.service });
    return this.launch(record, true);
  }

  /** A stop or remove through a runtime is in progress or done: a start in flight kills what it spawns, and nothing restarts. */
  stop(): void {
    this.stopping = true;
    this.cancelRestart();
  }

  /** `close()`: exits are still recorded, but nothing restarts. */
  release(): void {
    this.released = true;
    this.cancelRestart();
  }

  /** The container is done here (exited for good, or removed): followers of its output end, tailing stops. */
  finish(): void {
    this.supervisor.logs.end();
    this.supervisor.stopTailing();
  }

  private cancelRestart(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async launch(record: ContainerRecord, manual = false): Promise<ContainerRecord | undefined> {
    let started: Started;
    try {
      const stub = manual ? await this.context.takeStub(record.id) : undefined;
      if (!stub) ensureLogsDir(this.context.records.paths(record.project)); // a stub's output files are there already
      started = await this.supervisor.spawn(record, stub);
    } catch (error) {
      await this.context.records.spawnFailed(record);
      this.finish();
      throw error;
    }
    this.supervisor.logs.reopen();
    return this.recordStart(record, started, manual);
  }

  /**
   * Records a spawned process as running. A container removed meanwhile, or stopped (from any
   * process) while it started, has its process killed; so does one whose start cannot be
   * recorded (a process nobody could find again).
   */
  private async recordStart(record: ContainerRecord, started: Started, manual: boolean): Promise<ContainerRecord | undefined> {
    let outcome: { readonly record: ContainerRecord; readonly wanted: boolean } | undefined;
    try {
      outcome = await this.context.records.started(record, started, { resetRestarts: manual, released: this.context.closed, wanted: () => !this.stopping });
    } catch (error) {
      await this.kill(started);
      throw error;
    }
    if (!outcome) {
      await this.kill(started);
      throw new ContainerNotFoundError('process', record.id, { service: record.service });
    }
    if (!outcome.wanted) {
      // Stopped while it was starting: it never counts as started.
      await this.kill(started);
      await within(this.supervisor.exited, 2_000);
      return undefined;
    }
    return outcome.record;
  }

  private async kill(started: Started): Promise<void> {
    this.stopping = true;
    await stopGroup(started.pid, started.startTime, { signal: 'SIGKILL', graceMs: 2_000 });
  }

  private async onExit(started: Started, exitCode: number): Promise<void> {
    const restarts = (current: ContainerRecord) => !this.stopping && !this.released && !this.context.closed() && shouldRestart(current.restart, exitCode, current.restartCount);
    const decision = await this.context.records.exited(this.id, this.project, started.pid, exitCode, restarts).catch(() => 'final' as const);
    if (decision === 'stale') return;
    if (decision !== 'restart') {
      this.finish();
      if (decision === 'gone') {
        // Removed by another runtime object or process: nothing of it may stay behind here.
        await removeOutputFiles(this.supervisor.files);
        this.context.gone(this);
      }
      return;
    }
    const attempt = Date.now() - started.at >= 10_000 ? 0 : this.attempt;
    this.attempt = attempt + 1;
    this.timer = setTimeout(() => void this.restart(), backoffDelay(this.context.backoff, attempt));
    this.timer.unref();
  }

  private async restart(): Promise<void> {
    this.timer = undefined;
    const record = await this.context.records.get(this.id).catch(() => undefined);
    if (!record || this.stopping || this.released || this.context.closed() || record.desired !== 'running' || record.state !== 'restarting') {
      if (record?.state === 'restarting') await this.context.records.abandonRestart(record).catch(() => undefined);
      this.finish();
      return;
    }
    await this.launch(record).catch(() => undefined);
  }
}
