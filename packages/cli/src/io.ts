import { fstatSync } from 'node:fs';
import { createRequire } from 'node:module';

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

/**
 * Whether `fd` is a terminal, without making its stream: only a character device other than
 * /dev/null and its kin (major 1 on Linux) is asked of `tty.isatty` (node:tty loads node:net).
 */
function isTerminal(fd: number): boolean {
  try {
    // BigInt stats: a plain fstatSync leaves its result in the buffer fs.realpathSync reads back
    // for a path component it knows already, so after fstat of a pipe it stops at that component
    // as if it were the pipe: require() then loaded the SDK under the workspace symlink's path
    // (test/module-loading.test.ts), not its real one.
    const stat = fstatSync(fd, { bigint: true });
    if (!stat.isCharacterDevice()) return false;
    if (process.platform === 'linux' && ((stat.rdev >> 8n) & 0xfffn) === 1n) return false;
  } catch {
    return false;
  }
  return (createRequire(import.meta.url)('node:tty') as typeof import('node:tty')).isatty(fd);
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
 * `process.stdout` or `process.stderr`, made at the first write: Node makes the stream of a pipe
 * or terminal with node:net and node:stream, ~5 ms at start that a command writing nothing there
 * (most write to one of the two) need not spend. Whether it is a terminal is read from the file
 * descriptor, without the stream.
 */
function stream(fd: 1 | 2): OutStream & { drained(): Promise<void> } {
  let target: NodeJS.WriteStream | undefined;
  const made = () => (target ??= fd === 1 ? process.stdout : process.stderr);
  let tty: boolean | undefined;
  return {
    write: (text: string) => void made().write(text),
    get isTTY() {
      // Windows: its consoles are not told apart by fstat
      tty ??= target !== undefined || process.platform === 'win32' ? made().isTTY === true : isTerminal(fd);
      return tty;
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
