import { describe, expect, it } from 'vitest';
import { linkedController, onAbort } from './abort.js';

describe('onAbort', () => {
  it('fans one listener out to many callbacks, which can unsubscribe', () => {
    const parent = new AbortController();
    const calls: number[] = [];
    const disposers = Array.from({ length: 50 }, (_, i) => onAbort(parent.signal, () => calls.push(i)));
    disposers[3]?.();
    parent.abort();
    expect(calls).toHaveLength(49);
    expect(calls).not.toContain(3);
  });

  it('calls at once for an aborted signal, and links controllers', () => {
    const parent = new AbortController();
    parent.abort(new Error('why'));
    let called = false;
    onAbort(parent.signal, () => (called = true));
    expect(called).toBe(true);
    const live = new AbortController();
    const { controller, dispose } = linkedController(live.signal);
    live.abort('stop');
    expect(controller.signal.aborted).toBe(true);
    expect(controller.signal.reason).toBe('stop');
    dispose();
    expect(linkedController(undefined).controller.signal.aborted).toBe(false);
  });
});
