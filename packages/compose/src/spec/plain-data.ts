import { types } from 'node:util';
import { InvalidArgumentError } from '../errors/invalid-argument-error.js';
import { joinPath, type SpecIssue } from './issues.js';

/**
 * How deeply a compose value may nest (tables and arrays; `services.a.x-meta.k` is 4 deep). A
 * deeper value is refused: in a file as a located `too-deep` issue, in the builders with an
 * `InvalidArgumentError`. Real compose files nest under 10.
 *
 * @example
 * ```ts
 * new Project('p').extension('x-deep', deepValue); // InvalidArgumentError past MAX_NESTING_DEPTH levels
 * ```
 */
export const MAX_NESTING_DEPTH = 64;

const isObject = (value: unknown): value is object => typeof value === 'object' && value !== null;

/**
 * Checks a parsed compose document for values nested deeper than {@link MAX_NESTING_DEPTH}
 * (a YAML alias cycle is one of them). Iterative: never overflows the stack. Returns one issue
 * per too-deep branch, at the path where the limit is passed.
 */
export function depthIssues(document: unknown): SpecIssue[] {
  const issues: SpecIssue[] = [];
  // each entry: the value, its depth, and the keys that lead to it
  const work: Array<{ value: unknown; depth: number; keys: ReadonlyArray<string | number> }> = [{ value: document, depth: 0, keys: [] }];
  while (work.length > 0 && issues.length < 10) {
    const { value, depth, keys } = work.pop() as (typeof work)[number];
    if (!isObject(value) || value instanceof Date) continue;
    if (depth >= MAX_NESTING_DEPTH) {
      const path = keys.reduce<string>((p, k) => joinPath(p, k), '');
      const service = keys[0] === 'services' && typeof keys[1] === 'string' ? keys[1] : undefined;
      issues.push({ code: 'too-deep', path, service, message: `the value is nested more than ${MAX_NESTING_DEPTH} levels deep (or refers to itself); compose values nest at most ${MAX_NESTING_DEPTH} deep` });
      continue;
    }
    if (Array.isArray(value)) for (let i = value.length - 1; i >= 0; i--) work.push({ value: value[i], depth: depth + 1, keys: [...keys, i] });
    else for (const key of Object.keys(value).reverse()) work.push({ value: (value as Record<string, unknown>)[key], depth: depth + 1, keys: [...keys, key] });
  }
  return issues;
}

/**
 * A deep copy of builder input as plain data (arrays, tables of own enumerable string keys,
 * dates and scalars), so that what is checked is what is kept. Refused with an
 * {@link InvalidArgumentError} naming the field: a Proxy, a getter that throws, a cycle, and
 * nesting deeper than {@link MAX_NESTING_DEPTH}. Keys in `keep` (top level only) are copied by
 * reference, unchecked (SDK objects such as a wait strategy).
 *
 * @example
 * ```ts
 * plainData({ image: 'a', command: ['x'] }, 'services.a'); // an equal, independent copy
 * ```
 */
export function plainData<T>(input: T, field: string, keep: ReadonlySet<string> = new Set()): T {
  const fail = (at: string, why: string, cause?: unknown): never => {
    throw new InvalidArgumentError(`${at}: ${why}`, { field: at, cause });
  };
  const ancestors = new Set<object>();
  const copy = (value: unknown, at: string, depth: number): unknown => {
    if (!isObject(value) && typeof value !== 'function') return value;
    if (types.isProxy(value)) fail(at, 'a Proxy is not accepted as compose input; pass plain objects and arrays');
    if (typeof value === 'function' || value instanceof Date) return value;
    if (depth >= MAX_NESTING_DEPTH) fail(at, `the value is nested more than ${MAX_NESTING_DEPTH} levels deep`);
    if (ancestors.has(value)) fail(at, 'the value refers to itself (a cycle); compose input must be a tree');
    ancestors.add(value);
    try {
      if (Array.isArray(value)) {
        const out: unknown[] = [];
        for (let i = 0; i < value.length; i++) out.push(copy(read(value, i, at), `${at}[${i}]`, depth + 1));
        return out;
      }
      const out: Record<string, unknown> = {};
      let keys: string[];
      try {
        keys = Object.keys(value);
      } catch (error) {
        return fail(at, `its keys could not be listed (${String((error as Error)?.message ?? error)})`, error);
      }
      for (const key of keys) {
        const item = read(value, key, at);
        const next = depth === 0 && keep.has(key) ? item : copy(item, joinPath(at, key), depth + 1);
        Object.defineProperty(out, key, { value: next, enumerable: true, writable: true, configurable: true });
      }
      return out;
    } finally {
      ancestors.delete(value);
    }
  };
  const read = (value: object, key: string | number, at: string): unknown => {
    try {
      return (value as Record<string | number, unknown>)[key];
    } catch (error) {
      return fail(typeof key === 'number' ? `${at}[${key}]` : joinPath(at, key), `reading the field threw: ${String((error as Error)?.message ?? error)}`, error);
    }
  };
  return copy(input, field, 0) as T;
}
