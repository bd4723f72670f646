import fc from 'fast-check';
import { expect, test } from 'vitest';
import { Project, type ComposeEvent } from '@selur/compose';
import { FAST, memory } from './helpers.js';

interface Node {
  readonly deps: readonly { readonly on: number; readonly healthy: boolean }[];
  readonly startDelayMs: number;
  readonly probesToHealthy: number;
}

/** Random DAGs: node i depends only on nodes < i. */
const dag = fc
  .array(fc.record({ startDelayMs: fc.integer({ min: 0, max: 3 }), probesToHealthy: fc.integer({ min: 0, max: 2 }), depSeeds: fc.array(fc.tuple(fc.nat(), fc.boolean()), { maxLength: 3 }) }), { minLength: 1, maxLength: 10 })
  .map((raw) =>
    raw.map((r, i): Node => ({
      startDelayMs: r.startDelayMs,
      probesToHealthy: r.probesToHealthy,
      deps: i === 0 ? [] : [...new Map(r.depSeeds.map(([seed, healthy]) => [seed % i, healthy])).entries()].map(([on, healthy]) => ({ on, healthy })),
    })),
  );

test('every service starts only after its own dependencies meet their condition; down goes in reverse', async () => {
  await fc.assert(
    fc.asyncProperty(dag, async (nodes) => {
      const runtime = memory(Object.fromEntries(nodes.map((n, i) => [`s${i}`, { startDelayMs: n.startDelayMs, healthyAfterProbes: n.probesToHealthy }])));
      const project = new Project();
      nodes.forEach((n, i) =>
        project.service(`s${i}`, {
          command: ['x'],
          healthcheck: { test: 'x', interval: '1s' },
          depends_on: Object.fromEntries(n.deps.map((d) => [`s${d.on}`, { condition: d.healthy ? 'service_healthy' : 'service_started' }])),
        }),
      );
      const events: ComposeEvent[] = [];
      const stack = await project.up({ ...FAST, runtime, onEvent: (e) => events.push(e) });
      await stack.down();
      const seqOf = (type: string, service: string) => events.find((e) => e.type === type && 'service' in e && e.service === service)?.seq ?? -1;
      nodes.forEach((n, i) => {
        const creating = seqOf('service.starting', `s${i}`);
        expect(creating).toBeGreaterThan(0);
        for (const d of n.deps) {
          const condition = seqOf(d.healthy ? 'service.healthy' : 'service.started', `s${d.on}`);
          expect(condition).toBeGreaterThan(0);
          expect(condition).toBeLessThan(creating);
          expect(seqOf('service.removed', `s${i}`)).toBeLessThan(seqOf('service.removed', `s${d.on}`));
        }
      });
      expect(runtime.all()).toEqual([]);
    }),
    { numRuns: 40 },
  );
});
