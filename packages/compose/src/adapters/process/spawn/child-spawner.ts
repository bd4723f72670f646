import { closeSync, constants, openSync } from 'node:fs';
import type { Socket } from 'node:net';
import { basename } from 'node:path';
import { createRequire } from 'node:module';
import type { Worker } from 'node:worker_threads';
import { openOutputFds } from '../logs/files.js';
import { helperSource } from './helper-source.js';
import { isProcessAlive, processStartTime } from './proc.js';

/**
 * `node:worker_threads`, required when the spawner thread is first made: a command that never
 * spawns (`ps`, `down`) does not load it and the modules it pulls in. The CJS build gets
 * import.meta.url from tsup's shims.
 */
function workerThreads(): typeof import('node:worker_threads') {
  return createRequire(import.meta.url)('node:worker_threads') as typeof import('node:worker_threads');
}

/**
 * `node:child_process`, required on the first spawn: importing it (with `node:net` and the
 * streams it pulls in) cost every process that loads the package, `ps` too. The CJS build gets
 * import.meta.url from tsup's shims.
 */
function childProcess(): typeof import('node:child_process') {
  return createRequire(import.meta.url)('node:child_process') as typeof import('node:child_process');
}

/** What to start: argv, working folder, the whole environment, and the files for stdout and stderr. */
export interface SpawnRequest {
  /** What to execute: a path, or a name looked up in `env.PATH`. */
  readonly program: string;
  /** The child's `argv[0]` (the name it was asked for when `program` is its resolved path). */
  readonly argv0: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Opened `O_APPEND | O_CREAT` (0600) for the child's stdout. */
  readonly stdout: string;
  /** Opened `O_APPEND | O_CREAT` (0600) for the child's stderr. */
  readonly stderr: string;
  /** Other files to create (empty, 0600) if missing, along with the spawn. */
  readonly touch?: readonly string[];
  /**
   * Where a spawner that outlives this process (the zygote) writes `<pid> <exit code>` when the
   * child ends after this process is gone (logs/files.ts, `OutputFiles.exit`). Others ignore it.
   */
  readonly exitFile?: string;
}

/** How a child ended; both null when it could not be told (its watcher died first). */
export interface ChildExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A child that started: its pid (also its process group id: it runs detached) and its end. */
export interface SpawnedChild {
  readonly pid: number;
  readonly exited: Promise<ChildExit>;
  /** Its start time (see processStartTime), when the spawner has read it already. */
  readonly startTime?: string | undefined;
}

/** A child whose stdin is a pipe from this process, which it may wait on (see prestart.ts). */
export interface HeldChild extends SpawnedChild {
  /** Writes one line to the child's stdin and closes it. */
  release(): void;
  /** True once {@link release} was called. */
  readonly released: boolean;
  /** Closes the child's stdin without writing (the child reads end of file). */
  drop(): void;
}

/**
 * Starts detached children with their output going straight to files. Rejects with the spawn
 * error (an `Error` with `code`, such as ENOENT) when the program cannot start.
 */
export interface ChildSpawner {
  /** Starts a child with stdin on /dev/null. */
  spawn(request: SpawnRequest): Promise<SpawnedChild>;
  /**
   * Sets a child up (its session, working folder, environment, output files) without running
   * the program yet: {@link HeldChild.release} runs it (same pid), {@link HeldChild.drop} ends
   * it. Nothing about a held child keeps this process alive.
   */
  spawnHeld(request: SpawnRequest): Promise<HeldChild>;
  /**
   * Starts a short-lived command (an exec, a health probe) as {@link spawn} does, by the cheapest
   * way this spawner has (the zygote forks it rather than this process). A program that cannot
   * start either rejects (as {@link spawn}) or exits 127 with the reason on its stderr file.
   */
  spawnCommand(request: SpawnRequest): Promise<SpawnedChild>;
  /** Gets ready for a first spawn soon (starting a thread takes tens of milliseconds). */
  warm(): void;
}

/**
 * How a spawner without a zygote holds a child: a shell that waits for one line on its stdin (a
 * pipe from this process), then becomes the program (same pid, same process group). End of file
 * instead (dropped, or this process died) ends it without running anything.
 */
