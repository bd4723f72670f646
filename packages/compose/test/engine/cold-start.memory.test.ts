/**
 * Issue 14, a CLI `up` from a cold process: what the engine does before its first container
 * starts is what every `selur-compose up` waits for.
 *
 * - A runtime that needs a helper for its first creation (the process runtime's zygote, ~25 ms
 *   to start) is told at the very start of a converge (`prepare`), before the lock, the listing
 *   and the plan, so that the helper starts while the engine does those.
 * - Names are ordered by code unit, as Docker Compose's Go orders them, the same in every locale
 *   (`localeCompare` orders `a_1` before `a-1` and `a1`, and costs 7–10 ms on its first use).
 */
import { describe, expect, test } from 'vitest';
import { Project } from '@selur/compose';
import { MemoryRuntime } from '../support/memory-runtime.js';
import { FAST } from './helpers.js';

class PreparedRuntime extends MemoryRuntime {
  prepared = 0;
  /** `prepare` and the listings, in the order the engine made them. */
  readonly order: string[] = [];

  prepare(): void {
    this.prepared++;
    this.order.push('prepare');
  }

  override async listContainers(project: string) {
    this.order.push('listContainers');
    return super.listContainers(project);
  }
}

describe('a converge from a cold process', () => {
  test('the runtime is told to prepare before the engine locks, lists and plans', async () => {
    const runtime = new PreparedRuntime();
    const project = new Project('cold').service('db', { command: ['db'] }).service('api', { command: ['api'], depends_on: ['db'] });
    const stack = await project.up({ ...FAST, runtime });
    expect(runtime.order[0]).toBe('prepare');
    expect(runtime.order.indexOf('listContainers')).toBeGreaterThan(0);
    // a stack operation that converges (scale) prepares too
    await stack.scale('api', 2);
    expect(runtime.prepared).toBe(2);
    await stack.down();
  });

  test('a runtime without `prepare` is fine', async () => {
    const runtime = new MemoryRuntime();
    const stack = await new Project('plain').service('db', { command: ['db'] }).up({ ...FAST, runtime });
    expect((await stack.ps()).map((c) => c.service)).toEqual(['db']);
    await stack.down();
  });

  test('services are planned and listed in code-unit order, as Docker Compose orders them', async () => {
    const runtime = new MemoryRuntime();
    const project = new Project('order').service('a_1', { command: ['x'] }).service('a1', { command: ['x'] }).service('a-1', { command: ['x'] });
    const plan = await project.plan(runtime);
    // code units: '-' (0x2d) < '1' (0x31) < '_' (0x5f); localeCompare gives a_1, a-1, a1
    expect(plan.services.map((s) => s.name)).toEqual(['a-1', 'a1', 'a_1']);
  });
});
