import { closeSync, constants, fstatSync, openSync, readFileSync, readSync, watch, writeSync, type FSWatcher } from 'node:fs';
import type { LogLine } from '../../../runtime/types.js';
import { formatIndexLine, parseIndexLines, splitRaw } from './format.js';
import type { OutputFiles } from './files.js';
import { tailerRing, type Polled } from './poll-ring.js';
/** Bytes read from one raw file per pass; more is read on the next turn of the event loop. */
const READ_MAX = 1 << 20;

type Stream = LogLine['stream'];

interface Cursor {
  fd: number | undefined;
  /** Raw bytes up to here are indexed. */
  indexed: number;
  /** Bytes read after `indexed` that do not form a complete line yet. */
  pending: Buffer;
}

/**
 * Tails a container's raw output files (`<id>.out`, `<id>.err`) while this process lives:
 * `fs.watch` wakes it within milliseconds of a write (a poll backs it up: every 100 ms while at most
 * 64 tailers run, less often beyond, all on one shared timer, see poll-ring.ts), it cuts the
 * new bytes into lines, timestamps them, appends them to the index file (one `write` per pass)
 * and hands them to `onLine`. Its watchers and the shared timer are unref'd: tailing never keeps the
 * owner process alive. Started again later (by this or another process), it resumes where the
 * index ends, indexing what was written meanwhile with the time it is first seen.
 */
export class OutputTailer {
  private readonly cursors: Record<Stream, Cursor> = { stdout: fresh(), stderr: fresh() };
  private indexFd: number | undefined;
  /** Size of the index as this tailer last wrote or read it. */
  private indexSize = 0;
  private watchers: FSWatcher[] = [];
  private readonly polled: Polled = { poll: () => this.pump(false) };
  private tailing = false;
  private scheduled = false;

  constructor(
    private readonly files: OutputFiles,
    private readonly onLine: (line: LogLine) => void,
  ) {}

  get running(): boolean {
    return this.tailing;
  }

  /** Starts tailing (no-op when running). Returns the number of lines the index already held. */
  start(): number {
    if (this.tailing) return -1;
    this.indexFd = openSync(this.files.index, constants.O_RDWR | constants.O_APPEND | constants.O_CREAT, 0o600);
    const existing = this.resync();
    for (const stream of ['stdout', 'stderr'] as const) {
      const path = stream === 'stdout' ? this.files.out : this.files.err;
      try {
        const watcher = watch(path, { persistent: false }, () => this.pump(false)); // at once: a readiness check may wait on this line
        watcher.on('error', () => undefined);
        watcher.unref();
        this.watchers.push(watcher);
      } catch {
        // no watch (missing file, no inotify): the poll still tails
      }
    }
    this.tailing = true;
    tailerRing.add(this.polled);
    return existing;
  }

  /** Reads the complete lines written so far (those written before the watchers were set up, say). */
  catchUp(): void {
    if (this.indexFd !== undefined) this.pump(false);
  }

  /** Reads everything written so far, a trailing partial line included (after a process exit). */
  flush(): void {
    if (this.indexFd !== undefined) this.pump(true);
  }

  /** Flushes, then stops tailing and closes the files. */
  stop(): void {
    this.flush();
    tailerRing.delete(this.polled);
    this.tailing = false;
    for (const watcher of this.watchers.splice(0)) watcher.close();
    for (const cursor of Object.values(this.cursors)) {
      if (cursor.fd !== undefined) closeSync(cursor.fd);
      Object.assign(cursor, fresh());
    }
    if (this.indexFd !== undefined) closeSync(this.indexFd);
    this.indexFd = undefined;
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.pump(false);
    });
  }

  /** Re-reads the index to learn what is indexed (another process may have written it). */
  private resync(): number {
    let text = '';
    try {
      text = readFileSync(this.files.index, 'utf8');
    } catch {
      // no index yet
    }
    const lines = parseIndexLines(text);
    for (const { line, end } of lines) {
      const cursor = this.cursors[line.stream];
      if (end > cursor.indexed) Object.assign(cursor, { indexed: end, pending: Buffer.alloc(0) });
    }
    this.indexSize = Buffer.byteLength(text);
    return lines.length;
  }

  private pump(final: boolean): void {
    const fd = this.indexFd;
    if (fd === undefined) return;
    try {
      if (fstatSync(fd).size !== this.indexSize) this.resync();
      const now = new Date();
      const batch: { line: LogLine; end: number }[] = [];
      let more = false;
      for (const stream of ['stdout', 'stderr'] as const) {
        const cursor = this.cursors[stream];
        cursor.fd ??= openRead(stream === 'stdout' ? this.files.out : this.files.err);
        if (cursor.fd === undefined) continue;
        const size = fstatSync(cursor.fd).size;
        if (size < cursor.indexed) Object.assign(cursor, { indexed: 0, pending: Buffer.alloc(0) }); // truncated
        const from = cursor.indexed + cursor.pending.length;
        const length = Math.min(size - from, READ_MAX);
        if (length <= 0 && !(final && cursor.pending.length > 0)) continue;
        more ||= size - from > READ_MAX;
        const chunk = Buffer.alloc(Math.max(0, length));
        const read = length > 0 ? readSync(cursor.fd, chunk, 0, length, from) : 0;
        const bytes = Buffer.concat([cursor.pending, chunk.subarray(0, read)]);
        const { lines, rest } = splitRaw(bytes, cursor.indexed, final && !more);
        cursor.pending = rest;
        if (lines.length > 0) cursor.indexed = lines[lines.length - 1]?.end ?? cursor.indexed;
        for (const { text, end } of lines) batch.push({ line: { stream, text, timestamp: now }, end });
      }
      if (batch.length > 0) {
        const text = batch.map((b) => formatIndexLine(b.line, b.end)).join('');
        writeSync(fd, text);
        this.indexSize += Buffer.byteLength(text);
        for (const { line } of batch) this.onLine(line);
      }
      if (more) final ? this.pump(true) : this.schedule();
    } catch {
      // a file removed under us (container removed) or a full disk: the next pass tries again
    }
  }
}

function fresh(): Cursor {
  return { fd: undefined, indexed: 0, pending: Buffer.alloc(0) };
}

function openRead(path: string): number | undefined {
  try {
    return openSync(path, constants.O_RDONLY);
  } catch {
    return undefined;
  }
}
