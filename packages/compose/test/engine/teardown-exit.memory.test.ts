/**
 * Issue 14, Docker `down` ≤ 0.7× docker-compose's: Docker answers a stop ~130 ms after the
 * container's process ended (it deletes the task and cleans up first), and a teardown that
 * waited for each answer before stopping the next level paid that at every level. A runtime
 * that tells sooner (`StopOptions.onExited`, internal) lets the dependencies' stops begin as soon
 * as their dependants' processes have ended; each `service.stopped` event and each removal still
 * wait for that container's stop to settle.
 *
 * The runtime below ends a container's process at once when asked to stop, says so, and settles
 * the stop only when the test lets it.
 */
import { describe, expect, test } from 'vitest';
import { Project, type StopOptions } from '@selur/compose';
import { MemoryRuntime } from '../support/memory-runtime.js';
import { FAST, recorder } from './helpers.js';

class SlowStopAnswers extends MemoryRuntime {
  /** Stops whose process ended, not settled yet, by container id. */
  readonly unsettled = new Map<string, () => void>();
  tellsExit = true;

  override async stopContainer(id: string, options: StopOptions): Promise<void> {
    await super.stopContainer(id, options); // the process has ended
    if (this.tellsExit) options.onExited?.();
    await new Promise<void>((resolve) => this.unsettled.set(id, resolve));
    this.unsettled.delete(id);
  }

  /** Waits (bounded) until exactly `n` stops are in flight. */
  async inFlight(n: number): Promise<void> {
    for (let i = 0; i < 200 && this.unsettled.size !== n; i++) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(this.unsettled.size).toBe(n);
  }

  /** Settles the stops in flight, and waits until they have left. */
  async settleAll(): Promise<void> {
    const settles = [...this.unsettled.values()];
    for (const settle of settles) settle();
    for (let i = 0; i < 200 && this.unsettled.size > 0; i++) await new Promise((resolve) => setImmediate(resolve));
  }
}

/** db ← api ← web: three levels. */
const chain = (name: string) =>
  new Project(name).service('db', { command: ['db'] }).service('api', { command: ['api'], depends_on: ['db'] }).service('web', { command: ['web'], depends_on: ['api'] });

describe('a teardown goes on as soon as the runtime says a process ended', () => {
  test('every level is asked to stop before the first stop settles; events and removals still follow each settle', async () => {
    const runtime = new SlowStopAnswers();
    const rec = recorder();
    const stack = await chain('exits').up({ ...FAST, runtime, onEvent: rec.onEvent });
    const down = stack.down();
    // web, then api, then db: each asked once the one above ended, none settled yet
    await runtime.inFlight(3);
    const stopping = rec.events.filter((e) => e.type === 'service.stopping').map((e) => (e.type === 'service.stopping' ? e.service : ''));
    expect(stopping).toEqual(['web', 'api', 'db']);
    expect(rec.events.filter((e) => e.type === 'service.stopped' || e.type === 'service.removed')).toEqual([]);
    await runtime.settleAll();
    await down;
    const order = rec.events.filter((e) => e.type === 'service.stopped' || e.type === 'service.removed').map((e) => `${e.type.slice(8)} ${'service' in e ? e.service : ''}`);
    for (const s of ['web', 'api', 'db']) expect(order.indexOf(`stopped ${s}`)).toBeLessThan(order.indexOf(`removed ${s}`));
    expect(await runtime.listContainers('exits')).toEqual([]);
  });

  test('without the runtime telling, a dependency waits for its dependants’ stops to settle (as before)', async () => {
    const runtime = new SlowStopAnswers();
    runtime.tellsExit = false;
    const stack = await chain('waits').up({ ...FAST, runtime });
    const down = stack.down();
    await runtime.inFlight(1); // web only: api waits for web's stop to settle
    expect(runtime.calls.filter((c) => c.op === 'stopContainer')).toHaveLength(1);
    await runtime.settleAll();
    await runtime.inFlight(1); // then api
    await runtime.settleAll();
    await runtime.inFlight(1); // then db
    expect(runtime.calls.filter((c) => c.op === 'stopContainer')).toHaveLength(3);
    await runtime.settleAll();
    await down;
    expect(await runtime.listContainers('waits')).toEqual([]);
  });
});