const HOLD_SCRIPT = 'read -r _ || exit 0; exec "$@" </dev/null';

/**
 * The request that holds `request` in a shell (see {@link HOLD_SCRIPT}). The shell's `exec` cannot
 * set argv[0]: a program found on PATH is exec'd by its name (the shell finds the same file
 * through the same PATH), so it keeps the name it was asked by; any other gets its path.
 */
function heldInShell(request: SpawnRequest): SpawnRequest {
  const byName = !request.argv0.includes('/') && basename(request.program) === request.argv0;
  return { ...request, program: '/bin/sh', argv0: 'sh', args: ['-c', HOLD_SCRIPT, 'selur-compose-held', byName ? request.argv0 : request.program, ...request.args] };
}

/** Wraps `release`/`drop` actions as a {@link HeldChild} (`write(true)` releases, `write(false)` drops). */
export function heldChild(child: SpawnedChild, write: (line: boolean) => void): HeldChild {
  let released = false;
  return {
    pid: child.pid,
    exited: child.exited,
    startTime: child.startTime,
    get released() {
      return released;
    },
    release: () => {
      if (released) return;
      released = true;
      write(true);
    },
    drop: () => write(false),
  };
}

function spawnHere(request: SpawnRequest, stdin: 'ignore' | 'pipe'): Promise<{ child: SpawnedChild; stdin: Socket | undefined }> {
  return new Promise((resolve, reject) => {
    for (const path of request.touch ?? []) closeSync(openSync(path, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT, 0o600));
    const fds = openOutputFds({ out: request.stdout, err: request.stderr });
    let child: import('node:child_process').ChildProcess;
    try {
      child = childProcess().spawn(request.program, request.args, { argv0: request.argv0, cwd: request.cwd, env: request.env, detached: true, stdio: [stdin, fds.out, fds.err] });
    } catch (error) {
      reject(error);
      return;
    } finally {
      closeSync(fds.out); // the child holds its own copies
      closeSync(fds.err);
    }
    // A stray error later on (a failed kill, EPIPE on a gone child's stdin) must never crash the owner.
    child.on('error', () => undefined);
    child.stdin?.on('error', () => undefined);
    child.once('error', (error) => {
      if (child.pid === undefined) reject(error);
    });
    child.once('spawn', () => {
      child.unref();
      const pipe = (child.stdin as Socket | null) ?? undefined; // a pipe to a child is a socket
      pipe?.unref();
      const exited = new Promise<ChildExit>((done) => child.once('exit', (code, signal) => done({ code, signal })));
      resolve({ child: { pid: child.pid as number, exited }, stdin: pipe });
    });
  });
}

/**
 * Starts children on this thread. `spawn()` blocks the event loop for the whole fork and exec
 * (1.5–4 ms each here): fine for a few, but a burst of 36 starts stalls everything else this
 * process does (readiness checks, log tailing) for over 100 ms.
 */
export const inlineSpawner: ChildSpawner = {
  warm: () => undefined,
  spawn: async (request) => (await spawnHere(request, 'ignore')).child,
  spawnCommand: (request) => inlineSpawner.spawn(request),
  async spawnHeld(request) {
    const { child, stdin } = await spawnHere(heldInShell(request), 'pipe');
    return heldChild(child, (line) => (line ? stdin?.end('\n') : stdin?.destroy()));
  },
};

type ThreadMessage =
  | { readonly id: number; readonly kind: 'spawned'; readonly pid: number }
  | { readonly id: number; readonly kind: 'error'; readonly error: SerializedError }
  | { readonly id: number; readonly kind: 'exit'; readonly code: number | null; readonly signal: NodeJS.Signals | null };

interface SerializedError {
  readonly message: string;
  readonly code?: string;
  readonly errno?: number;
  readonly syscall?: string;
  readonly path?: string;
}

interface Pending {
  readonly resolve: (child: SpawnedChild) => void;
  readonly reject: (error: unknown) => void;
}

/** A child a helper (thread or zygote) started, until the helper reports its exit. */
export interface Running {
  readonly pid: number;
  readonly startTime: string | undefined;
  readonly done: (exit: ChildExit) => void;
}

/** How often children are checked for life once their spawner thread has died (ms). */
const ORPHAN_POLL_MS = 200;

