import { DependencyCycleError } from '../errors/dependency-cycle-error.js';

/**
 * A directed dependency graph over string nodes: `a -> b` means "a depends on b" (b starts
 * first). Generic: it knows nothing of compose. Every ordering is deterministic (alphabetical
 * among peers), so plans and tests are stable.
 *
 * @example
 * ```ts
 * const graph = createGraph({ api: ['db', 'cache'], db: [], cache: [] });
 * graph.startOrder(); // ['cache', 'db', 'api']
 * graph.stopOrder();  // ['api', 'db', 'cache']
 * graph.closure(['api']); // ['cache', 'db', 'api']
 * ```
 */
export interface DependencyGraph {
  /** Every node, sorted. Nodes only named as a dependency are included. */
  nodes(): readonly string[];
  /** True when `node` is in the graph. */
  has(node: string): boolean;
  /** Direct dependencies of `node`, sorted. */
  dependenciesOf(node: string): readonly string[];
  /** Direct dependants of `node` (nodes that depend on it), sorted. */
  dependantsOf(node: string): readonly string[];
  /** Dependencies first; alphabetical among peers. Throws {@link DependencyCycleError} on a cycle. */
  startOrder(): string[];
  /** The reverse of {@link DependencyGraph.startOrder}: dependants first (teardown order). */
  stopOrder(): string[];
  /** Every cycle, one path per strongly connected component, e.g. `['api', 'worker', 'api']`. */
  findCycles(): string[][];
  /** `nodes` and everything they depend on, transitively, in start order. */
  closure(nodes: Iterable<string>): string[];
  /** `nodes` and everything that depends on them, transitively, in stop order. */
  dependantsClosure(nodes: Iterable<string>): string[];
  /**
   * Nodes grouped in levels: level 0 has no dependencies, level n depends only on earlier
   * levels. Nodes in one level can start together. Throws on a cycle.
   */
  levels(): string[][];
  /** Weakly connected components (groups that share no dependency), each sorted; groups ordered by first node. */
  independentGroups(): string[][];
}

/**
 * Builds a {@link DependencyGraph} from a map of node to its dependencies.
 *
 * @param edges - `{ node: [dependency, …] }`. A dependency that is not a key becomes a node without dependencies.
 * @example
 * ```ts
 * createGraph({ api: ['worker'], worker: ['api'] }).findCycles(); // [['api', 'worker', 'api']]
 * ```
 */
export function createGraph(edges: Readonly<Record<string, readonly string[]>>): DependencyGraph {
  return new Graph(edges);
}

function insertSorted(list: string[], value: string): void {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((list[mid] as string) < value) lo = mid + 1;
    else hi = mid;
  }
  list.splice(lo, 0, value);
}

class Graph implements DependencyGraph {
  readonly #deps = new Map<string, string[]>();
  readonly #dependants = new Map<string, string[]>();
  readonly #nodes: string[];

