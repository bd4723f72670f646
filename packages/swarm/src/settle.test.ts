import { describe, expect, it } from 'vitest';
import type { SwarmTask } from './mapping/swarm-types.js';
import { settle, type SettleInput } from './settle.js';

const task = (id: string, state: string, timestamp = '2026-01-01T00:00:00Z'): SwarmTask => ({
  ID: id,
  ServiceID: 'svc',
  NodeID: 'here',
  DesiredState: 'running',
  Spec: {},
  Status: { State: state, Timestamp: timestamp },
});

const input = (over: Partial<SettleInput>): SettleInput => ({
  tasks: [],
  hasCheck: true,
  now: Date.parse('2026-01-01T00:00:10Z'),
  stableMs: 3000,
  ...over,
});

const ids = (tasks: readonly SwarmTask[]) => tasks.map((t) => t.ID);

describe('settle: which tasks of the new spec count as up at one tick', () => {
  it('with a healthcheck: only the tasks Swarm reports running (it does so once Docker called them healthy)', () => {
    const tasks = [task('a', 'starting'), task('b', 'preparing'), task('c', 'running'), task('d', 'failed'), task('e', 'running')];
    expect(ids(settle(input({ tasks })))).toEqual(['c', 'e']);
  });

  it('without a healthcheck: running for stableMs, not a moment', () => {
    const tasks = [task('a', 'running', '2026-01-01T00:00:09Z'), task('b', 'running', '2026-01-01T00:00:06Z'), task('c', 'starting', '2026-01-01T00:00:00Z')];
    expect(ids(settle(input({ tasks, hasCheck: false })))).toEqual(['b']);
    expect(ids(settle(input({ tasks, hasCheck: false, stableMs: 0 })))).toEqual(['a', 'b']);
  });

  it('nothing counts while no task runs', () => {
    expect(settle(input({ tasks: [task('a', 'starting'), task('b', 'assigned')] }))).toEqual([]);
  });
});
