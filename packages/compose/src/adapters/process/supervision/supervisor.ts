import { ProcessSpawnError } from '../../../errors/process-spawn-error.js';
import { exitCodeOf } from '../exec/command-runner.js';
import type { LogBuffer } from '../logs/buffer.js';
import type { OutputFiles } from '../logs/files.js';
import type { ChildSpawner, SpawnedChild } from '../spawn/child-spawner.js';
import type { Stub } from '../spawn/prestart.js';
import { OutputTailer } from '../logs/tailer.js';
import { findProgram } from '../spawn/program-path.js';
import { processStartTime, signalGroup } from '../spawn/proc.js';
import type { ContainerRecord } from '../state/types.js';
import { processArgv, processEnvironment } from '../spawn/environment.js';

/** A started process: its pid (also its process group id) and start time. */
export interface Started {
  readonly pid: number;
  readonly startTime: string | undefined;
  readonly at: number;
}

/**
 * Runs one container's process at a time (detached: its own process group) with its stdout and
 * stderr connected to append-only files (so it never depends on this process: no pipe, no
 * SIGPIPE when the owner exits), tails those files line by line into the container's
 * {@link LogBuffer} while this process lives, and reports each exit. Whether an exit is
 * followed by a restart is not its business: the restart loop that owns it (restart-loop.ts)
 * decides, and holds what that takes. Its own state changes only through its own methods.
 */
export class Supervisor {
  private isRunning = false;
  private exitHandled: Promise<void> = Promise.resolve();
  private last: Started | undefined;
  /** Tails the output files into {@link logs} (runs from the first spawn until {@link stopTailing}). */
  readonly tailer: OutputTailer;
  /** Tailing of the current process's output has begun (see {@link tail}). */
  private tailing = true;
  /** The spawner reported the current process's exit (or none was spawned yet). */
  private ended = true;

  constructor(
    readonly id: string,
    readonly logs: LogBuffer,
    readonly files: OutputFiles,
    private readonly onExit: (started: Started, exitCode: number) => Promise<void>,
    private readonly spawner: ChildSpawner,
  ) {
    this.tailer = new OutputTailer(files, (line) => logs.append(line));
  }

  /** True while its process runs (until its exit has been handled). */
  get running(): boolean {
    return this.isRunning;
  }

  /** Settles when the exit of the current process has been handled. */
  get exited(): Promise<void> {
    return this.exitHandled;
  }

  /** The process it started last (running or not), if any. */
  get current(): Started | undefined {
    return this.last;
  }

  /**
   * Whether process `pid` runs, as this supervisor knows without asking the system: true from
   * its spawn until the spawner reports its exit (the zygote reaps it and says so at once),
   * false after; undefined for a process it did not spawn last.
   */
  runs(pid: number | undefined): boolean | undefined {
    return pid !== undefined && this.last?.pid === pid ? !this.ended : undefined;
  }

  /** Reads the output to its end and stops tailing (the files stay). */
  stopTailing(): void {
    this.tail();
    this.tailer.stop();
  }

  /**
   * Starts tailing the current process's output (once per spawn): watches the files, then reads
   * what the process wrote before the watchers were there.
   */
  private tail(): void {
    if (this.tailing) return;
    this.tailing = true;
    const existing = this.tailer.start();
    if (existing >= 0) this.logs.reset(existing);
    this.tailer.catchUp();
  }

  /**
   * Spawns the record's command with the host environment plus the record's, or lets `stub` (a
   * process set up for it when the container was created, see prestart.ts) run it.
   *
   * A released stub's output is tailed from the next turn of the event loop: the starts that
   * arrive together (the dependants of a service that just became healthy) are then all released
   * before this process sets up any of their tailing, so none waits for the others' bookkeeping
   * to get a CPU. Nothing is lost meanwhile: the tailer reads the files from where the index
   * ends, and an exit or a stop tails first.
   */
  async spawn(record: ContainerRecord, stub?: Stub): Promise<Started> {
    const [program, ...args] = processArgv(record);
    if (program === undefined) throw new ProcessSpawnError(record.command, record.cwd, { service: record.service, cause: new Error('empty command') });
    let child: SpawnedChild;
    if (stub) {
      stub.child.release();
      child = stub.child;
      this.tailing = false;
      setImmediate(() => this.tail());
    } else {
      let env: Record<string, string | undefined>;
      try {
        env = processEnvironment(record);
        const path = findProgram(program, env.PATH) ?? program;
        child = await this.spawner.spawn({ program: path, argv0: program, args, cwd: record.cwd, env, stdout: this.files.out, stderr: this.files.err });
      } catch (error) {
        throw new ProcessSpawnError(record.command, record.cwd, { service: record.service, cause: error });
      }
      // The output files exist now (the spawner created them).
      this.tailing = false;
      this.tail();
    }
    const pid = child.pid;
    const started: Started = { pid, startTime: stub?.startTime ?? processStartTime(pid), at: Date.now() };
    this.last = started;
    this.isRunning = true;
    this.ended = false;
    let done!: () => void;
    this.exitHandled = new Promise<void>((r) => (done = r));
    void child.exited.then(({ code, signal }) => {
      if (this.last === started) this.ended = true;
      // Like a container whose init ends: nothing left of its group survives it.
      signalGroup(pid, 'SIGKILL', undefined);
      this.tail();
      const exitCode = exitCodeOf(code, signal);
      // Read the output to its end (a trailing partial line included) before the exit is
      // recorded: whoever sees the exit finds every line in the buffer and the index.
      this.tailer.flush();
      void this.onExit(started, exitCode)
        .catch(() => undefined)
        .finally(() => {
          if (this.last === started) this.isRunning = false;
          done();
        });
    });
    return started;
  }
}

/** Waits for `promise`, at most `ms` (the timer keeps the process alive while a call is in flight). */
export async function within(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise, new Promise((r) => (timer = setTimeout(r, ms)))]);
  clearTimeout(timer);
}