  constructor(edges: Readonly<Record<string, readonly string[]>>) {
    const all = new Set<string>();
    for (const [node, deps] of Object.entries(edges)) {
      all.add(node);
      for (const dep of deps) all.add(dep);
    }
    this.#nodes = [...all].sort();
    for (const node of this.#nodes) {
      this.#deps.set(node, []);
      this.#dependants.set(node, []);
    }
    for (const [node, deps] of Object.entries(edges)) {
      const unique = deps.length === 0 ? [] : deps.length === 1 ? [deps[0] as string] : [...new Set(deps)].sort();
      this.#deps.set(node, unique);
      for (const dep of unique) (this.#dependants.get(dep) as string[]).push(node);
    }
    for (const list of this.#dependants.values()) if (list.length > 1) list.sort();
  }

  nodes(): readonly string[] {
    return this.#nodes;
  }

  has(node: string): boolean {
    return this.#deps.has(node);
  }

  dependenciesOf(node: string): readonly string[] {
    return this.#deps.get(node) ?? [];
  }

  dependantsOf(node: string): readonly string[] {
    return this.#dependants.get(node) ?? [];
  }

  startOrder(): string[] {
    return this.#order(this.#nodes);
  }

  stopOrder(): string[] {
    return this.startOrder().reverse();
  }

  findCycles(): string[][] {
    return this.#components()
      .filter((scc) => scc.length > 1 || this.dependenciesOf(scc[0] as string).includes(scc[0] as string))
      .map((scc) => this.#cycleIn(new Set(scc)))
      .sort((a, b) => ((a[0] as string) < (b[0] as string) ? -1 : 1));
  }

  closure(nodes: Iterable<string>): string[] {
    const seen = this.#reach(nodes, this.#deps);
    return this.#order(this.#nodes.filter((n) => seen.has(n)));
  }

  dependantsClosure(nodes: Iterable<string>): string[] {
    const seen = this.#reach(nodes, this.#dependants);
    return this.#order(this.#nodes.filter((n) => seen.has(n))).reverse();
  }

  levels(): string[][] {
    const level = new Map<string, number>();
    const result: string[][] = [];
    for (const node of this.startOrder()) {
      let l = 0;
      for (const dep of this.dependenciesOf(node)) l = Math.max(l, (level.get(dep) ?? 0) + 1);
      level.set(node, l);
      (result[l] ??= []).push(node);
    }
    return result.map((group) => group.sort());
  }

  independentGroups(): string[][] {
    const seen = new Set<string>();
    const groups: string[][] = [];
    for (const start of this.#nodes) {
      if (seen.has(start)) continue;
      const group: string[] = [];
      const stack = [start];
      seen.add(start);
      while (stack.length > 0) {
        const node = stack.pop() as string;
        group.push(node);
        for (const next of [...this.dependenciesOf(node), ...this.dependantsOf(node)]) {
          if (!seen.has(next)) {
            seen.add(next);
            stack.push(next);
          }
        }
      }
      groups.push(group.sort());
    }
    return groups;
  }

  #reach(nodes: Iterable<string>, via: Map<string, string[]>): Set<string> {
    const seen = new Set<string>();
    const stack: string[] = [];
    for (const node of nodes) {
      if (!seen.has(node) && via.has(node)) {
        seen.add(node);
        stack.push(node);
      }
    }
    while (stack.length > 0) {
      for (const next of via.get(stack.pop() as string) ?? []) {
        if (!seen.has(next)) {
          seen.add(next);
          stack.push(next);
        }
      }
    }
    return seen;
  }

  /** Kahn's algorithm over `subset` (edges leaving the subset are ignored), alphabetical among ready peers. */
  #order(subset: readonly string[]): string[] {
    const inSet = new Set(subset);
    const remaining = new Map<string, number>();
    const ready: string[] = [];
    for (const node of subset) {
      const count = this.dependenciesOf(node).filter((d) => inSet.has(d)).length;
      remaining.set(node, count);
      if (count === 0) ready.push(node);
    }
    ready.sort();
    const order: string[] = [];
    while (ready.length > 0) {
      const node = ready.shift() as string;
      order.push(node);
      for (const dependant of this.dependantsOf(node)) {
        const left = remaining.get(dependant);
        if (left === undefined) continue;
        remaining.set(dependant, left - 1);
        if (left === 1) insertSorted(ready, dependant);
      }
    }
    if (order.length < subset.length) {
      const cycle = this.findCycles()[0];
      throw new DependencyCycleError(cycle ?? subset.filter((n) => !order.includes(n)));
    }
    return order;
  }

  /** Tarjan's strongly connected components, iterative. */
  #components(): string[][] {
    const index = new Map<string, number>();
    const low = new Map<string, number>();
    const onStack = new Set<string>();
    const stack: string[] = [];
    const result: string[][] = [];
    let counter = 0;
    for (const root of this.#nodes) {
      if (index.has(root)) continue;
      const work: Array<{ node: string; next: number }> = [{ node: root, next: 0 }];
      index.set(root, counter);
      low.set(root, counter++);
      stack.push(root);
      onStack.add(root);
      while (work.length > 0) {
        const frame = work[work.length - 1] as { node: string; next: number };
        const deps = this.dependenciesOf(frame.node);
        if (frame.next < deps.length) {
          const dep = deps[frame.next++] as string;
          if (!index.has(dep)) {
            index.set(dep, counter);
            low.set(dep, counter++);
            stack.push(dep);
            onStack.add(dep);
            work.push({ node: dep, next: 0 });
          } else if (onStack.has(dep)) {
            low.set(frame.node, Math.min(low.get(frame.node) as number, index.get(dep) as number));
          }
          continue;
        }
        work.pop();
        const parent = work[work.length - 1];
        if (parent) low.set(parent.node, Math.min(low.get(parent.node) as number, low.get(frame.node) as number));
        if (low.get(frame.node) === index.get(frame.node)) {
          const scc: string[] = [];
          let member: string;
          do {
            member = stack.pop() as string;
            onStack.delete(member);
            scc.push(member);
          } while (member !== frame.node);
          result.push(scc.sort());
        }
      }
    }
    return result;
  }

  /** Shortest cycle through the smallest node of a strongly connected component. */
  #cycleIn(scc: Set<string>): string[] {
    const start = [...scc].sort()[0] as string;
    const previous = new Map<string, string>();
    const queue = [start];
    for (let i = 0; i < queue.length; i++) {
      const node = queue[i] as string;
      for (const dep of this.dependenciesOf(node)) {
        if (!scc.has(dep)) continue;
        if (dep === start) {
          const path = [start];
          for (let at: string | undefined = node; at !== undefined && at !== start; at = previous.get(at)) path.splice(1, 0, at);
          path.push(start);
          return path;
        }
        if (!previous.has(dep)) {
          previous.set(dep, node);
          queue.push(dep);
        }
      }
    }
    return [start, start];
  }
}
