import { describe, expect, it } from 'vitest';
import type { SwarmTask } from './mapping/swarm-types.js';
import { settle, type SettleInput } from './settle.js';

const task = (id: string, state: string, node = 'here', timestamp = '2026-01-01T00:00:00Z'): SwarmTask => ({
  ID: id,
  ServiceID: 'svc',
  NodeID: node,
  DesiredState: 'running',
  Spec: {},
  Status: { State: state, Timestamp: timestamp },
});

const input = (over: Partial<SettleInput>): SettleInput => ({
  tasks: [],
  localNode: 'here',
  hasCheck: true,
  running: new Map(),
  healthy: () => false,
  now: Date.parse('2026-01-01T00:00:10Z'),
  stableMs: 3000,
  ...over,
});

const ids = (tasks: readonly SwarmTask[]) => tasks.map((t) => t.ID);

describe('settle: which tasks of the new spec count as up at one tick', () => {
  it('on this node: a task whose container runs and is healthy, whatever state Swarm still reports', () => {
    // Swarm reports `starting` until Docker's own run at the next interval; its report lags the engine's
    const tasks = [task('a', 'starting'), task('b', 'preparing'), task('c', 'running')];
    const running = new Map([['a', 'ca'], ['b', 'cb'], ['c', 'cc']]);
    const r = settle(input({ tasks, running, healthy: (c) => c === 'ca' || c === 'cb' }));
    expect(ids(r.settled)).toEqual(['a', 'b']);
    expect(r.toProbe).toEqual(['cc']);
  });

  it('on this node: no running container, nothing up and nothing to probe; an ended task is not probed', () => {
    const r = settle(input({ tasks: [task('a', 'starting'), task('b', 'failed')], running: new Map([['b', 'cb']]), healthy: () => true }));
    expect(r.settled).toEqual([]);
    expect(r.toProbe).toEqual([]);
  });

  it('the containers not healthy yet are the ones to probe', () => {
    const tasks = [task('a', 'starting'), task('b', 'starting')];
    const r = settle(input({ tasks, running: new Map([['a', 'ca'], ['b', 'cb']]), healthy: (c) => c === 'cb' }));
    expect(ids(r.settled)).toEqual(['b']);
    expect(r.toProbe).toEqual(['ca']);
  });

  it('on another node: up once Swarm reports it running (it does once Docker there called it healthy)', () => {
    const tasks = [task('a', 'running', 'there'), task('b', 'starting', 'there')];
    const r = settle(input({ tasks, healthy: () => true }));
    expect(ids(r.settled)).toEqual(['a']);
    expect(r.toProbe).toEqual([]);
  });

  it('without a healthcheck: running for stableMs, by Swarm\'s state; nothing is probed', () => {
    const tasks = [task('a', 'running', 'here', '2026-01-01T00:00:05Z'), task('b', 'running', 'here', '2026-01-01T00:00:09Z'), task('c', 'starting')];
    const r = settle(input({ tasks, hasCheck: false, running: new Map([['a', 'ca'], ['b', 'cb'], ['c', 'cc']]) }));
    expect(ids(r.settled)).toEqual(['a']);
    expect(r.toProbe).toEqual([]);
  });
});