/**
 * Starts children from a worker thread, so that the fork and exec of each (which block the
 * thread that calls `spawn()`) run on another core while this thread keeps serving readiness
 * checks and logs. The thread is started on first need, is unref'd (it never keeps the process
 * alive) and is shared by every process runtime of this process. If it cannot start or dies,
 * spawns fall back to {@link inlineSpawner}, and the children it had started are watched by
 * polling their pid (their exit code is then unknown).
 */
export class ThreadSpawner implements ChildSpawner {
  private worker: Worker | undefined;
  private broken = false;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly running = new Map<number, Running>();

  warm(): void {
    this.thread();
  }

  spawn(request: SpawnRequest): Promise<SpawnedChild> {
    const worker = this.thread();
    if (!worker) return inlineSpawner.spawn(request);
    return this.request(worker, request, false).then((r) => r.child);
  }

  spawnCommand(request: SpawnRequest): Promise<SpawnedChild> {
    return this.spawn(request);
  }

  async spawnHeld(request: SpawnRequest): Promise<HeldChild> {
    const worker = this.thread();
    if (!worker) return inlineSpawner.spawnHeld(request);
    const { id, child } = await this.request(worker, heldInShell(request), true);
    return heldChild(child, (line) => {
      if (this.worker === worker) worker.postMessage({ kind: line ? 'release' : 'drop', id });
    });
  }

  private request(worker: Worker, request: SpawnRequest, hold: boolean): Promise<{ id: number; child: SpawnedChild }> {
    const id = this.nextId++;
    return new Promise<SpawnedChild>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ kind: 'spawn', id, hold, ...request, env: definedOnly(request.env) });
    }).then((child) => ({ id, child }));
  }

  private thread(): Worker | undefined {
    if (this.broken) return undefined;
    if (this.worker) return this.worker;
    // The thread's code (spawn-worker.cjs, read once): messages in and out are described there.
    const source = helperSource('spawn-worker.cjs');
    if (source === undefined) {
      this.broken = true;
      return undefined;
    }
    try {
      const worker = new (workerThreads().Worker)(source, { eval: true, env: {}, stdout: false, stderr: false });
      worker.on('message', (message: ThreadMessage) => this.receive(message));
      worker.on('error', () => this.fail(worker));
      worker.on('exit', () => this.fail(worker));
      worker.unref(); // after the listeners: adding a 'message' listener refs the port again
      this.worker = worker;
      return worker;
    } catch {
      this.broken = true;
      return undefined;
    }
  }

  private receive(message: ThreadMessage): void {
    if (message.kind === 'exit') {
      const running = this.running.get(message.id);
      this.running.delete(message.id);
      running?.done({ code: message.code, signal: message.signal });
      return;
    }
    const pending = this.pending.get(message.id);
    this.pending.delete(message.id);
    if (!pending) return;
    if (message.kind === 'error') {
      pending.reject(Object.assign(new Error(message.error.message), message.error));
      return;
    }
    const pid = message.pid;
    let done!: (exit: ChildExit) => void;
    const exited = new Promise<ChildExit>((r) => (done = r));
    this.running.set(message.id, { pid, startTime: processStartTime(pid), done });
    pending.resolve({ pid, exited });
  }

  /** The thread died: later spawns run inline; its children are watched by polling. */
  private fail(worker: Worker): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    this.broken = true;
    for (const pending of this.pending.values()) pending.reject(new Error('the process runtime\'s spawner thread stopped before it reported the start'));
    this.pending.clear();
    watchByPolling([...this.running.values()]);
    this.running.clear();
  }
}

/**
 * Watches children whose helper died (so nobody will report their exit) by polling their pid:
 * each is reported ended, exit unknown, once it is gone.
 */
export function watchByPolling(children: readonly Running[]): void {
  if (children.length === 0) return;
  let left = [...children];
  const timer = setInterval(() => {
    left = left.filter((child) => {
      if (isProcessAlive(child.pid, child.startTime)) return true;
      child.done({ code: null, signal: null });
      return false;
    });
    if (left.length === 0) clearInterval(timer);
  }, ORPHAN_POLL_MS);
  timer.unref();
}

function definedOnly(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined) out[key] = value;
  return out;
}
