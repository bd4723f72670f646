/**
 * One 'abort' listener per caller signal, whatever the number of operations in flight on it: many
 * concurrent probes or log readers sharing one run signal would otherwise each add a listener
 * (and trip Node's MaxListenersExceededWarning). @internal
 */
const registry = new WeakMap<AbortSignal, Set<() => void>>();

/** Calls `fn` when `signal` aborts (at once when it already has); returns a function that unsubscribes. */
export function onAbort(signal: AbortSignal | undefined, fn: () => void): () => void {
  if (signal === undefined) return () => undefined;
  if (signal.aborted) {
    fn();
    return () => undefined;
  }
  let callbacks = registry.get(signal);
  if (callbacks === undefined) {
    const fresh = new Set<() => void>();
    registry.set(signal, fresh);
    signal.addEventListener(
      'abort',
      () => {
        registry.delete(signal);
        for (const callback of fresh) callback();
      },
      { once: true },
    );
    callbacks = fresh;
  }
  const set = callbacks;
  set.add(fn);
  return () => {
    set.delete(fn);
  };
}

/** A signal that aborts with `parent` without adding a listener per call to it. */
export function linkedController(parent: AbortSignal | undefined): { controller: AbortController; dispose: () => void } {
  const controller = new AbortController();
  const dispose = onAbort(parent, () => controller.abort(parent?.reason));
  return { controller, dispose };
}
