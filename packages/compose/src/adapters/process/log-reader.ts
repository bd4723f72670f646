import { open, stat } from 'node:fs/promises';
import type { LogLine, LogOptions } from '../../runtime/types.js';
import { parseLogLines } from './log-buffer.js';

/** Keeps lines at or after `since`, then the last `tail`. */
export function selectHistory(lines: readonly LogLine[], options: LogOptions): LogLine[] {
  const since = options.since;
  const filtered = since ? lines.filter((l) => l.timestamp.getTime() >= since.getTime()) : [...lines];
  if (options.tail === undefined || options.tail < 0) return filtered;
  return options.tail === 0 ? [] : filtered.slice(-options.tail);
}

/** Reads a log file from byte `offset`; returns the complete lines and the offset after them. */
export async function readLogFrom(path: string, offset: number): Promise<{ lines: LogLine[]; offset: number }> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch {
    return { lines: [], offset };
  }
  if (size < offset) offset = 0; // truncated or replaced
  if (size === offset) return { lines: [], offset };
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(size - offset);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
    const text = buffer.subarray(0, bytesRead).toString('utf8');
    const lastNewline = text.lastIndexOf('\n');
    if (lastNewline < 0) return { lines: [], offset };
    const complete = text.slice(0, lastNewline + 1);
    return { lines: parseLogLines(complete), offset: offset + Buffer.byteLength(complete) };
  } finally {
    await handle.close();
  }
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
