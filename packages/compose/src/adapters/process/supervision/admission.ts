/**
 * Admits at most `limit` holders at once; the others wait in arrival order. `run` holds a place
 * while its function runs.
 *
 * The process runtime admits stops through one (see stop.ts): the first step of a stop is a
 * write to the state file (`desired: stopped`), and the state file's write queue is served in
 * arrival order. With 2,000 stops at once, the writes that end the first stops (their exit)
 * queued behind the 2,000 first steps: no stop ended before every stop had begun, and `down` fell
 * silent for seconds, longer the larger the stack. Admitted a bounded number at a time, a stop
 * that has begun waits behind a bounded queue.
 */
export class Admission {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  private head = 0;
  /** Most holders admitted at once so far (for tests). */
  peak = 0;

  constructor(readonly limit: number) {}

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    this.peak = Math.max(this.peak, this.active);
    try {
      return await fn();
    } finally {
      this.leave();
    }
  }

  /** Hands the place to the next waiter (O(1): a head index, not `shift()`), or frees it. */
  private leave(): void {
    const next = this.waiting[this.head];
    if (next === undefined) {
      this.active--;
      return;
    }
    this.waiting[this.head++] = undefined as unknown as () => void;
    if (this.head > 1024 && this.head * 2 > this.waiting.length) {
      this.waiting.splice(0, this.head);
      this.head = 0;
    }
    next();
  }
}
