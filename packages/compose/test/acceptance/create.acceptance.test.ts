import { afterEach, describe, expect, it } from 'vitest';
import { Project } from '@selur/compose';
import { cleanup, FAST, idle, recording, runtime, track } from './support.js';

afterEach(cleanup);

describe('up({ start: false }) — create without starting', () => {
  it('creates every container and starts none; start() then runs them in dependency order', async () => {
    const { runtime: rt, calls } = recording(runtime());
    const project = new Project(track(`create${Math.random().toString(16).slice(2, 8)}`))
      .service('db', { image: 'local/db.ctp', command: idle() })
      .service('api', { image: 'local/api.ctp', command: idle(), depends_on: { db: { condition: 'service_healthy' } } });
    await using stack = await project.up({ ...FAST, runtime: rt, start: false });
    const created = await stack.ps();
    expect(created.map((c) => [c.service, c.state]).sort()).toEqual([['api', 'created'], ['db', 'created']]);
    expect(calls.filter((c) => c === 'startContainer')).toHaveLength(0);

    await stack.start();
    const running = await stack.ps();
    expect(running.map((c) => [c.service, c.state]).sort()).toEqual([['api', 'running'], ['db', 'running']]);
  });
});
