/**
 * The engine's clock: injectable so tests (and benchmarks) control time.
 *
 * @example
 * ```ts
 * await project.up({ clock: systemClock });
 * ```
 */
export interface EngineClock {
  /** Milliseconds, monotonic enough for deadlines. */
  now(): number;
  /** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/**
 * The real clock (`performance.now()` and timers), the default of `up({ clock })`.
 *
 * @example
 * ```ts
 * const started = systemClock.now();
 * await systemClock.sleep(10);
 * ```
 */
export const systemClock: EngineClock = {
  now: () => performance.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

/**
 * @internal Delays of a fast-then-slow poll: `first`, then growing by `factor` each time, capped
 * at `cap` (ms). The default factor (1.1) keeps polls within ~30 ms of each other for the first
 * few hundred ms (prompt readiness detection) and reaches the cap after a few seconds.
 */
export function* backoff(first: number, cap: number, factor = 1.1): Generator<number, never> {
  let delay = Math.max(1, first);
  for (;;) {
    yield Math.min(Math.round(delay), cap);
    delay = Math.min(delay * factor, cap);
  }
}
