/** @internal How long changes must be quiet before a batch is applied (ms), as Docker Compose. */
export const QUIET_PERIOD_MS = 500;
/** @internal A batch is applied at the latest this many quiet periods after its first change. */
const MAX_WAIT_PERIODS = 10;
/** @internal Distinct paths held in one batch; beyond it, later changes of the batch are dropped (and counted). */
export const MAX_BATCH_PATHS = 10_000;

/**
 * @internal Gathers changed paths until none came for a quiet period (or, under a steady stream
 * of changes, for at most ten of them), then hands them over as one batch: an editor saving
 * many files, a `git checkout`, make one action per service, not one per file.
 */
export class Batcher {
  #paths = new Set<string>();
  #dropped = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #first = 0;
  readonly #quietMs: number;
  readonly #flush: (paths: readonly string[], dropped: number) => void;

  constructor(quietMs: number, flush: (paths: readonly string[], dropped: number) => void) {
    this.#quietMs = quietMs;
    this.#flush = flush;
  }

  add(path: string): void {
    if (this.#paths.size >= MAX_BATCH_PATHS && !this.#paths.has(path)) this.#dropped++;
    else this.#paths.add(path);
    const now = Date.now();
    if (this.#timer === undefined) this.#first = now;
    else clearTimeout(this.#timer);
    const latest = this.#first + this.#quietMs * MAX_WAIT_PERIODS;
    this.#timer = setTimeout(() => this.#emit(), Math.max(0, Math.min(this.#quietMs, latest - now)));
  }

  #emit(): void {
    this.#timer = undefined;
    const paths = [...this.#paths];
    const dropped = this.#dropped;
    this.#paths = new Set();
    this.#dropped = 0;
    if (paths.length > 0) this.#flush(paths, dropped);
  }

  /** Drops what is pending. */
  close(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#paths.clear();
  }
}
