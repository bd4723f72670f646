import type { LogLine } from '../../../runtime/types.js';

/** A line of the index: a log line plus the byte offset just after it in its raw file. */
export interface IndexedLine {
  readonly line: LogLine;
  readonly end: number;
}

/** Lines longer than this (bytes, no newline) are cut into pieces of this size. */
export const MAX_LINE_BYTES = 64 * 1024;

/** One line of an index file: `<ISO time> <o|e> <end offset> <text>\n`. */
export function formatIndexLine(line: LogLine, end: number): string {
  return `${line.timestamp.toISOString()} ${line.stream === 'stdout' ? 'o' : 'e'} ${end} ${line.text}\n`;
}

/** Parses the complete lines of an index file; malformed lines are skipped. */
export function parseIndexLines(text: string): IndexedLine[] {
  const out: IndexedLine[] = [];
  for (const raw of text.split('\n')) {
    const first = raw.indexOf(' ');
    if (first < 0 || raw[first + 2] !== ' ') continue;
    const third = raw.indexOf(' ', first + 3);
    if (third < 0) continue;
    const timestamp = new Date(raw.slice(0, first));
    const end = Number(raw.slice(first + 3, third));
    if (Number.isNaN(timestamp.getTime()) || !Number.isSafeInteger(end)) continue;
    const kind = raw[first + 1];
    out.push({ line: { stream: kind === 'e' ? 'stderr' : 'stdout', text: raw.slice(third + 1), timestamp }, end });
  }
  return out;
}

/**
 * Splits raw output bytes that start at file offset `start` into lines (without `\n`, a trailing
 * `\r` dropped), each with the offset just after it. A line longer than {@link MAX_LINE_BYTES}
 * is cut. The bytes after the last newline are returned as `rest` unless `final` is set, in
 * which case they form a last line.
 */
export function splitRaw(bytes: Buffer, start: number, final: boolean): { lines: { text: string; end: number }[]; rest: Buffer } {
  const lines: { text: string; end: number }[] = [];
  let at = 0;
  for (;;) {
    const newline = bytes.indexOf(10, at);
    const limit = at + MAX_LINE_BYTES;
    if (newline >= 0 && newline < limit) {
      lines.push({ text: bytes.subarray(at, newline).toString('utf8').replace(/\r$/, ''), end: start + newline + 1 });
      at = newline + 1;
    } else if (bytes.length >= limit) {
      lines.push({ text: bytes.subarray(at, limit).toString('utf8'), end: start + limit });
      at = limit;
    } else break;
  }
  const rest = bytes.subarray(at);
  if (final && rest.length > 0) {
    lines.push({ text: rest.toString('utf8').replace(/\r$/, ''), end: start + bytes.length });
    return { lines, rest: Buffer.alloc(0) };
  }
  return { lines, rest };
}
