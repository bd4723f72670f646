import { describe, expect, it } from 'vitest';
import { OperationQueue } from './op-queue.js';

/** A task that runs until `finish` is called; `started` says whether it began. */
function gate<T>(value: T) {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  const state = { started: false };
  const task = async (): Promise<T> => {
    state.started = true;
    await done;
    return value;
  };
  return { task, finish, state };
}

describe('OperationQueue', () => {
  it('starts a task within add when there is room, and never more than the concurrency', async () => {
    const queue = new OperationQueue(2);
    const [a, b, c] = [gate('a'), gate('b'), gate('c')];
    const results = [queue.add(a.task), queue.add(b.task), queue.add(c.task)];
    expect([a.state.started, b.state.started, c.state.started]).toEqual([true, true, false]);
    expect([queue.running, queue.waiting]).toEqual([2, 1]);
    a.finish();
    await results[0];
    await new Promise((resolve) => setImmediate(resolve));
    expect(c.state.started).toBe(true);
    b.finish();
    c.finish();
    await expect(Promise.all(results)).resolves.toEqual(['a', 'b', 'c']);
  });

  it('starts waiting tasks by priority, highest first, and in the order added within one priority', async () => {
    const queue = new OperationQueue(1);
    const order: string[] = [];
    const first = gate('first');
    const all = [queue.add(first.task)];
    for (const [name, priority] of [['low1', 0], ['high1', 2], ['mid', 1], ['high2', 2], ['low2', 0]] as const) {
      all.push(queue.add(async () => void order.push(name) as unknown as string, priority));
    }
    first.finish();
    await Promise.all(all);
    expect(order).toEqual(['high1', 'high2', 'mid', 'low1', 'low2']);
  });

  it('passes a task’s failure, thrown or rejected, to its caller and goes on with the next', async () => {
    const queue = new OperationQueue(1);
    const thrown = queue.add(() => {
      throw new Error('sync');
    });
    const rejected = queue.add(() => Promise.reject(new Error('async')));
    const next = queue.add(async () => 'next');
    await expect(thrown).rejects.toThrow('sync');
    await expect(rejected).rejects.toThrow('async');
    await expect(next).resolves.toBe('next');
    expect(queue.running).toBe(0);
  });

  it('clear drops the waiting tasks; onIdle waits for the running ones', async () => {
    const queue = new OperationQueue(1);
    const running = gate('running');
    const dropped = gate('dropped');
    void queue.add(running.task);
    let droppedSettled = false;
    void queue.add(dropped.task).finally(() => (droppedSettled = true));
    queue.clear();
    let idle = false;
    const idled = queue.onIdle().then(() => (idle = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(idle).toBe(false);
    running.finish();
    await idled;
    expect(dropped.state.started).toBe(false);
    expect(droppedSettled).toBe(false);
    await expect(queue.onIdle()).resolves.toBeUndefined();
  });

  it('runs any number at once with Infinity, and refuses a concurrency below 1', () => {
    const queue = new OperationQueue(Infinity);
    const gates = Array.from({ length: 50 }, (_, i) => gate(i));
    for (const g of gates) void queue.add(g.task);
    expect(gates.every((g) => g.state.started)).toBe(true);
    for (const g of gates) g.finish();
    expect(() => new OperationQueue(0)).toThrow(RangeError);
  });
});
