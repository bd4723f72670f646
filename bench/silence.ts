/**
 * The longest silence between two events of a run, and what was going on during it: which
 * events border it, how long this process's main thread ran and how long it waited, runnable,
 * for a CPU, the same for the zygotes, and the load average. A silence of a second can be a stall
 * of ours (a big batch of work, an O(n²) step) or a process that wanted a CPU and got none on a
 * shared machine: the scheduler's own figures (Linux, /proc/…/schedstat: time on a CPU, time
 * waiting on a run queue) tell them apart. Elsewhere the times are undefined and only the
 * silence and its events are known.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { loadavg } from 'node:os';

/** Time on a CPU and time runnable but waiting for one (ms), of one thread. */
interface Sched {
  readonly ran: number;
  readonly waited: number;
}

/** The longest silence of a run and what bordered and filled it. */
export interface Silence {
  readonly ms: number;
  /** The event before it (`start` for the call itself), and the one that ended it (`end`: the call returned). */
  readonly after: string;
  readonly before: string;
  /** This process's main thread during the silence: on a CPU, and runnable waiting for one (ms). */
  readonly ran: number | undefined;
  readonly waited: number | undefined;
  /** The zygotes (summed) during the silence: on a CPU, and runnable waiting for one (ms). */
  readonly zygoteRan: number | undefined;
  readonly zygoteWaited: number | undefined;
  /** One-minute load average when it ended. */
  readonly load: number;
}

const buffer = Buffer.alloc(256);

/** A thread's schedstat (ns) as ms, undefined where unreadable. */
function readSched(fd: number | undefined): Sched | undefined {
  if (fd === undefined) return undefined;
  try {
    const n = readSync(fd, buffer, 0, buffer.length, 0);
    const [ran, waited] = buffer.toString('latin1', 0, n).split(' ').map(Number);
    return ran === undefined || waited === undefined || Number.isNaN(ran) || Number.isNaN(waited) ? undefined : { ran: ran / 1e6, waited: waited / 1e6 };
  } catch {
    return undefined;
  }
}

function openQuietly(path: string): number | undefined {
  try {
    return openSync(path, 'r');
  } catch {
    return undefined;
  }
}

function sum(list: readonly (Sched | undefined)[]): Sched | undefined {
  if (list.length === 0 || list.some((s) => s === undefined)) return undefined;
  return { ran: list.reduce((a, s) => a + (s?.ran ?? 0), 0), waited: list.reduce((a, s) => a + (s?.waited ?? 0), 0) };
}

const minus = (a: number | undefined, b: number | undefined): number | undefined => (a === undefined || b === undefined ? undefined : a - b);

/**
 * Watches one call for its longest silence: `mark(label)` at every event, `end()` when the call
 * returned. Reading the times costs two small reads per event (~10 µs).
 */
export class SilenceWatch {
  private readonly self: number | undefined;
  private readonly zygotes: number[];
  private last: { t: number; label: string; self: Sched | undefined; zygotes: Sched | undefined };
  private longest: Silence | undefined;

  /** `zygotePids`: the helper processes whose time counts too (their main thread). */
  constructor(zygotePids: readonly number[]) {
    this.self = process.platform === 'linux' ? openQuietly(`/proc/self/task/${process.pid}/schedstat`) : undefined;
    this.zygotes = zygotePids.map((pid) => openQuietly(`/proc/${pid}/schedstat`)).filter((fd): fd is number => fd !== undefined);
    this.last = { t: performance.now(), label: 'start', self: readSched(this.self), zygotes: this.zygoteSched() };
  }

  mark(label: string): void {
    const now = performance.now();
    const gap = now - this.last.t;
    // Read at every event: any silence may turn out the longest, and its start must be known.
    const self = readSched(this.self);
    const zygotes = this.zygoteSched();
    if (this.longest === undefined || gap > this.longest.ms)
      this.longest = {
      ms: gap,
      after: this.last.label,
      before: label,
      ran: minus(self?.ran, this.last.self?.ran),
      waited: minus(self?.waited, this.last.self?.waited),
      zygoteRan: minus(zygotes?.ran, this.last.zygotes?.ran),
      zygoteWaited: minus(zygotes?.waited, this.last.zygotes?.waited),
      load: loadavg()[0] ?? Number.NaN,
    };
    this.last = { t: now, label, self, zygotes };
  }

  /** The call returned: the silence up to now counts too. Closes the descriptors. */
  end(): Silence {
    this.mark('end');
    for (const fd of [this.self, ...this.zygotes]) if (fd !== undefined) closeSync(fd);
    return this.longest as Silence;
  }

  private zygoteSched(): Sched | undefined {
    return this.zygotes.length === 0 ? undefined : sum(this.zygotes.map(readSched));
  }
}
