import { createRequire } from 'node:module';
import type { ChildSpawner } from '../spawn/child-spawner.js';
import { signalGroup } from '../spawn/proc.js';
import { commandOutput } from './command-output.js';

/**
 * `node:child_process`, required on the first command run: importing it (with `node:net` and the
 * streams it pulls in) cost every process that loads the package, `ps` too. The CJS build gets
 * import.meta.url from tsup's shims.
 */
function childProcess(): typeof import('node:child_process') {
  return createRequire(import.meta.url)('node:child_process') as typeof import('node:child_process');
}

/** Options of {@link runCommand}. */
export interface RunOptions {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly timeoutMs?: number | undefined;
  readonly signal?: AbortSignal | undefined;
  /** Keep at most this many characters of each stream (the end is kept). @default 1_000_000 */
  readonly maxOutput?: number | undefined;
  /**
   * Starts the command through this spawner (its output going to files, read back once it ends)
   * instead of `child_process.spawn` with pipes. The process runtime passes its shared spawner:
   * with the zygote, a probe is forked from a 5 MB Perl process instead of from this one, which
   * blocked this thread for milliseconds per probe.
   */
  readonly spawner?: ChildSpawner | undefined;
}

/** The outcome of {@link runCommand}. `exitCode` is 124 on timeout, 128+n when killed by signal n. */
export interface RunResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
}

const SIGNAL_NUMBERS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGABRT: 6, SIGKILL: 9, SIGSEGV: 11, SIGPIPE: 13, SIGALRM: 14, SIGTERM: 15 };

/** The shell-style exit code of a process that ended with `code` or `signal`. */
export function exitCodeOf(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  if (signal !== null) return 128 + (SIGNAL_NUMBERS[signal] ?? 0);
  return -1;
}

/**
 * Runs argv (no shell) in its own process group, collecting stdout and stderr. On timeout the
 * whole group is killed and the result says so; on abort the group is killed and the promise
 * rejects with the signal's reason. A program that cannot start resolves with exit code 127.
 */
export function runCommand(argv: readonly string[], options: RunOptions): Promise<RunResult> {
  const [program, ...args] = argv;
  if (program === undefined) return Promise.resolve({ exitCode: 127, stdout: '', stderr: 'empty command', timedOut: false });
  if (options.signal?.aborted) return Promise.reject(options.signal.reason);
  const max = options.maxOutput ?? 1_000_000;
  if (options.spawner) return runThrough(options.spawner, program, args, options, max);
  return new Promise((resolve, reject) => {
    const child = childProcess().spawn(program, args, { cwd: options.cwd, env: options.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let settled = false;
    const keep = (text: string) => (text.length > max ? text.slice(text.length - max) : text);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout = keep(stdout + chunk)));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = keep(stderr + chunk)));
    const kill = () => {
      if (child.pid !== undefined) signalGroup(child.pid, 'SIGKILL', undefined);
    };
    const timer =
      options.timeoutMs !== undefined && options.timeoutMs > 0
        ? setTimeout(() => {
            timedOut = true;
            kill();
          }, options.timeoutMs)
        : undefined;
    const onAbort = () => {
      kill();
      finish(() => reject(options.signal?.reason));
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    function finish(action: () => void): void {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      action();
    }
    child.on('error', () => undefined);
    child.stdout.on('error', () => undefined);
    child.stderr.on('error', () => undefined);
    child.once('error', (error) => finish(() => resolve({ exitCode: 127, stdout, stderr: `${stderr}${error.message}`, timedOut: false })));
    child.once('exit', kill); // nothing of its group may outlive it (and hold the pipes open)
    child.once('close', (code, signal) => {
      finish(() => resolve({ exitCode: timedOut ? 124 : exitCodeOf(code, signal), stdout, stderr, timedOut }));
    });
  });
}

/** Kills the command's process group; before the child has made its group, the child itself. */
function killCommand(pid: number): void {
  if (signalGroup(pid, 'SIGKILL', undefined)) return;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // gone already
  }
}

/** {@link runCommand} through a {@link ChildSpawner}: output to two private files, read back at the exit. */
async function runThrough(spawner: ChildSpawner, program: string, args: readonly string[], options: RunOptions, max: number): Promise<RunResult> {
  const files = commandOutput();
  try {
    let child;
    try {
      child = await spawner.spawnCommand({ program, argv0: program, args, cwd: options.cwd, env: options.env, stdout: files.out, stderr: files.err });
    } catch (error) {
      return { exitCode: 127, stdout: '', stderr: error instanceof Error ? error.message : String(error), timedOut: false };
    }
    const { pid } = child;
    if (options.signal?.aborted) {
      killCommand(pid);
      throw options.signal.reason;
    }
    let timedOut = false;
    const timer =
      options.timeoutMs !== undefined && options.timeoutMs > 0
        ? setTimeout(() => {
            timedOut = true;
            killCommand(pid);
          }, options.timeoutMs)
        : undefined;
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => {
        killCommand(pid);
        reject(options.signal?.reason);
      };
      options.signal?.addEventListener('abort', onAbort, { once: true });
    });
    try {
      const exit = await Promise.race([child.exited, aborted]);
      signalGroup(pid, 'SIGKILL', undefined); // nothing of its group may outlive it (never the pid alone: reaped, it may be reused)
      return { exitCode: timedOut ? 124 : exitCodeOf(exit.code, exit.signal), stdout: files.read('out', max), stderr: files.read('err', max), timedOut };
    } finally {
      if (timer) clearTimeout(timer);
      if (onAbort) options.signal?.removeEventListener('abort', onAbort);
    }
  } finally {
    files.remove();
  }
}
