/**
 * Resolves when `promise` settles or `ms` have passed (whichever comes first; only `ms` when there
 * is no promise), rejects with the signal's reason when `signal` aborts first. Its timer does not
 * keep the process alive: whoever waits holds the process open.
 */
export function untilOrAborted(promise: Promise<unknown> | undefined, ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    const onAbort = () => {
      done();
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      done();
      resolve();
    }, ms);
    timer.unref();
    signal?.addEventListener('abort', onAbort, { once: true });
    promise?.then(
      () => (done(), resolve()),
      () => (done(), resolve()),
    );
  });
}
