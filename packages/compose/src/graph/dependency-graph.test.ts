import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createGraph } from './dependency-graph.js';
import { DependencyCycleError, isDependencyCycleError } from '../errors/dependency-cycle-error.js';

describe('createGraph', () => {
  it('orders dependencies first, alphabetically among peers', () => {
    const graph = createGraph({ web: ['api'], api: ['db', 'cache'], db: [], cache: [], admin: [] });
    expect(graph.startOrder()).toEqual(['admin', 'cache', 'db', 'api', 'web']);
    expect(graph.stopOrder()).toEqual(['web', 'api', 'db', 'cache', 'admin']);
  });

  it('adds nodes that are only named as dependencies', () => {
    const graph = createGraph({ api: ['db'] });
    expect(graph.nodes()).toEqual(['api', 'db']);
    expect(graph.has('db')).toBe(true);
    expect(graph.dependantsOf('db')).toEqual(['api']);
  });

  it('reports the whole cycle path', () => {
    const graph = createGraph({ api: ['worker'], worker: ['queue'], queue: ['api'], db: [] });
    expect(graph.findCycles()).toEqual([['api', 'worker', 'queue', 'api']]);
    expect(() => graph.startOrder()).toThrow(DependencyCycleError);
    try {
      graph.startOrder();
    } catch (error) {
      expect(isDependencyCycleError(error)).toBe(true);
      expect((error as DependencyCycleError).message).toContain('api -> worker -> queue -> api');
    }
  });

  it('finds self-dependencies and several cycles', () => {
    const graph = createGraph({ a: ['a'], b: ['c'], c: ['b'], d: ['b'] });
    expect(graph.findCycles()).toEqual([['a', 'a'], ['b', 'c', 'b']]);
  });

  it('computes closures in start and stop order', () => {
    const graph = createGraph({ web: ['api'], api: ['db'], db: [], worker: ['db'], cron: [] });
    expect(graph.closure(['web'])).toEqual(['db', 'api', 'web']);
    expect(graph.closure(['worker', 'cron'])).toEqual(['cron', 'db', 'worker']);
    expect(graph.dependantsClosure(['db'])).toEqual(['worker', 'web', 'api', 'db']);
    expect(graph.closure(['missing'])).toEqual([]);
  });

  it('groups into levels and independent groups', () => {
    const graph = createGraph({ web: ['api'], api: ['db'], db: [], worker: ['db'], cron: [] });
    expect(graph.levels()).toEqual([['cron', 'db'], ['api', 'worker'], ['web']]);
    expect(graph.independentGroups()).toEqual([['api', 'db', 'web', 'worker'], ['cron']]);
  });

  it('property: start order puts every dependency before its dependant', () => {
    const acyclic = fc
      .uniqueArray(fc.stringMatching(/^[a-z]{1,4}$/), { minLength: 1, maxLength: 12 })
      .chain((names) =>
        fc.tuple(
          fc.constant(names),
          fc.array(fc.array(fc.nat(), { maxLength: 3 }), { minLength: names.length, maxLength: names.length }),
        ),
      )
      .map(([names, picks]) => {
        const edges: Record<string, string[]> = {};
        names.forEach((name, i) => {
          // only depend on earlier names: acyclic by construction
          edges[name] = i === 0 ? [] : (picks[i] ?? []).map((p) => names[p % i] as string);
        });
        return edges;
      });
    fc.assert(
      fc.property(acyclic, (edges) => {
        const graph = createGraph(edges);
        const order = graph.startOrder();
        expect(order.length).toBe(graph.nodes().length);
        const position = new Map(order.map((n, i) => [n, i]));
        for (const [node, deps] of Object.entries(edges))
          for (const dep of deps) expect(position.get(dep)).toBeLessThan(position.get(node) as number);
        expect(graph.findCycles()).toEqual([]);
        expect(graph.levels().flat().sort()).toEqual([...graph.nodes()]);
      }),
      { numRuns: 100 },
    );
  });
});
