import { spawn, type ChildProcess } from 'node:child_process';
import { ProcessSpawnError } from '../../errors/process-spawn-error.js';
import { exitCodeOf } from './command-runner.js';
import type { LogBuffer } from './log-buffer.js';
import { lineSplitter } from './log-buffer.js';
import { processStartTime, signalGroup } from './proc.js';
import type { ContainerRecord } from './state-store.js';

/** A started process: its pid (also its process group id) and start time. */
export interface Started {
  readonly pid: number;
  readonly startTime: string | undefined;
  readonly at: number;
}

/**
 * Runs one container's process at a time (detached: its own process group), feeding its output
 * line by line into the container's {@link LogBuffer}, and reports each exit. The restart
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
  /** Settles once the output of the last exited process has been read to its end (bounded). */
  drained: Promise<void> = Promise.resolve();

  constructor(
    readonly id: string,
    readonly logs: LogBuffer,
    private readonly onExit: (started: Started, exitCode: number) => Promise<void>,
  ) {}

  /** Spawns the record's command with the host environment plus the record's. */
  spawn(record: ContainerRecord): Promise<Started> {
    const [program, ...args] = record.command;
    if (program === undefined) return Promise.reject(new ProcessSpawnError(record.command, record.cwd, { service: record.service, cause: new Error('empty command') }));
    return new Promise<Started>((resolve, reject) => {
      let child: ChildProcess;
      try {
        child = spawn(program, args, { cwd: record.cwd, env: { ...process.env, ...record.env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
      } catch (error) {
        reject(new ProcessSpawnError(record.command, record.cwd, { service: record.service, cause: error }));
        return;
      }
      this.child = child;
      let done!: () => void;
      this.exited = new Promise<void>((r) => (done = r));
      const out = lineSplitter((text) => this.logs.append('stdout', text));
      const err = lineSplitter((text) => this.logs.append('stderr', text));
      child.stdout?.setEncoding('utf8').on('data', (chunk: string) => out.push(chunk)).on('end', () => out.flush());
      child.stderr?.setEncoding('utf8').on('data', (chunk: string) => err.push(chunk)).on('end', () => err.flush());
      // A stray error later on (a pipe, a signal) must never crash the owner.
      child.on('error', () => undefined);
      child.stdout?.on('error', () => undefined);
      child.stderr?.on('error', () => undefined);
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
        (child.stdout as unknown as { unref?: () => void } | null)?.unref?.();
        (child.stderr as unknown as { unref?: () => void } | null)?.unref?.();
        resolve(started);
        child.once('exit', (code, signal) => {
          // Like a container whose init ends: nothing left of its group survives it.
          signalGroup(pid, 'SIGKILL', undefined);
          const exitCode = exitCodeOf(code, signal);
          // The pipes drain (bounded) so that followers see the last lines before they end.
          this.drained = new Promise<void>((r) => {
            const t = setTimeout(r, 200);
            child.once('close', () => {
              clearTimeout(t);
              r();
            });
          });
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
