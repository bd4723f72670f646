import { open, stat } from 'node:fs/promises';
import type { LogLine, LogOptions } from '../../../runtime/types.js';
import { parseIndexLines, splitRaw, type IndexedLine } from './format.js';
import type { OutputFiles } from './files.js';

/** Keeps lines at or after `since`, then the last `tail`. */
export function selectHistory(lines: readonly LogLine[], options: LogOptions): LogLine[] {
  const since = options.since;
  const filtered = since ? lines.filter((l) => l.timestamp.getTime() >= since.getTime()) : [...lines];
  if (options.tail === undefined || options.tail < 0) return filtered;
  return options.tail === 0 ? [] : filtered.slice(-options.tail);
}

/** Reads bytes `[offset, size)` of a file (empty when it is missing or shorter). */
async function readBytes(path: string, offset: number): Promise<{ bytes: Buffer; size: number; mtimeMs: number }> {
  let size: number;
  let mtimeMs: number;
  try {
    ({ size, mtimeMs } = await stat(path));
  } catch {
    return { bytes: Buffer.alloc(0), size: 0, mtimeMs: 0 };
  }
  if (size <= offset) return { bytes: Buffer.alloc(0), size, mtimeMs };
  const handle = await open(path, 'r');
  try {
    const bytes = Buffer.alloc(size - offset);
    const { bytesRead } = await handle.read(bytes, 0, bytes.length, offset);
    return { bytes: bytes.subarray(0, bytesRead), size, mtimeMs };
  } finally {
    await handle.close();
  }
}

/** Reads an index file from byte `offset`; returns its complete lines and the offset after them. */
export async function readIndexFrom(path: string, offset: number): Promise<{ lines: IndexedLine[]; offset: number }> {
  let { bytes, size } = await readBytes(path, offset);
  if (size < offset) ({ bytes } = await readBytes(path, (offset = 0))); // replaced
  const lastNewline = bytes.lastIndexOf(10);
  if (lastNewline < 0) return { lines: [], offset };
  return { lines: parseIndexLines(bytes.subarray(0, lastNewline + 1).toString('utf8')), offset: offset + lastNewline + 1 };
}

/** Lines of a raw output file that no index holds, with where they start and when the file last changed. */
export interface RawLines {
  readonly stream: LogLine['stream'];
  readonly from: number;
  readonly lines: { text: string; end: number }[];
  readonly size: number;
  readonly mtimeMs: number;
}

/**
 * The lines of a raw output file after byte `from` (none holds a timestamp yet), and the file's
 * size and modification time. A trailing partial line is included only when `final`.
 */
export async function readRawFrom(files: OutputFiles, stream: LogLine['stream'], from: number, final: boolean): Promise<RawLines> {
  const { bytes, size, mtimeMs } = await readBytes(stream === 'stdout' ? files.out : files.err, from);
  return { stream, from, lines: splitRaw(bytes, from, final).lines, size, mtimeMs };
}

/**
 * Timestamps for lines nobody saw being written (no owner tailed them): each stream's lines are
 * spread evenly, by byte position, between `sinceMs` (when the index last had news) and the
 * raw file's last modification; the two streams are merged by those estimates (stdout first on
 * a tie). Exact for one line, an estimate for a backlog; the same files give the same answer.
 */
export function estimateTimes(raws: readonly RawLines[], sinceMs: number): LogLine[] {
  const out: { line: LogLine; order: number }[] = [];
  for (const raw of raws) {
    const last = raw.lines.at(-1)?.end ?? raw.from;
    const t1 = raw.mtimeMs > 0 ? raw.mtimeMs : Date.now();
    const t0 = Math.min(sinceMs, t1);
    for (const { text, end } of raw.lines) {
      const fraction = last > raw.from ? (end - raw.from) / (last - raw.from) : 1;
      out.push({ line: { stream: raw.stream, text, timestamp: new Date(Math.round(t0 + fraction * (t1 - t0))) }, order: out.length });
    }
  }
  return out.sort((a, b) => a.line.timestamp.getTime() - b.line.timestamp.getTime() || a.order - b.order).map((o) => o.line);
}

/** Where a reader of the output files has got to. */
export interface OutputCursor {
  index: number;
  stdout: number;
  stderr: number;
}

/**
 * Everything in the output files: the indexed lines (timestamped when read, in order across the
 * streams), then the raw lines nobody indexed yet (written while no owner tailed them: their
 * timestamps and order are estimated by {@link estimateTimes}). Returns the cursor after them.
 */
export async function readAllOutput(files: OutputFiles, final: boolean): Promise<{ lines: LogLine[]; cursor: OutputCursor }> {
  const cursor: OutputCursor = { index: 0, stdout: 0, stderr: 0 };
  const lines: LogLine[] = [];
  const indexed = await readIndexFrom(files.index, 0);
  cursor.index = indexed.offset;
  for (const { line, end } of indexed.lines) {
    lines.push(line);
    cursor[line.stream] = Math.max(cursor[line.stream], end);
  }
  const raws = await Promise.all((['stdout', 'stderr'] as const).map((stream) => readRawFrom(files, stream, cursor[stream], final)));
  for (const raw of raws) cursor[raw.stream] = raw.lines.at(-1)?.end ?? cursor[raw.stream];
  const indexMs = indexed.lines.length > 0 ? Math.max(...indexed.lines.map((l) => l.line.timestamp.getTime())) : (await stat(files.index).catch(() => undefined))?.mtimeMs ?? 0;
  lines.push(...estimateTimes(raws, Math.max(indexMs, lines.at(-1)?.timestamp.getTime() ?? 0)));
  return { lines, cursor };
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
