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

function stream(target: NodeJS.WriteStream): OutStream {
  return {
    write: (text: string) => void target.write(text),
    get isTTY() {
      return target.isTTY === true;
    },
    get columns() {
      return target.columns;
    },
  };
}

/** The real process: its streams, environment, working directory and signals. */
export function processIo(): CliIo {
  return {
    stdout: stream(process.stdout),
    stderr: stream(process.stderr),
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
