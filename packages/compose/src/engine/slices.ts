/**
 * @internal Paces a burst of work started on one turn of the event loop (thousands of stops
 * issued at once), so that no synchronous run lasts much longer than {@link SLICE_MS}: a piece
 * starts at once while the current slice has budget left; past it, pieces queue (in order) and
 * start on later turns of the loop, a slice's worth per turn. Between slices the loop runs I/O,
 * timers and the events of what was already started: progress keeps flowing through a burst.
 *
 * A slice begins with the first piece started after the loop turned (or with a drain of the
 * queue) and ends when the loop turns.
 *
 * @example
 * ```ts
 * const slices = new Slices();
 * await Promise.all(containers.map((c) => slices.run(() => stop(c))));
 * ```
 */
export class Slices {
  readonly #budgetMs: number;
  readonly #now: () => number;
  readonly #queue: (() => void)[] = [];
  #head = 0;
  /** The current slice (counts slices), whether it is still running, and when it began. */
  #slice = 0;
  #open = false;
  #since = 0;
  #drainScheduled = false;

  constructor(budgetMs: number = SLICE_MS, now: () => number = () => performance.now()) {
    this.#budgetMs = budgetMs;
    this.#now = now;
  }

  /**
   * Starts `start` now when the slice has budget left and nothing waits, else on a later turn
   * (after every piece queued before it). Resolves or rejects as `start`'s promise does.
   */
  run<T>(start: () => Promise<T>): Promise<T> {
    if (this.#head === this.#queue.length && this.#budgetLeft()) {
      try {
        return start();
      } catch (error) {
        return Promise.reject(error);
      }
    }
    return new Promise<T>((resolve, reject) => {
      this.#queue.push(() => {
        try {
          start().then(resolve, reject);
        } catch (error) {
          reject(error);
        }
      });
      this.#scheduleDrain();
    });
  }

  /** How many pieces wait for a later slice. */
  get waiting(): number {
    return this.#queue.length - this.#head;
  }

  #budgetLeft(): boolean {
    if (!this.#open) this.#begin();
    return this.#now() - this.#since < this.#budgetMs;
  }

  #begin(): void {
    const slice = ++this.#slice;
    this.#open = true;
    this.#since = this.#now();
    setImmediate(() => {
      if (this.#slice === slice) this.#open = false;
    });
  }

  #scheduleDrain(): void {
    if (this.#drainScheduled) return;
    this.#drainScheduled = true;
    setImmediate(() => {
      this.#drainScheduled = false;
      this.#begin();
      // at least one piece a slice, however long one takes
      do (this.#queue[this.#head++] as () => void)();
      while (this.#head < this.#queue.length && this.#now() - this.#since < this.#budgetMs);
      if (this.#head === this.#queue.length) {
        this.#queue.length = 0;
        this.#head = 0;
      } else this.#scheduleDrain();
    });
  }
}

/** How long one slice may run before the event loop gets a turn (ms). */
export const SLICE_MS = 10;
