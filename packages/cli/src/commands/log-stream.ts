import type { LogLine } from '@selur/compose';

/** One source of log lines: a container of a service. */
export interface LogSource {
  readonly service: string;
  /** What the prefix shows: `api`, or `api-2` for a second replica. */
  readonly label: string;
  readonly lines: AsyncIterable<LogLine>;
}

/** A line with where it came from. */
export interface PrefixedLine {
  readonly service: string;
  readonly label: string;
  readonly line: LogLine;
}

/**
 * Reads every source and hands each line to `print`. With `ordered` (a finite read), all lines
 * are collected first and printed by timestamp (stable for equal times); otherwise (following)
 * lines are printed as they arrive, until every source ends or `signal` aborts.
 */
export async function mergeLogStreams(
  sources: readonly LogSource[],
  options: { readonly ordered: boolean; readonly signal?: AbortSignal | undefined },
  print: (line: PrefixedLine) => void,
): Promise<void> {
  const collected: PrefixedLine[] = [];
  const emit = options.ordered ? (line: PrefixedLine) => void collected.push(line) : print;
  const readers = sources.map(async (source) => {
    for await (const line of source.lines) {
      if (options.signal?.aborted) break;
      emit({ service: source.service, label: source.label, line });
    }
  });
  const aborted = new Promise<void>((done) => {
    if (!options.signal) return;
    if (options.signal.aborted) return done();
    options.signal.addEventListener('abort', () => done(), { once: true });
  });
  await Promise.race([Promise.all(readers), aborted]);
  if (options.ordered) {
    const order = collected.map((line, index) => ({ line, index }));
    order.sort((a, b) => a.line.line.timestamp.getTime() - b.line.line.timestamp.getTime() || a.index - b.index);
    for (const { line } of order) print(line);
  }
}
