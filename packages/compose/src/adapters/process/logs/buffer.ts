import type { LogLine } from '../../../runtime/types.js';

/**
 * The output of one supervised container as this process saw it: a bounded ring buffer of the
 * lines its tailer read (the index file holds them all), and live subscribers for `follow`.
 */
export class LogBuffer {
  private lines: LogLine[] = [];
  private start = 0;
  /** Lines appended since the last {@link reset} (the buffer holds the last `capacity`). */
  total = 0;
  /** Lines the index file held before the first line of this buffer. */
  before = 0;
  private readonly listeners = new Set<(line: LogLine | undefined) => void>();
  /** True once the container has exited for good (no restart coming). */
  ended = false;

  constructor(private readonly capacity: number) {}

  /** Everything still in memory, oldest first. */
  snapshot(): LogLine[] {
    return [...this.lines.slice(this.start), ...this.lines.slice(0, this.start)];
  }

  /** True when the buffer holds every line of the index file. */
  get complete(): boolean {
    return this.before === 0 && this.total === this.lines.length;
  }

  /** Forgets the lines in memory: the index file already holds `before` lines. */
  reset(before: number): void {
    this.lines = [];
    this.start = 0;
    this.total = 0;
    this.before = before;
  }

  append(line: LogLine): void {
    if (this.lines.length < this.capacity) this.lines.push(line);
    else {
      this.lines[this.start] = line;
      this.start = (this.start + 1) % this.capacity;
    }
    this.total++;
    for (const listener of this.listeners) listener(line);
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
}
