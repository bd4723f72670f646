import type { EventHub } from './event-hub.js';

/** The signals `handleSignals` takes over: Ctrl-C and a polite kill. */
const SIGNALS = ['SIGINT', 'SIGTERM'] as const;
type HandledSignal = (typeof SIGNALS)[number];

/**
 * @internal What `up({ handleSignals: true })` installs for the owning process: on the first
 * SIGINT or SIGTERM it cancels the `up` in flight (which rolls back what it made) or, once the
 * stack is up, takes it down; a second signal forces (no more graceful stops). When the teardown
 * is over the handlers are removed and the signal is sent again, so the process ends as it would
 * have without them. A `down()` of the stack removes them too.
 */
export class SignalTeardown {
  readonly abort = new AbortController();
  readonly force = new AbortController();
  #received: HandledSignal | undefined;
  #teardown: (() => Promise<unknown>) | undefined;
  #unlisten: (() => void) | undefined;
  readonly #handler = (signal: HandledSignal) => this.#on(signal);

  constructor() {
    for (const signal of SIGNALS) process.on(signal, this.#handler);
  }

  /** Once the stack is up: what a signal does now (its `down`), and when a `down` removes the handlers. */
  attach(teardown: () => Promise<unknown>, hub: EventHub, project: string): void {
    this.#teardown = teardown;
    this.#unlisten = hub.listen((e) => {
      if (e.project === project && e.type === 'down.done' && this.#received === undefined) this.dispose();
    });
  }

  /** True once a signal arrived (the `up` that failed was cancelled by it). */
  get received(): boolean {
    return this.#received !== undefined;
  }

  /** Removes the handlers (and, after a signal, sends it again). */
  dispose(): void {
    for (const signal of SIGNALS) process.off(signal, this.#handler);
    this.#unlisten?.();
    this.#unlisten = undefined;
  }

  /** After the cancelled `up` rolled back: end the process by the signal it got. */
  resend(): void {
    const signal = this.#received;
    this.dispose();
    if (signal !== undefined) process.kill(process.pid, signal);
  }

  #on(signal: HandledSignal): void {
    if (this.#received !== undefined) {
      this.force.abort(new Error(`${signal} received again: forcing`));
      return;
    }
    this.#received = signal;
    if (!this.#teardown) {
      this.abort.abort(new Error(`${signal} received`));
      return; // the up's own failure path rolls back, then resends
    }
    void this.#teardown().then(
      () => this.resend(),
      () => this.resend(),
    );
  }
}
