import type { StopOptions } from '../../../runtime/types.js';
import { LogBuffer } from '../logs/buffer.js';
import { outputFiles } from '../logs/files.js';
import type { ChildSpawner } from '../spawn/child-spawner.js';
import type { Stub } from '../spawn/prestart.js';
import { processRuns, type RunsCheck } from '../state/container-info.js';
import { projectOfId } from '../state/paths.js';
import type { ContainerRecords } from '../state/records.js';
import type { ContainerRecord } from '../state/types.js';
import { RestartLoop, type LoopContext } from './restart-loop.js';
import type { Backoff } from './restart-policy.js';
import { stopContainer } from './stop.js';
import { within, type Supervisor } from './supervisor.js';

/**
 * What one runtime object supervises: a {@link RestartLoop} per container it started, made at
 * its first start and kept until the container is removed, and whether the runtime object is
 * closed. The runtime maps its calls onto this; nothing else holds supervision state.
 */
export class Supervision {
  private readonly loops = new Map<string, RestartLoop>();
  private isClosed = false;
  private readonly context: LoopContext;

  constructor(
    private readonly records: ContainerRecords,
    spawner: ChildSpawner,
    private readonly options: { readonly logBufferLines: number; readonly backoff: Backoff; readonly takeStub: (id: string) => Promise<Stub | undefined> },
  ) {
    this.context = {
      records,
      spawner,
      backoff: options.backoff,
      takeStub: options.takeStub,
      closed: () => this.isClosed,
      gone: (loop) => {
        if (this.loops.get(loop.id) === loop) this.loops.delete(loop.id);
      },
    };
  }

  /** True once {@link close} was called. */
  get closed(): boolean {
    return this.isClosed;
  }

  /**
   * Whether a record's process runs: what its supervisor knows when this runtime object spawned
   * it (no system call: a listing of hundreds of containers costs nothing per container), else
   * what the system says ({@link processRuns}).
   */
  readonly runs: RunsCheck = (record) => this.loops.get(record.id)?.supervisor.runs(record.pid) ?? processRuns(record);

  /** The supervisor of container `id` in this runtime object, if it ever started it. */
  supervisor(id: string): Supervisor | undefined {
    return this.loops.get(id)?.supervisor;
  }

  /** Starts a container (see {@link RestartLoop.start}): the record as started, or undefined when a stop won. */
  start(record: ContainerRecord): Promise<ContainerRecord | undefined> {
    return this.loopFor(record).start(record);
  }

  /**
   * Stops a container: its restart loop first (a start in flight kills what it spawns), then,
   * once that start is over, the process itself (see stop.ts), from any runtime object or process.
   */
  async stop(id: string, options: StopOptions, startInFlight: Promise<unknown> | undefined): Promise<void> {
    this.loops.get(id)?.stop();
    await startInFlight?.catch(() => undefined); // then the stop comes after the start
    const loop = this.loops.get(id);
    loop?.stop();
    await stopContainer(this.records, id, options, loop?.supervisor);
  }

  /** The container was removed: its output ends here and its loop is dropped. */
  remove(id: string): void {
    const loop = this.loops.get(id);
    if (!loop) return;
    loop.finish();
    this.loops.delete(id);
  }

  /** A record of ours whose process just ended: waits (bounded) until its exit is recorded, and gives the record then. */
  async settled(record: ContainerRecord | undefined): Promise<ContainerRecord | undefined> {
    const supervisor = record && this.loops.get(record.id)?.supervisor;
    if (!record || !supervisor || record.state !== 'running' || this.runs(record) || supervisor.current?.pid !== record.pid) return record;
    await within(supervisor.exited, 1_000);
    return this.records.get(record.id);
  }

  /**
   * Stops supervising: nothing restarts, and the containers this process owns are recorded as
   * released. The services keep running: their output keeps going to their files, and is tailed
   * into the index while this process lives. Tailers with nothing left to tail stop now.
   */
  async close(): Promise<void> {
    this.isClosed = true;
    const byProject = new Map<string, string[]>();
    for (const [id, loop] of this.loops) {
      loop.release();
      const project = projectOfId(id);
      if (!project) continue;
      const ids = byProject.get(project);
      if (ids) ids.push(id);
      else byProject.set(project, [id]);
    }
    for (const [project, ids] of byProject) await this.records.release(project, ids).catch(() => undefined);
    for (const loop of this.loops.values()) if (!loop.supervisor.running) loop.supervisor.stopTailing();
  }

  private loopFor(record: ContainerRecord): RestartLoop {
    let loop = this.loops.get(record.id);
    if (!loop) {
      const files = outputFiles(this.records.paths(record.project), record.id);
      loop = new RestartLoop(record.id, record.project, new LogBuffer(this.options.logBufferLines), files, this.context);
      this.loops.set(record.id, loop);
    }
    return loop;
  }
}
