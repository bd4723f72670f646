import { fstatSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { ExitCode } from './exit-codes.js';

/** A stream the CLI writes to. */
export interface OutStream {
  write(text: string): void;
  /** Whether it is a terminal (live progress and colours). */
  readonly isTTY: boolean;
  /** Terminal width, when known. */
  readonly columns?: number | undefined;
}

/**
 * Everything the CLI touches outside itself, so that `main` can be run in-process by tests with
 * fake streams, environment and signals.
 */
export interface CliIo {
  readonly stdout: OutStream;
  readonly stderr: OutStream;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** Calls `handler` on each SIGINT/SIGTERM until the returned function is called. */
  onInterrupt(handler: (signal: 'SIGINT' | 'SIGTERM') => void): () => void;
  /** Milliseconds since the epoch. */
  now(): number;
}

/** What a standard stream's file descriptor is, as far as writing to it goes. */
type FdKind = 'terminal' | 'file' | 'other';

/**
 * What `fd` is, without making its stream: a regular file or /dev/null and its kin (major 1 on
 * Linux), a terminal (only a character device is asked of `tty.isatty`: node:tty loads node:net),
 * or something else (a pipe, a socket).
 */
function fdKind(fd: number): FdKind {
  let character: boolean;
  try {
    // BigInt stats: a plain fstatSync leaves its result in the buffer fs.realpathSync reads back
    // for a path component it knows already, so after fstat of a pipe it stops at that component
    // as if it were the pipe: require() then loaded the SDK under the workspace symlink's path
    // (test/module-loading.test.ts), not its real one.
    const stat = fstatSync(fd, { bigint: true });
    if (stat.isFile()) return 'file';
    character = stat.isCharacterDevice();
    if (character && process.platform === 'linux' && ((stat.rdev >> 8n) & 0xfffn) === 1n) return 'file';
  } catch {
    return 'other';
  }
  return character && (createRequire(import.meta.url)('node:tty') as typeof import('node:tty')).isatty(fd) ? 'terminal' : 'other';
}

/** Writes all of `text` to `fd`; when a write fails, `done` is false and `rest` is what was not written. */
function writeAll(fd: number, text: string): { readonly done: boolean; readonly rest: Buffer } {
  let rest = Buffer.from(text, 'utf8');
  try {
    while (rest.length > 0) rest = rest.subarray(writeSync(fd, rest));
    return { done: true, rest };
  } catch {
    return { done: false, rest };
  }
}

/** Resolves once everything written to `target` so far is handed to the system (or it failed or closed). */
function drained(target: NodeJS.WriteStream): Promise<void> {
  return new Promise((done) => {
    if (target.writableLength === 0 || target.destroyed || !target.writable) return done();
    // the callback of an empty write runs once the writes before it are done (or have failed)
    target.write('', () => done());
  });
}

/**
 * When the reader of standard output goes away (`selur-compose config | head -1`), the command ends
 * at once with {@link ExitCode.brokenPipe}, as a program the shell's SIGPIPE ends does (Node ignores
 * SIGPIPE, so the failed write was an unhandled 'error' and a stack trace). A closed standard error
 * is only written to no more.
 */
function closedQuietly(target: NodeJS.WriteStream, fd: 1 | 2): NodeJS.WriteStream {
  target.on('error', (error: NodeJS.ErrnoException) => {
    if (fd === 1 && error.code === 'EPIPE') process.exit(ExitCode.brokenPipe);
  });
  return target;
}

/**
 * `process.stdout` or `process.stderr`, made at the first write: Node makes the stream of a pipe
 * or terminal with node:net and node:stream, ~5 ms at start that a command writing nothing there
 * (most write to one of the two) need not spend. A regular file or /dev/null is written with
 * `writeSync`, as Node's own stream of one does, without the stream (nor node:stream). What the
 * descriptor is, terminal or not, is read from it (fstat), without the stream.
 */
function stream(fd: 1 | 2): OutStream & { drained(): Promise<void> } {
  let target: NodeJS.WriteStream | undefined;
  const made = () => (target ??= closedQuietly(fd === 1 ? process.stdout : process.stderr, fd));
  // Windows: its consoles are not told apart by fstat (the stream's isTTY is asked)
  let kind: FdKind | undefined = process.platform === 'win32' ? 'other' : undefined;
  const kindOf = () => (kind ??= fdKind(fd));
  return {
    write: (text: string) => {
      if (target === undefined && kindOf() === 'file') {
        const { done, rest } = writeAll(fd, text);
        if (done) return;
        // a write that failed (a full disk): the stream says so as it would have
        kind = 'other';
        made().write(rest);
        return;
      }
      made().write(text);
    },
    get isTTY() {
      return process.platform === 'win32' ? made().isTTY === true : kindOf() === 'terminal';
    },
    get columns() {
      return made().columns;
    },
    drained: () => (target === undefined ? Promise.resolve() : drained(target)),
  };
}

/** The real process: its streams, environment, working directory and signals. */
export function processIo(): CliIo & { /** Resolves once what was written to stdout and stderr is handed to the system. */ drained(): Promise<void> } {
  const stdout = stream(1);
  const stderr = stream(2);
  return {
    stdout,
    stderr,
    drained: async () => void (await Promise.all([stdout.drained(), stderr.drained()])),
    env: process.env,
    cwd: process.cwd(),
    onInterrupt(handler) {
      const onInt = () => handler('SIGINT');
      const onTerm = () => handler('SIGTERM');
      process.on('SIGINT', onInt);
      process.on('SIGTERM', onTerm);
      return () => {
        process.off('SIGINT', onInt);
        process.off('SIGTERM', onTerm);
      };
    },
    now: () => Date.now(),
  };
}
