import type { ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import type { Socket } from 'node:net';
import { closeSync, constants as fs, openSync, writeSync } from 'node:fs';
import { constants } from 'node:os';
import { heldChild, watchByPolling, type ChildExit, type ChildSpawner, type HeldChild, type Running, type SpawnedChild, type SpawnRequest } from './child-spawner.js';
import { helperSource } from './helper-source.js';
import { findProgram } from './program-path.js';
import { processStartTime, reapsAtOnce } from './proc.js';

/*
 * The zygote (zygote.pl, read once and run with `perl -e`): a small Perl process (Perl is part of
 * every Debian and Ubuntu base system, and of macOS) that forks held children on request. A fork
 * of a 5 MB process costs a fraction of a fork of this one (Node's `spawn()` copies the page
 * tables of the whole Node process, then waits for the exec), and a held child is the forked
 * zygote itself, set up (its own session and process group, as a detached child of Node, working
 * folder, environment, output files) and waiting on a pipe: releasing it `exec`s the service's
 * program at once, with no shell in between. It also forks short-lived commands (`P`: an exec, a
 * health probe) and execs them at once. The protocol (messages `H`, `R`, `D`, `C`, `P` in;
 * lines `S`, `P`, `E`, `X` out) is described at the top of zygote.pl.
 */


/**
 * `node:child_process`, required on the first zygote started: importing it (with `node:net` and the
 * streams it pulls in) cost every process that loads the package, `ps` too. The CJS build gets
 * import.meta.url from tsup's shims.
 */
function childProcess(): typeof import('node:child_process') {
  return createRequire(import.meta.url)('node:child_process') as typeof import('node:child_process');
}
/** How long the opened pipes of held children are collected before the zygote is told (see notice), ms. */
const NOTICE_DELAY_MS = 50;

/**
 * How many held children may be asked of the zygote and not reported yet (see spawnHeld): four of
 * its report groups (zygote.pl's $GROUP), so that it always has forks to make while this process
 * reads a report and answers it.
 */
export const HELD_IN_FLIGHT = 64;

interface Pending {
  readonly resolve: (child: HeldChild) => void;
  readonly reject: (error: unknown) => void;
}

/** One message to the zygote: its byte length, a newline, its fields joined by NUL. */
function frame(fields: readonly string[]): string {
  const message = fields.join('\0');
  return `${Buffer.byteLength(message)}\n${message}`;
}

/** Signal names by number, as this host numbers them. */
const SIGNALS = new Map<number, NodeJS.Signals>(Object.entries(constants.signals).map(([name, number]) => [number, name as NodeJS.Signals]));

/**
 * A {@link ChildSpawner} whose held children come from the zygote (see zygote.pl);
 * plain spawns, and held ones when Perl is missing or the zygote died, go to `fallback`. The
 * zygote is started on first need, never keeps this process alive, and is shared by every
 * process runtime of this process.
 */
export class ZygoteSpawner implements ChildSpawner {
  private zygote: ChildProcess | undefined;
  private broken = false;
  private nextId = 1;
  private buffer = '';
  private readonly pending = new Map<number, Pending>();
  /** Commands (P) asked for, until the zygote says it forked them. */
  private readonly commands = new Map<number, { readonly resolve: (child: SpawnedChild) => void; readonly reject: (error: unknown) => void }>();
  private readonly running = new Map<number, Running>();
  /** Held child id → this process's descriptor for the write end of its pipe (see openControl). */
  private readonly controls = new Map<number, number>();
  /** Held children whose pipe this process opened, of which the zygote has not been told yet (see notice). */
  private readonly notices: number[] = [];
  private noticeTimer: NodeJS.Timeout | undefined;
  /** Held children asked of the zygote, not reported yet (at most HELD_IN_FLIGHT). */
  private inFlight = 0;
  /** Requests for held children beyond HELD_IN_FLIGHT, framed, in order. */
  private readonly waiting: string[] = [];

  constructor(private readonly fallback: ChildSpawner) {}

  warm(): void {
    this.fallback.warm();
    this.process();
  }

  spawn(request: SpawnRequest): Promise<SpawnedChild> {
    return this.fallback.spawn(request);
  }

  /**
   * A command forked by the zygote and exec'd at once: no fork of this (large) process, which
   * blocked this thread for 3–14 ms per probe on a loaded 2-core machine (`pnpm bench probes`).
   * A program that cannot run exits 127, saying why on its stderr file (this never rejects with
   * ENOENT, as {@link ChildSpawner.spawn} does).
   */
  spawnCommand(request: SpawnRequest): Promise<SpawnedChild> {
    const zygote = this.process();
    if (!zygote?.stdin) return this.fallback.spawnCommand(request);
    const id = this.nextId++;
    const env = Object.entries(request.env).filter((e): e is [string, string] => e[1] !== undefined).map(([k, v]) => `${k}=${v}`);
    const fields = ['P', String(id), request.cwd, request.stdout, request.stderr, request.program, request.argv0, String(request.args.length), ...request.args, ...env];
    if (fields.some((field) => field.includes('\0'))) return Promise.reject(new TypeError('a command, path or environment variable holds a NUL character'));
    return new Promise<SpawnedChild>((resolve, reject) => {
      this.commands.set(id, { resolve, reject });
      zygote.stdin?.write(frame(fields));
    });
  }

  spawnHeld(request: SpawnRequest): Promise<HeldChild> {
    const zygote = this.process();
    if (!zygote?.stdin) return this.fallback.spawnHeld(request);
    const id = this.nextId++;
    const env = Object.entries(request.env).filter((e): e is [string, string] => e[1] !== undefined).map(([k, v]) => `${k}=${v}`);
    const touch = request.touch ?? [];
    const fields = ['H', String(id), request.cwd, request.stdout, request.stderr, request.program, request.argv0, String(touch.length), ...touch, String(request.args.length), ...request.args, ...env];
    if (fields.some((field) => field.includes('\0'))) return Promise.reject(new TypeError('a command, path or environment variable holds a NUL character'));
    return new Promise<HeldChild>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      // W right behind H: where the zygote records the child's end once this process is gone
      this.waiting.push(frame(fields) + (request.exitFile !== undefined && !request.exitFile.includes('\0') ? frame(['W', String(id), request.exitFile]) : ''));
      this.ask();
    });
  }

  /**
   * Sends waiting requests for held children, up to HELD_IN_FLIGHT not reported yet, after the
   * notices collected so far (see notice). A burst is thus fed to the zygote as it reports, not
   * written at once: the notices then reach it between the forks, not behind the whole burst
   * (the zygote reads its input in order). Written at once, the 1,800 dependants of an `up` of
   * 2,000 services left the zygote holding the pipes of every child forked in the burst, and
   * each fork copied those descriptors and each child closed them one by one (~900 close calls
   * per child at 2,000 services, ~45 at 50: the cost per service grew with the stack).
   */
  private ask(): void {
    const room = HELD_IN_FLIGHT - this.inFlight;
    if (room <= 0 || this.waiting.length === 0) return;
    const asked = this.waiting.splice(0, room);
    this.inFlight += asked.length;
    this.send([...this.takeNotices(), ...asked].join(''));
  }

  /** The held child request `id` was answered (S or E): room for another. */
  private answered(id: number): void {
    if (!this.pending.has(id)) return;
    this.inFlight--;
    this.ask();
  }

  private process(): ChildProcess | undefined {
    if (this.broken) return undefined;
    if (this.zygote) return this.zygote;
    const perl = findProgram('perl', process.env.PATH);
    const source = helperSource('zygote.pl');
    if (!perl || source === undefined) {
      this.broken = true;
      return undefined;
    }
    try {
      const zygote = childProcess().spawn(perl, ['-e', source], { detached: true, env: {}, stdio: ['pipe', 'pipe', 'ignore'] });
      zygote.on('error', () => this.fail(zygote));
      zygote.once('exit', () => this.fail(zygote));
      zygote.stdin?.on('error', () => this.fail(zygote));
      zygote.stdout?.setEncoding('utf8');
      zygote.stdout?.on('data', (chunk: string) => this.receive(chunk));
      zygote.unref();
      for (const pipe of [zygote.stdin, zygote.stdout]) (pipe as Socket | null)?.unref(); // pipes to a child are sockets
      // it reaps each child as it ends (zygote.pl): a stop gives it a moment before looking further (proc.ts)
      if (zygote.pid !== undefined) reapsAtOnce(zygote.pid, (forget) => zygote.once('exit', forget));
      this.zygote = zygote;
      return zygote;
    } catch {
      this.broken = true;
      return undefined;
    }
  }

  private receive(chunk: string): void {
    this.buffer += chunk;
    let end: number;
    while ((end = this.buffer.indexOf('\n')) >= 0) {
      const [kind, idText, a, b] = this.buffer.slice(0, end).split(' ');
      this.buffer = this.buffer.slice(end + 1);
      const id = Number(idText);
      if (kind === 'S' || kind === 'E') this.answered(id);
      if (kind === 'S') this.spawned(id, Number(a), Number(b));
      else if (kind === 'P') this.commandForked(id, Number(a));
      else if (kind === 'E') {
        const pending = this.pending.get(id) ?? this.commands.get(id);
        this.pending.delete(id);
        this.commands.delete(id);
        pending?.reject(Object.assign(new Error(`the process runtime's zygote could not fork (errno ${a})`), { errno: Number(a) }));
      } else if (kind === 'X') {
        this.closeControl(id);
        const running = this.running.get(id);
        this.running.delete(id);
        const code = Number(a);
        running?.done(code >= 0 ? { code, signal: null } : { code: null, signal: SIGNALS.get(Number(b)) ?? 'SIGKILL' });
      }
    }
  }

  private commandForked(id: number, pid: number): void {
    const pending = this.commands.get(id);
    this.commands.delete(id);
    if (!pending) return;
    let done!: (exit: ChildExit) => void;
    const exited = new Promise<ChildExit>((r) => (done = r));
    // No start time read here (a read of /proc per probe): a command is signalled only while it runs.
    this.running.set(id, { pid, startTime: undefined, done });
    pending.resolve({ pid, exited });
  }

  private spawned(id: number, pid: number, controlFd: number): void {
    const pending = this.pending.get(id);
    this.pending.delete(id);
    if (!pending) return;
    let done!: (exit: ChildExit) => void;
    const exited = new Promise<ChildExit>((r) => (done = r));
    const startTime = processStartTime(pid);
    this.running.set(id, { pid, startTime, done });
    const control = this.openControl(controlFd);
    if (control !== undefined) {
      this.controls.set(id, control);
      // This process holds the pipe now: the zygote may close its end (see notice).
      this.notice(id);
    }
    pending.resolve(heldChild({ pid, exited, startTime }, (release) => {
      // Straight into the child's pipe: a release costs the child's wake-up only, not the zygote's too.
      const written = this.closeControl(id, release ? 'g' : undefined);
      // Else the zygote closes its end, if it still has it (and writes too on a release: the child reads one byte, whichever comes first).
      if (!(release && written)) this.send(frame([release ? 'R' : 'D', String(id)]));
    }));
  }

  /** Closes this process's end of held child `id`'s pipe, writing `last` first; true when `last` was written. */
  private closeControl(id: number, last?: string): boolean {
    const control = this.controls.get(id);
    this.controls.delete(id);
    if (control === undefined) return false;
    const written = last !== undefined && tryWrite(control, last);
    closeQuietly(control);
    return written;
  }

  /**
   * Tells the zygote, a little later and together with the others, that this process opened its
   * own descriptor for held child `id`'s pipe, so that the zygote closes its end: the child is
   * then released or dropped through this process's descriptor alone (end of file when it
   * closes, or when this process dies). The zygote thus holds the pipes of the children forked in
   * the last moments only, not of every child still held: each fork copies the zygote's
   * descriptors and each child closes them one by one, so with 2,000 held children every fork
   * cost thousands of system calls (an `up` of 2,000 services forked ~200 children a second,
   * of 50, ~750). Forks come in bursts; waking the zygote for each notice would have it compete
   * for a CPU with the very programs that are starting.
   */
  private notice(id: number): void {
    this.notices.push(id);
    this.noticeTimer ??= setTimeout(() => {
      this.noticeTimer = undefined;
      this.send(this.takeNotices().join(''));
    }, NOTICE_DELAY_MS).unref();
  }

  /** The notices collected so far, framed (the timer that would have sent them is cleared). */
  private takeNotices(): string[] {
    clearTimeout(this.noticeTimer);
    this.noticeTimer = undefined;
    return this.notices.splice(0).map((id) => frame(['C', String(id)]));
  }

  /**
   * This process's own descriptor for the write end of a held child's pipe (the zygote's
   * descriptor `fd`, opened again through /proc), or undefined where that cannot be done.
   */
  private openControl(fd: number): number | undefined {
    const zygotePid = this.zygote?.pid;
    if (zygotePid === undefined || !Number.isInteger(fd) || fd < 0) return undefined;
    try {
      return openSync(`/proc/${zygotePid}/fd/${fd}`, fs.O_WRONLY | fs.O_NONBLOCK);
    } catch {
      return undefined;
    }
  }

  /** Writes framed messages to the zygote (nothing for an empty string). */
  private send(framed: string): void {
    if (framed !== '' && this.zygote && !this.broken) this.zygote.stdin?.write(framed);
  }

  /** The zygote died: held spawns fall back; children it had forked are watched by polling. */
  private fail(zygote: ChildProcess): void {
    if (this.zygote !== zygote) return;
    this.zygote = undefined;
    this.broken = true;
    for (const pending of [...this.pending.values(), ...this.commands.values()]) pending.reject(new Error('the process runtime\'s zygote stopped before it reported the fork'));
    this.pending.clear();
    this.commands.clear();
    clearTimeout(this.noticeTimer);
    this.noticeTimer = undefined;
    this.notices.length = 0;
    this.waiting.length = 0;
    this.inFlight = 0;
    // Held children wait on their pipe: with the zygote's end gone, closing ours ends them.
    for (const id of [...this.controls.keys()]) this.closeControl(id);
    watchByPolling([...this.running.values()]);
    this.running.clear();
  }
}

/** Writes to a non-blocking descriptor; false for a child that is gone (EPIPE) or a full pipe, left to the zygote's copy of the message. */
function tryWrite(fd: number, text: string): boolean {
  try {
    return writeSync(fd, text) === Buffer.byteLength(text);
  } catch {
    return false;
  }
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // already closed
  }
}
