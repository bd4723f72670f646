import { getEventListeners } from 'node:events';
import { describe, expect, test } from 'vitest';
import { Project, type StopOptions } from '@selur/compose';
import { FAST, memory, recorder } from './helpers.js';

/** Holds this thread for `ms` (the synchronous part of a runtime call). */
function hold(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

describe('a burst of stops on a large stack', () => {
  test('is issued in slices: the event loop turns and stops are seen to end while later ones are still being issued; the order holds', async () => {
    const runtime = memory();
    const stop = runtime.stopContainer.bind(runtime);
    // every stop costs this thread 0.2 ms before it returns: 180 of them issued at once are 36 ms
    runtime.stopContainer = (id: string, options: StopOptions) => {
      hold(0.2);
      return stop(id, options);
    };
    const project = new Project();
    for (let i = 0; i < 200; i++) project.service(`s${i}`, { command: ['x'], ...(i >= 20 ? { depends_on: [`s${i % 20}`] } : {}) });
    const stack = await project.up({ ...FAST, runtime });
    const rec = recorder();
    const seen: string[] = [];
    let turning = true;
    const turn = () => {
      seen.push('turn');
      if (turning) setImmediate(turn);
    };
    const downing = stack.down({
      onEvent: (e) => {
        rec.onEvent(e);
        seen.push('service' in e ? `${e.type}:${e.service}` : e.type);
      },
    });
    setImmediate(turn);
    await downing;
    turning = false;
    const stoppings = seen.flatMap((t, i) => (t.startsWith('service.stopping:') ? [i] : []));
    const first = stoppings[0] as number;
    const last = stoppings.at(-1) as number;
    expect(stoppings).toHaveLength(200);
    // the loop turned between the first stop issued and the last
    expect(seen.slice(first, last).filter((t) => t === 'turn').length).toBeGreaterThan(0);
    // and a stop was seen to end before the leaves (the services nothing depends on) were all issued
    const leafStoppings = seen.flatMap((t, i) => (/^service\.stopping:s(\d+)$/.test(t) && Number(t.split(':s')[1]) >= 20 ? [i] : []));
    expect(seen.indexOf(seen.find((t) => t.startsWith('service.stopped:')) as string)).toBeLessThan(leafStoppings.at(-1) as number);
    // dependants still stop before what they depend on
    const at = (t: string) => seen.indexOf(t);
    for (let i = 20; i < 200; i++) expect(at(`service.stopped:s${i}`)).toBeLessThan(at(`service.stopping:s${i % 20}`));
    expect(rec.events.at(-1)?.type).toBe('down.done');
    expect(runtime.all()).toEqual([]);
  });

  test('a down with a force signal holds one listener on it, however many stops wait at once (not one per container)', async () => {
    const runtime = memory();
    const project = new Project();
    for (let i = 0; i < 100; i++) project.service(`s${i}`, { command: ['x'] });
    const stack = await project.up({ ...FAST, runtime });
    const force = new AbortController();
    const listening: number[] = [];
    const stop = runtime.stopContainer.bind(runtime);
    // every stop waits for the next turn, so all 100 are pending together
    runtime.stopContainer = async (id: string, options: StopOptions) => {
      await new Promise((resolve) => setImmediate(resolve));
      listening.push(getEventListeners(force.signal, 'abort').length);
      return stop(id, options);
    };
    await stack.down({ forceSignal: force.signal });
    expect(listening).toHaveLength(100);
    expect(Math.max(...listening)).toBe(1);
    expect(runtime.all()).toEqual([]);
  });
});
