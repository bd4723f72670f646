import type { ComposeEvent, ComposeEventInput, EventListener } from './events.js';

/**
 * Options of an event subscription.
 *
 * @example
 * ```ts
 * for await (const e of project.events({ signal, bufferSize: 1_000, filter: (e) => e.type !== 'log' })) console.log(e.type);
 * ```
 */
export interface EventStreamOptions {
  /** Stop iterating when this aborts (events buffered before the abort are still delivered). */
  readonly signal?: AbortSignal | undefined;
  /**
   * At most this many undelivered events are kept for a slow consumer; older ones are dropped
   * (spot gaps through `seq`). The engine never waits for a consumer.
   * @default 10_000
   */
  readonly bufferSize?: number | undefined;
  /** Stop after the first event for which this returns true (that event is delivered). */
  readonly until?: ((event: ComposeEvent) => boolean) | undefined;
  /** Only events for which this returns true. */
  readonly filter?: ((event: ComposeEvent) => boolean) | undefined;
}

interface Subscriber {
  push(event: ComposeEvent): void;
}

/** @internal One event stream: stamps seq/time, fans out to listeners and bounded subscribers. */
export class EventHub {
  #seq = 0;
  readonly #subscribers = new Set<Subscriber>();
  readonly #listeners = new Set<EventListener>();
  readonly #now: () => Date;

  constructor(now: () => Date = () => new Date()) {
    this.#now = now;
  }

  emit(project: string, input: ComposeEventInput, extra?: EventListener): ComposeEvent {
    const event = { ...input, seq: ++this.#seq, time: this.#now(), project } as ComposeEvent;
    for (const listener of [...this.#listeners, ...(extra ? [extra] : [])]) {
      try {
        listener(event);
      } catch {
        // A sink never breaks the engine.
      }
    }
    for (const sub of this.#subscribers) sub.push(event);
    return event;
  }

  listen(listener: EventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  stream(options: EventStreamOptions = {}): AsyncIterableIterator<ComposeEvent> {
    const max = options.bufferSize ?? 10_000;
    const buffer: ComposeEvent[] = [];
    let wake: (() => void) | undefined;
    let done = false;
    const hub = this;
    const finish = () => {
      done = true;
      hub.#subscribers.delete(sub);
      options.signal?.removeEventListener('abort', finish);
      wake?.();
    };
    const sub: Subscriber = {
      push(event) {
        if (done) return;
        if (options.filter && !options.filter(event)) return;
        buffer.push(event);
        if (buffer.length > max) buffer.shift();
        if (options.until?.(event)) {
          hub.#subscribers.delete(sub);
          done = true;
        }
        wake?.();
      },
    };
    this.#subscribers.add(sub);
    if (options.signal?.aborted) finish();
    else options.signal?.addEventListener('abort', finish, { once: true });
    const iterator: AsyncIterableIterator<ComposeEvent> = {
      async next(): Promise<IteratorResult<ComposeEvent>> {
        for (;;) {
          const event = buffer.shift();
          if (event) return { value: event, done: false };
          if (done) return { value: undefined, done: true };
          await new Promise<void>((resolve) => (wake = resolve));
          wake = undefined;
        }
      },
      async return(): Promise<IteratorResult<ComposeEvent>> {
        buffer.length = 0;
        finish();
        return { value: undefined, done: true };
      },
      [Symbol.asyncIterator]() {
        return iterator;
      },
    };
    return iterator;
  }
}

const hubs = new WeakMap<object, EventHub>();

/** @internal The event stream of a project object (created on first use). */
export function hubFor(project: object): EventHub {
  let hub = hubs.get(project);
  if (!hub) {
    hub = new EventHub();
    hubs.set(project, hub);
  }
  return hub;
}
