/**
 * Two signals for `up`'s `signal` and `forceSignal`: the first `abort()` cancels gracefully,
 * the second forces (kills without waiting for grace periods) — as Ctrl-C once, then twice.
 *
 * @example
 * ```ts
 * const interrupt = new TwoStageAbortController();
 * process.on('SIGINT', () => interrupt.abort());
 * const stack = await project.up({ signal: interrupt.signal, forceSignal: interrupt.forceSignal });
 * ```
 */
export class TwoStageAbortController {
  readonly #graceful = new AbortController();
  readonly #force = new AbortController();

  /** Aborts on the first `abort()`. */
  get signal(): AbortSignal {
    return this.#graceful.signal;
  }

  /** Aborts on the second `abort()`. */
  get forceSignal(): AbortSignal {
    return this.#force.signal;
  }

  /** First call: graceful cancel; second call: force. */
  abort(reason?: unknown): void {
    if (!this.#graceful.signal.aborted) this.#graceful.abort(reason);
    else this.#force.abort(reason);
  }
}
