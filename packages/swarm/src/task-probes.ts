import { realClock, type WatchClock } from './project-watch.js';

/** Runs a service's healthcheck once in a container: true when it passed. @internal */
export type RunProbe = (containerId: string) => Promise<boolean>;

interface ProbeState {
  inFlight: boolean;
  passed: boolean;
  /** When the next probe may begin. */
  dueAt: number;
  /** The pause after the next failure. */
  delayMs: number;
}

/**
 * Our own runs of a service's healthcheck in its started containers on this node, while a
 * deploy waits. Docker runs the healthcheck first one `interval` after the container started,
 * then every `interval`, and Swarm reports the task running only after Docker called it healthy
 * (one passing run: retries count failures only). A run of the same test that passes earlier
 * says what Docker's next run will: the deploy need not wait for Docker's schedule, as the
 * engine does not on the Docker runtime. One run at a time per container, the pause doubling
 * from `firstDelayMs` up to `maxDelayMs` between failures; a container that passed once is not
 * run again. @internal
 */
export class TaskProbes {
  readonly #states = new Map<string, ProbeState>();
  #listeners: (() => void)[] = [];

  constructor(
    private readonly firstDelayMs: number,
    private readonly maxDelayMs: number,
    private readonly clock: WatchClock = realClock,
  ) {}

  /** True once a run in that container passed. */
  passed(containerId: string): boolean {
    return this.#states.get(containerId)?.passed === true;
  }

  /** Starts a run (`probe`) in each container that has none under way, has not passed, and is due. */
  poke(containerIds: Iterable<string>, probe: RunProbe): void {
    const now = this.clock.now();
    for (const id of containerIds) {
      let state = this.#states.get(id);
      if (!state) {
        state = { inFlight: false, passed: false, dueAt: now, delayMs: this.firstDelayMs };
        this.#states.set(id, state);
      }
      if (state.inFlight || state.passed || now < state.dueAt) continue;
      state.inFlight = true;
      const s = state;
      void probe(id)
        .catch(() => false)
        .then((ok) => {
          s.inFlight = false;
          s.passed = ok;
          if (!ok) {
            s.dueAt = this.clock.now() + s.delayMs;
            s.delayMs = Math.min(this.maxDelayMs, s.delayMs * 2);
          }
          const listeners = this.#listeners;
          this.#listeners = [];
          for (const l of listeners) l();
        });
    }
  }

  /** Resolves when the next of the runs under way ends; undefined when none is under way. */
  runEnds(): Promise<void> | undefined {
    if (![...this.#states.values()].some((s) => s.inFlight)) return undefined;
    return new Promise((resolve) => this.#listeners.push(resolve));
  }

  /** Forgets the containers (their service converged, or the deploy gave up). */
  forget(containerIds: Iterable<string>): void {
    for (const id of containerIds) this.#states.delete(id);
  }
}
