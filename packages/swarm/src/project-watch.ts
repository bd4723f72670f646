import type { SwarmService, SwarmTask } from './mapping/swarm-types.js';

/** What one read of the swarm shows of a project: its services and their tasks. @internal */
export interface ProjectView {
  readonly services: readonly SwarmService[];
  readonly tasks: readonly SwarmTask[];
}

/** Reads a project's view (a few requests, whatever the number of its services). @internal */
export type ReadView = (project: string) => Promise<ProjectView>;

/** The time source of the watch (a fake one in tests). @internal */
export interface WatchClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: WatchClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

interface Waiter {
  readonly resolve: (view: ProjectView) => void;
  readonly reject: (error: unknown) => void;
}

/** The poll of one project: its waiters, whether a read is under way, when the last one began. */
interface Poll {
  waiters: Waiter[];
  running: boolean;
  lastStart: number;
}

/**
 * One poll of each project, shared by every deploy that waits on it: the engine deploys the
 * services of a level side by side, and each used to read its own service, tasks and every
 * container's health at each tick (three requests or more per service, every `pollIntervalMs`,
 * against the engine that is starting those same tasks). Here a tick is one read of the whole
 * project ({@link ReadView}), however many services wait, and reads begin at most every
 * `intervalMs`. A caller gets a view read after it asked (never one that began before: what it
 * just changed is in it). @internal
 */
export class ProjectWatch {
  readonly #polls = new Map<string, Poll>();

  constructor(
    private readonly read: ReadView,
    private readonly intervalMs: number,
    private readonly clock: WatchClock = realClock,
  ) {}

  /** A view of the project from a read that begins after this call. */
  next(project: string, signal?: AbortSignal): Promise<ProjectView> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    let poll = this.#polls.get(project);
    if (!poll) {
      poll = { waiters: [], running: false, lastStart: Number.NEGATIVE_INFINITY };
      this.#polls.set(project, poll);
    }
    const current = poll;
    return new Promise<ProjectView>((resolve, reject) => {
      const abort = () => {
        current.waiters = current.waiters.filter((w) => w !== waiter);
        reject(signal?.reason);
      };
      const waiter: Waiter = {
        resolve: (view) => {
          signal?.removeEventListener('abort', abort);
          resolve(view);
        },
        reject: (error) => {
          signal?.removeEventListener('abort', abort);
          reject(error);
        },
      };
      signal?.addEventListener('abort', abort, { once: true });
      current.waiters.push(waiter);
      if (!current.running) void this.#run(project, current);
    });
  }

  /** Reads while anyone waits: each read answers every waiter registered before it began. */
  async #run(project: string, poll: Poll): Promise<void> {
    poll.running = true;
    try {
      while (poll.waiters.length > 0) {
        const wait = poll.lastStart + this.intervalMs - this.clock.now();
        if (wait > 0) await this.clock.sleep(wait);
        // The deploys that ask in the same turn (a level of services started together) share this read.
        else await new Promise((resolve) => setImmediate(resolve));
        const batch = poll.waiters;
        poll.waiters = [];
        // (all gave up while it slept)
        if (batch.length === 0) return;
        poll.lastStart = this.clock.now();
        try {
          const view = await this.read(project);
          for (const w of batch) w.resolve(view);
        } catch (error) {
          for (const w of batch) w.reject(error);
        }
      }
    } finally {
      // The poll is kept (one per project name): its last start spaces the next read.
      poll.running = false;
    }
  }
}
