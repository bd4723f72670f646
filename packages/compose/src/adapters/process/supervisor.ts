import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync } from 'node:fs';
import { ProcessSpawnError } from '../../errors/process-spawn-error.js';
import { exitCodeOf } from './command-runner.js';
import type { LogBuffer } from './log-buffer.js';
import { openOutputFds, type OutputFiles } from './log-files.js';
import { OutputTailer } from './log-tailer.js';
import { processStartTime, signalGroup } from './proc.js';
import type { ContainerRecord } from './state-store.js';

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
 * {@link LogBuffer} while this process lives, and reports each exit. The restart
 * decision belongs to the runtime; this holds the flags and the timer it needs.
 */
export class Supervisor {
  private child: ChildProcess | undefined;
  /** Set while a stop/remove through a runtime is in progress or done: no restart. */
  stopping = false;
  /** Set by `close()`: exits are recorded but nothing restarts. */
  released = false;
  /** Pending restart. */
  timer: NodeJS.Timeout | undefined;
  /** Restarts in a row that ran briefly (for the backoff). */
  attempt = 0;
  /** Settles when the exit of the current process has been handled. */
  exited: Promise<void> = Promise.resolve();
  current: Started | undefined;
  /** Tails the output files into {@link logs} (runs from the first spawn until {@link stopTailing}). */
  readonly tailer: OutputTailer;

  constructor(
    readonly id: string,
    readonly logs: LogBuffer,
    readonly files: OutputFiles,
    private readonly onExit: (started: Started, exitCode: number) => Promise<void>,
  ) {
    this.tailer = new OutputTailer(files, (line) => logs.append(line));
  }

  /** Reads the output to its end and stops tailing (the files stay). */
  stopTailing(): void {
    this.tailer.stop();
  }

  /** Spawns the record's command with the host environment plus the record's. */
  spawn(record: ContainerRecord): Promise<Started> {
    const [program, ...args] = record.command;
    if (program === undefined) return Promise.reject(new ProcessSpawnError(record.command, record.cwd, { service: record.service, cause: new Error('empty command') }));
    return new Promise<Started>((resolve, reject) => {
      let child: ChildProcess;
      try {
        const fds = openOutputFds(this.files); // first: the tailer watches files that exist
        try {
          const existing = this.tailer.start();
          if (existing >= 0) this.logs.reset(existing);
          child = spawn(program, args, { cwd: record.cwd, env: { ...process.env, ...record.env }, detached: true, stdio: ['ignore', fds.out, fds.err] });
        } finally {
          closeSync(fds.out); // the child holds its own copies
          closeSync(fds.err);
        }
      } catch (error) {
        reject(new ProcessSpawnError(record.command, record.cwd, { service: record.service, cause: error }));
        return;
      }
      this.child = child;
      let done!: () => void;
      this.exited = new Promise<void>((r) => (done = r));
      // A stray error later on (a signal) must never crash the owner.
      child.on('error', () => undefined);
      child.once('error', (error) => {
        if (child.pid === undefined) {
          done();
          reject(new ProcessSpawnError(record.command, record.cwd, { service: record.service, cause: error }));
        }
      });
      child.once('spawn', () => {
        const pid = child.pid as number;
        const started: Started = { pid, startTime: processStartTime(pid), at: Date.now() };
        this.current = started;
        child.unref();
        resolve(started);
        child.once('exit', (code, signal) => {
          // Like a container whose init ends: nothing left of its group survives it.
          signalGroup(pid, 'SIGKILL', undefined);
          const exitCode = exitCodeOf(code, signal);
          // Read the output to its end (a trailing partial line included) before the exit is
          // recorded: whoever sees the exit finds every line in the buffer and the index.
          this.tailer.flush();
          void this.onExit(started, exitCode)
            .catch(() => undefined)
            .finally(() => {
              if (this.child === child) this.child = undefined;
              done();
            });
        });
      });
    });
  }

  /** True while its process runs. */
  get running(): boolean {
    return this.child !== undefined;
  }

  cancelRestart(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
