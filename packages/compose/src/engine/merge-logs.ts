import type { ContainerInfo, LogOptions, Runtime } from '../runtime/types.js';
import type { StackLogLine } from './stack-types.js';

/** @internal Merged logs of several containers: by time without follow, as they come with follow. */
export async function* mergedLogs(runtime: Runtime, containers: readonly ContainerInfo[], options: LogOptions): AsyncGenerator<StackLogLine> {
  const tag = (c: ContainerInfo, line: { stream: 'stdout' | 'stderr'; text: string; timestamp: Date }): StackLogLine => ({
    service: c.service,
    replica: c.replica,
    stream: line.stream,
    text: line.text,
    timestamp: line.timestamp,
  });
  if (!options.follow) {
    const all: StackLogLine[] = [];
    await Promise.all(
      containers.map(async (c) => {
        for await (const line of runtime.logs(c.id, options)) all.push(tag(c, line));
      }),
    );
    // Stable sort by time: each container's own order is kept for equal times.
    yield* all.map((l, i) => ({ l, i })).sort((a, b) => a.l.timestamp.getTime() - b.l.timestamp.getTime() || a.i - b.i).map((x) => x.l);
    return;
  }
  const queue: StackLogLine[] = [];
  let wake: (() => void) | undefined;
  let open = containers.length;
  let failure: unknown;
  for (const c of containers) {
    void (async () => {
      try {
        for await (const line of runtime.logs(c.id, options)) {
          queue.push(tag(c, line));
          wake?.();
        }
      } catch (error) {
        if (!options.signal?.aborted) failure ??= error;
      } finally {
        open--;
        wake?.();
      }
    })();
  }
  for (;;) {
    const next = queue.shift();
    if (next) {
      yield next;
      continue;
    }
    if (failure) throw failure;
    if (open === 0) return;
    await new Promise<void>((resolve) => (wake = resolve));
    wake = undefined;
  }
}
