import type { LogLine, LogOptions } from '../../runtime/types.js';
import type { LogBuffer } from './log-buffer.js';
import { pause, readLogFrom, selectHistory } from './log-reader.js';

/**
 * Logs of a container this runtime object supervises: history from the ring buffer (or the file
 * when the buffer has dropped lines that were asked for), then live lines until the process
 * exits for good or the signal aborts.
 */
export async function* ownedLogs(buffer: LogBuffer, file: string, options: LogOptions): AsyncGenerator<LogLine> {
  const queue: (LogLine | undefined)[] = [];
  let wake: (() => void) | undefined;
  const unsubscribe = options.follow
    ? buffer.subscribe((line) => {
        queue.push(line);
        wake?.();
      })
    : undefined;
  try {
    const total = buffer.total;
    const snapshot = buffer.snapshot();
    const tailFits = options.tail !== undefined && options.tail >= 0 && options.tail <= snapshot.length && options.since === undefined;
    let all: LogLine[];
    if (buffer.complete || tailFits) all = snapshot;
    else {
      const fromFile = (await readLogFrom(file, 0)).lines.slice(0, total);
      const firstInBuffer = total - snapshot.length;
      all = [...fromFile, ...snapshot.slice(Math.max(0, fromFile.length - firstInBuffer))];
    }
    const ended = buffer.ended;
    for (const line of selectHistory(all, options)) yield line;
    if (!options.follow || ended) return;
    const signal = options.signal;
    const onAbort = () => wake?.();
    signal?.addEventListener('abort', onAbort, { once: true });
    // The pipes are unref'd (services must not keep their owner alive); a follower must.
    const keepAlive = setInterval(() => undefined, 1 << 30);
    try {
      for (;;) {
        while (queue.length > 0) {
          const line = queue.shift();
          if (line === undefined) return;
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
 * Logs of a container supervised elsewhere (another runtime object or process): the log file,
 * then (with `follow`) polling it until `finished()` says the process exited for good.
 */
export async function* fileLogs(file: string, options: LogOptions, finished: () => Promise<boolean>): AsyncGenerator<LogLine> {
  let { lines, offset } = await readLogFrom(file, 0);
  for (const line of selectHistory(lines, options)) yield line;
  if (!options.follow) return;
  for (;;) {
    if (options.signal?.aborted) return;
    const done = await finished();
    const next = await readLogFrom(file, offset);
    offset = next.offset;
    lines = next.lines;
    for (const line of lines) if (options.since === undefined || line.timestamp >= options.since) yield line;
    if (done) return;
    await pause(100, options.signal);
  }
}
