import { createWriteStream, type WriteStream } from 'node:fs';
import type { LogLine } from '../../runtime/types.js';

/**
 * The output of one supervised container: a bounded ring buffer of lines in memory, appended
 * line by line to a file (`<iso time> <o|e> <text>`) so another process can read it, and
 * live subscribers for `follow`.
 */
export class LogBuffer {
  private readonly lines: LogLine[] = [];
  private start = 0;
  /** Lines ever appended (the buffer holds the last `capacity`). */
  total = 0;
  private readonly listeners = new Set<(line: LogLine | undefined) => void>();
  private file: WriteStream | undefined;
  /** True once the container has exited for good (no restart coming). */
  ended = false;

  constructor(
    private readonly capacity: number,
    private readonly path: string,
  ) {}

  /** Everything still in memory, oldest first. */
  snapshot(): LogLine[] {
    return [...this.lines.slice(this.start), ...this.lines.slice(0, this.start)];
  }

  /** True when the buffer still holds every line ever appended. */
  get complete(): boolean {
    return this.total === this.lines.length;
  }

  append(stream: LogLine['stream'], text: string): void {
    const line: LogLine = { stream, text, timestamp: new Date() };
    if (this.lines.length < this.capacity) this.lines.push(line);
    else {
      this.lines[this.start] = line;
      this.start = (this.start + 1) % this.capacity;
    }
    this.total++;
    this.file ??= this.open();
    this.file.write(formatLogLine(line));
    for (const listener of this.listeners) listener(line);
  }

  private open(): WriteStream {
    return createWriteStream(this.path, { flags: 'a', mode: 0o600 }).on('error', () => undefined);
  }

  /** Marks the container as restarted: followers keep following. */
  reopen(): void {
    this.ended = false;
  }

  /** The container exited for good: followers end. */
  end(): void {
    this.ended = true;
    for (const listener of this.listeners) listener(undefined);
  }

  /** Calls `listener` with each new line, and with `undefined` when the output ends. */
  subscribe(listener: (line: LogLine | undefined) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Flushes and closes the file. */
  async close(): Promise<void> {
    const file = this.file;
    this.file = undefined;
    if (file) await new Promise<void>((resolve) => file.end(() => resolve()));
  }
}

/** One line of a log file. */
export function formatLogLine(line: LogLine): string {
  return `${line.timestamp.toISOString()} ${line.stream === 'stdout' ? 'o' : 'e'} ${line.text}\n`;
}

/** Parses the lines of a log file (complete lines only). */
export function parseLogLines(text: string): LogLine[] {
  const out: LogLine[] = [];
  for (const raw of text.split('\n')) {
    const first = raw.indexOf(' ');
    if (first < 0 || raw.length < first + 3) continue;
    const timestamp = new Date(raw.slice(0, first));
    if (Number.isNaN(timestamp.getTime())) continue;
    const kind = raw[first + 1];
    out.push({ stream: kind === 'e' ? 'stderr' : 'stdout', text: raw.slice(first + 3), timestamp });
  }
  return out;
}

/**
 * Splits a stream's chunks into lines, calling `onLine` per complete line; `flush()` emits a
 * trailing partial line. Very long lines are cut every 64 KiB.
 */
export function lineSplitter(onLine: (text: string) => void): { push(chunk: string): void; flush(): void } {
  let pending = '';
  const MAX = 64 * 1024;
  return {
    push(chunk: string) {
      pending += chunk;
      let index: number;
      while ((index = pending.indexOf('\n')) >= 0) {
        onLine(pending.slice(0, index).replace(/\r$/, ''));
        pending = pending.slice(index + 1);
      }
      while (pending.length > MAX) {
        onLine(pending.slice(0, MAX));
        pending = pending.slice(MAX);
      }
    },
    flush() {
      if (pending.length > 0) onLine(pending.replace(/\r$/, ''));
      pending = '';
    },
  };
}
