/**
 * Keeps the event loop alive while a runtime call is in flight. The runtime's own handles (its
 * children, tailers' watchers and timers, restart timers) are unref'd so that they never keep an
 * owner process alive; but while a caller awaits a call that waits for one of them (a child's
 * exit during a stop, a grace period, a log line), nothing else may keep the loop running: a
 * script whose last top-level await is `stopContainer` would end with "unsettled top-level
 * await" (exit code 13). One ref'd timer is held while any call is in flight, released after.
 */

let inFlight = 0;
let holder: NodeJS.Timeout | undefined;

/** Keeps the process alive until `promise` settles; returns a promise that settles like it. */
export function keepAliveUntil<T>(promise: Promise<T>): Promise<T> {
  return promise.finally(hold());
}

/** Holds the loop open until the returned function is called (once). */
export function hold(): () => void {
  if (inFlight++ === 0) holder = setInterval(() => undefined, 1 << 30);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    release();
  };
}

function release(): void {
  if (--inFlight > 0) return;
  inFlight = 0;
  if (holder) clearInterval(holder);
  holder = undefined;
}
