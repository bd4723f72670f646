/** Something polled now and then (a tailer's back-up pass behind `fs.watch`). */
export interface Polled {
  poll(): void;
}

/** The timer a {@link PollRing} runs on (injectable for tests). */
export interface RingTimer {
  start(tick: () => void, periodMs: number): { stop(): void };
}

const realTimer: RingTimer = {
  start(tick, periodMs) {
    const timer = setInterval(tick, periodMs);
    timer.unref(); // polling never keeps the owner process alive
    return { stop: () => clearInterval(timer) };
  },
};

/**
 * One timer for every member instead of one per member, visiting at most `perTick` members per
 * tick, round-robin. With up to `perTick` members each is polled every `periodMs`, as a timer of
 * its own would; with more, each is polled every `⌈size / perTick⌉` ticks, so the cost per tick
 * stays bounded however many services run. (A timer per tailer cost O(services) every 100 ms,
 * for as long as an `up` of O(services) lasted: O(n²) in all, 2,000 services spent seconds in
 * `fstat`.) Members are woken by `fs.watch` first; this poll only backs it up.
 */
export class PollRing {
  private readonly members: Polled[] = [];
  private readonly index = new Map<Polled, number>();
  private cursor = 0;
  private timer: { stop(): void } | undefined;

  constructor(
    readonly periodMs = 100,
    readonly perTick = 64,
    private readonly clock: RingTimer = realTimer,
  ) {}

  get size(): number {
    return this.members.length;
  }

  add(member: Polled): void {
    if (this.index.has(member)) return;
    this.index.set(member, this.members.length);
    this.members.push(member);
    this.timer ??= this.clock.start(() => this.tick(), this.periodMs);
  }

  /** O(1): the last member takes the place of the one removed. */
  delete(member: Polled): void {
    const at = this.index.get(member);
    if (at === undefined) return;
    this.index.delete(member);
    const last = this.members.pop() as Polled;
    if (last !== member) {
      this.members[at] = last;
      this.index.set(last, at);
    }
    if (this.cursor > this.members.length) this.cursor = 0;
    if (this.members.length === 0) {
      this.timer?.stop();
      this.timer = undefined;
      this.cursor = 0;
    }
  }

  /** Polls the next `perTick` members (each at most once per tick). */
  tick(): void {
    const count = Math.min(this.perTick, this.members.length);
    for (let i = 0; i < count && this.members.length > 0; i++) {
      if (this.cursor >= this.members.length) this.cursor = 0;
      const member = this.members[this.cursor++] as Polled;
      try {
        member.poll();
      } catch {
        // a member's failure is its own
      }
    }
  }
}

/** The ring every tailer of this process shares. */
export const tailerRing = new PollRing();
