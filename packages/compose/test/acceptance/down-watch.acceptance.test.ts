/**
 * Issue 14, the down stall: after `up()` the stack looks at the runtime every half second for
 * replicas that stop on their own, and each look lists every container (on the process runtime,
 * reading /proc). During `down` those looks only compete with the stops (the engine stops every
 * replica itself), so `down` ends them first: a slow stop costs no extra listings.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { Project, Wait, type ProcessRuntime } from '@selur/compose';
import { FAST, NODE, cleanup, runtime, uniqueName } from './support.js';

afterEach(cleanup);

/** The runtime, counting listContainers calls while `counting` is true. */
function counted(inner: ProcessRuntime): { runtime: ProcessRuntime; calls: () => number; count: (on: boolean) => void } {
  let on = false;
  let calls = 0;
  const proxy = new Proxy(inner, {
    get(target, key, receiver) {
      const value: unknown = Reflect.get(target, key, receiver);
      if (typeof value !== 'function') return value;
      const fn = value as (...args: unknown[]) => unknown;
      if (key !== 'listContainers') return fn.bind(target);
      return (...args: unknown[]) => {
        if (on) calls += 1;
        return fn.apply(target, args);
      };
    },
  });
  return { runtime: proxy, calls: () => calls, count: (value) => (on = value) };
}

/** Listings made by the down of a one-service stack whose service takes `stopMs` to stop after SIGTERM. */
async function listingsDuringDown(stopMs: number): Promise<number> {
  const rt = counted(runtime());
  const command = [NODE, '-e', `process.on('SIGTERM', () => setTimeout(() => process.exit(0), ${stopMs})); console.log('ready'); setInterval(() => {}, 1000)`];
  const stack = await new Project(uniqueName('down-watch')).service('slow', (s) => s.command(command).waitFor(Wait.forLog('ready'))).up({ ...FAST, runtime: rt.runtime });
  rt.count(true);
  await stack.down();
  rt.count(false);
  return rt.calls();
}

describe('down ends the stack watching first (issue 14)', () => {
  test('a down whose stop takes 2 s lists the containers as often as one whose stop is immediate', async () => {
    const fast = await listingsDuringDown(0);
    const slow = await listingsDuringDown(2_000);
    expect(slow).toBe(fast);
  });
});
