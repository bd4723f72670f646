import type { LogLine, LogOptions } from '../../../runtime/types.js';
import type { LogBuffer } from './buffer.js';
import type { OutputFiles } from './files.js';
import { estimateTimes, pause, readAllOutput, readIndexFrom, readRawFrom, selectHistory, type RawLines } from './reader.js';

/** Poll period of a follower that reads the files (another process's container), ms. */
const FOLLOW_POLL_MS = 50;

/**
 * Logs of a container this runtime object tails: history from the ring buffer (or the index
 * file when the buffer does not hold every line asked for), then live lines until the process
 * exits for good or the signal aborts.
 */
export async function* ownedLogs(buffer: LogBuffer, files: OutputFiles, options: LogOptions): AsyncGenerator<LogLine> {
  const queue: (LogLine | undefined)[] = [];
  let wake: (() => void) | undefined;
  const unsubscribe = options.follow
    ? buffer.subscribe((line) => {
        queue.push(line);
        wake?.();
      })
    : undefined;
  try {
    const known = buffer.before + buffer.total;
    const snapshot = buffer.snapshot();
    const tailFits = options.tail !== undefined && options.tail >= 0 && options.tail <= snapshot.length && options.since === undefined;
    let all: LogLine[];
    if (buffer.complete || tailFits) all = snapshot;
    else {
      // The tailer writes the index before it fills the buffer: the file holds every known line.
      const fromFile = (await readIndexFrom(files.index, 0)).lines.slice(0, known).map((l) => l.line);
      const missing = known - fromFile.length;
      all = missing > 0 ? [...fromFile, ...snapshot.slice(-missing)] : fromFile;
    }
    const ended = buffer.ended;
    for (const line of selectHistory(all, options)) yield line;
    if (!options.follow || ended) return;
    const signal = options.signal;
    const onAbort = () => wake?.();
    signal?.addEventListener('abort', onAbort, { once: true });
    // Nothing of a service keeps its owner alive (the tailer is unref'd); a follower must.
    const keepAlive = setInterval(() => undefined, 1 << 30);
    try {
      for (;;) {
        while (queue.length > 0) {
          const line = queue.shift();
          if (line === undefined) return;
          if (signal?.aborted) return;
          if (options.since === undefined || line.timestamp >= options.since) yield line;
        }
        if (signal?.aborted) return;
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
    } finally {
      clearInterval(keepAlive);
      signal?.removeEventListener('abort', onAbort);
    }
  } finally {
    unsubscribe?.();
  }
}

/**
 * Logs of a container tailed elsewhere or by nobody (its owner exited): the output files, then
 * (with `follow`) polling them until `finished()` says the process exited for good. New lines
 * come from the index when a live owner indexes them; raw lines that stay unindexed for a poll
 * period are read from the raw files directly (timestamps estimated between the polls that saw
 * them appear, see {@link estimateTimes}).
 */
export async function* fileLogs(files: OutputFiles, options: LogOptions, finished: () => Promise<boolean>): AsyncGenerator<LogLine> {
  const history = await readAllOutput(files, await finished());
  for (const line of selectHistory(history.lines, options)) yield line;
  if (!options.follow) return;
  const cursor = history.cursor;
  const seen = { stdout: 0, stderr: 0 };
  let previousPoll = Date.now();
  // An abort ends the stream at once, even in the middle of a batch.
  const keep = (line: LogLine) => !options.signal?.aborted && (options.since === undefined || line.timestamp >= options.since);
  for (;;) {
    if (options.signal?.aborted) return;
    const done = await finished();
    const indexed = await readIndexFrom(files.index, cursor.index);
    cursor.index = indexed.offset;
    for (const { line, end } of indexed.lines) {
      if (end <= cursor[line.stream]) continue; // already read from the raw file
      cursor[line.stream] = end;
      if (keep(line)) yield line;
    }
    const raws: RawLines[] = [];
    for (const stream of ['stdout', 'stderr'] as const) {
      const raw = await readRawFrom(files, stream, cursor[stream], done);
      // Lines new since the last poll wait one more poll: a live owner indexes them meanwhile.
      const ready = done ? raw.lines : raw.lines.filter((l) => l.end <= seen[stream]);
      seen[stream] = raw.size;
      if (ready.length === 0) continue;
      cursor[stream] = ready.at(-1)?.end ?? cursor[stream];
      raws.push({ ...raw, lines: ready, mtimeMs: done ? raw.mtimeMs : Math.min(raw.mtimeMs, previousPoll) });
    }
    for (const line of estimateTimes(raws, previousPoll - FOLLOW_POLL_MS)) if (keep(line)) yield line;
    if (options.signal?.aborted) return;
    previousPoll = Date.now();
    if (done) return;
    await pause(FOLLOW_POLL_MS, options.signal);
  }
}
