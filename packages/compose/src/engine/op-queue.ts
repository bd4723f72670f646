/** A task waiting for its turn. */
interface Waiting {
  readonly priority: number;
  readonly start: () => void;
}

/**
 * @internal The converge's concurrency cap (`up({ parallel })`): at most `concurrency` tasks run at
 * once; of the tasks waiting, the one of highest priority starts first, and tasks of equal
 * priority start in the order they were added. A task starts within `add` when there is room.
 *
 * It does what the converge used p-queue for, in the SDK's own CommonJS build: p-queue is an ES
 * module, and requiring one from CommonJS brought up Node's ES module loader, 12–15 ms of every
 * CLI `up` before its first container started.
 *
 * @example
 * const queue = new OperationQueue(2);
 * const created = queue.add(() => runtime.createContainer(spec), 1); // starts now: there is room
 * queue.clear(); // the tasks still waiting never start (their promises never settle)
 * await queue.onIdle(); // the running ones have ended
 */
export class OperationQueue {
  readonly #concurrency: number;
  #running = 0;
  /** Highest priority first; equal priorities in the order added. */
  readonly #waiting: Waiting[] = [];
  #idle: (() => void)[] = [];

  /** @param concurrency at most this many tasks at once (a positive number, or `Infinity`) */
  constructor(concurrency: number) {
    if (!(concurrency >= 1)) throw new RangeError(`internal: a queue's concurrency must be at least 1, got ${concurrency}`);
    this.#concurrency = concurrency;
  }

  /** Tasks running now. */
  get running(): number {
    return this.#running;
  }

  /** Tasks waiting for room. */
  get waiting(): number {
    return this.#waiting.length;
  }

  /** Runs `task` when there is room (higher `priority` first); settles as the task does. */
  add<T>(task: () => Promise<T>, priority = 0): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const start = (): void => {
        this.#running++;
        let result: Promise<T>;
        try {
          result = task();
        } catch (error) {
          result = Promise.reject(error);
        }
        result.then(resolve, reject).finally(() => this.#ended());
      };
      if (this.#running < this.#concurrency) start();
      else this.#insert({ priority, start });
    });
  }

  /** Drops every task still waiting: they never start, and their promises never settle. */
  clear(): void {
    this.#waiting.length = 0;
    if (this.#running === 0) this.#settleIdle();
  }

  /** Resolves once no task runs or waits (at once when none does). */
  onIdle(): Promise<void> {
    if (this.#running === 0 && this.#waiting.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  /** Places a waiting task after every one of its priority or higher (binary search). */
  #insert(entry: Waiting): void {
    const waiting = this.#waiting;
    const last = waiting.at(-1);
    if (last === undefined || last.priority >= entry.priority) {
      waiting.push(entry);
      return;
    }
    let low = 0;
    let high = waiting.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (waiting[middle]!.priority >= entry.priority) low = middle + 1;
      else high = middle;
    }
    waiting.splice(low, 0, entry);
  }

  #ended(): void {
    this.#running--;
    const next = this.#waiting.shift();
    if (next) next.start();
    else if (this.#running === 0) this.#settleIdle();
  }

  #settleIdle(): void {
    const idle = this.#idle;
    this.#idle = [];
    for (const resolve of idle) resolve();
  }
}
