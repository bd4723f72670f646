import { InvalidArgumentError } from '../errors/invalid-argument-error.js';
import type { VariableLookup } from './interpolate.js';
import { attempt, isRecord, joinPath, type IssueSink } from './issues.js';
import { show } from './show.js';
import { closestName } from './suggest.js';
import { isUnsupportedComposeField } from './unsupported-fields.js';

/** Where a normaliser is: the sink, the service (if any) and the field path. */
export interface NormalizeContext {
  readonly sink: IssueSink;
  readonly service?: string | undefined;
  /**
   * The variables the file was interpolated with (the process environment and `.env`), when the
   * document comes from a file: an `environment` entry without a value (`- KEY`, `KEY:`) takes its
   * value from them, as Compose does, and is left out when they have none.
   */
  readonly lookup?: VariableLookup | undefined;
}

/** Reports a problem at `path`. */
export function problem(ctx: NormalizeContext, path: string, message: string, code = 'invalid-value'): undefined {
  ctx.sink.report({ code, path, message, service: ctx.service });
  return undefined;
}

/** Turns a value parser's typed error into an issue at `path` (rethrows anything else: a bug). */
export function fromError(ctx: NormalizeContext, path: string, error: unknown): undefined {
  return attempt(ctx.sink, path, ctx.service, () => {
    throw error;
  });
}

/** Runs a value parser; its typed error becomes an issue. */
export function parseAt<T>(ctx: NormalizeContext, path: string, parse: () => T): T | undefined {
  return attempt(ctx.sink, path, ctx.service, parse);
}

/**
 * What to say about a field that `allowed` lacks: a Compose Specification field that is not
 * supported yet says so; a typo gets the closest allowed name ("did you mean 'healthcheck'?").
 */
export function unknownFieldIssue(path: string, key: string, allowed: Iterable<string>, extensions: boolean): { message: string; code: string } {
  if (isUnsupportedComposeField(path, key))
    return {
      message: `field '${key}' is not supported yet (a Compose Specification field that @selur/compose does not implement); remove it to load this file`,
      code: 'unsupported-field',
    };
  const suggestion = closestName(key, allowed);
  const note = extensions ? ' (extension fields must start with "x-")' : '';
  if (suggestion !== undefined) return { message: `unknown field '${key}'; did you mean '${suggestion}'?${note}`, code: 'unknown-field' };
  return { message: `unknown field '${key}'${note}; expected one of ${[...allowed].join(', ')}`, code: 'unknown-field' };
}

/** Reports keys of `table` not in `allowed` (and not `x-*` when extensions are allowed). */
export function checkKeys(ctx: NormalizeContext, path: string, table: Record<string, unknown>, allowed: ReadonlySet<string>, extensions = false): void {
  for (const key of Object.keys(table)) {
    if (allowed.has(key) || (extensions && key.startsWith('x-'))) continue;
    const { message, code } = unknownFieldIssue(path, key, allowed, extensions);
    problem(ctx, joinPath(path, key), message, code);
  }
}

/** A string, or an issue. */
export function str(ctx: NormalizeContext, path: string, value: unknown, nonEmpty = false): string | undefined {
  if (typeof value !== 'string') return problem(ctx, path, `must be a string, received ${show(value)}`, 'type');
  if (nonEmpty && value.trim().length === 0) return problem(ctx, path, 'must not be empty');
  return value;
}

/** A boolean, or an issue. */
export function bool(ctx: NormalizeContext, path: string, value: unknown): boolean | undefined {
  if (typeof value !== 'boolean') return problem(ctx, path, `must be true or false, received ${show(value)}`, 'type');
  return value;
}

/** An integer within bounds, or an issue. */
export function int(ctx: NormalizeContext, path: string, value: unknown, min = 0, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
    return problem(ctx, path, `must be an integer ${max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `${min}-${max}`}, received ${show(value)}`, 'type');
  return value;
}

/** A scalar turned into a string (numbers and booleans as TOML writes them). */
export function scalarString(ctx: NormalizeContext, path: string, value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if ((typeof value === 'number' && Number.isFinite(value)) || typeof value === 'boolean') return String(value);
  return problem(ctx, path, `must be a string, number or boolean, received ${show(value)}`, 'type');
}

/** A table of scalars → sorted string record; an array of `KEY=VALUE` strings is accepted when `pairs`. */
export function stringRecord(ctx: NormalizeContext, path: string, value: unknown, pairs = false): Record<string, string> {
  const out: Record<string, string> = {};
  if (pairs && Array.isArray(value)) {
    value.forEach((item, i) => {
      const text = str(ctx, joinPath(path, i), item);
      if (text === undefined) return;
      const eq = text.indexOf('=');
      if (eq <= 0 || text.slice(0, eq) === '__proto__') problem(ctx, joinPath(path, i), `expected "KEY=VALUE", received ${show(text)}`);
      else out[text.slice(0, eq)] = text.slice(eq + 1);
    });
    return sortRecord(out);
  }
  if (!isRecord(value)) {
    problem(ctx, path, `must be a table${pairs ? ' or an array of "KEY=VALUE" strings' : ''}, received ${show(value)}`, 'type');
    return out;
  }
  for (const [key, item] of Object.entries(value)) {
    if (key === '__proto__') {
      problem(ctx, joinPath(path, key), `'${key}' is not allowed as a key`);
      continue;
    }
    const text = scalarString(ctx, joinPath(path, key), item);
    if (text !== undefined) out[key] = text;
  }
  return sortRecord(out);
}

/** An array of strings (a single string accepted when `single`), duplicates removed. */
export function stringList(ctx: NormalizeContext, path: string, value: unknown, single = false): string[] {
  if (single && typeof value === 'string') return [value];
  if (!Array.isArray(value)) {
    problem(ctx, path, `must be an array of strings${single ? ' or a string' : ''}, received ${show(value)}`, 'type');
    return [];
  }
  const out: string[] = [];
  for (let i = 0; i < value.length; i++) {
    const item: unknown = value[i];
    const text = typeof item === 'string' && item.trim() !== '' ? item : str(ctx, `${path}[${i}]`, item, true);
    if (text !== undefined && !out.includes(text)) out.push(text);
  }
  return out;
}

/** A copy of `record` with keys in sorted order. */
export function sortRecord<T>(record: Readonly<Record<string, T>>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const key of Object.keys(record).sort()) out[key] = record[key] as T;
  return out;
}

/** Deep copy of an extension value (tables sorted; dates and scalars kept). */
export function copyExtension(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copyExtension);
  if (isRecord(value)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort())
      Object.defineProperty(out, key, { value: copyExtension(value[key]), enumerable: true, writable: true, configurable: true });
    return out;
  }
  return value;
}

/** Collects the `x-*` keys of `table` into a sorted record. */
export function extensionsOf(table: Record<string, unknown>, exclude?: string): Record<`x-${string}`, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(table).sort()) if (key.startsWith('x-') && key !== exclude) out[key] = copyExtension(table[key]);
  return out as Record<`x-${string}`, unknown>;
}

/** Drops `undefined` fields (so canonical objects compare and serialise cleanly). */
export function compact<T extends object>(value: T): T {
  // copy rather than `delete`: deleting keys turns objects into slow dictionary-mode objects
  const out = {} as T;
  for (const key in value) if (value[key] !== undefined) out[key] = value[key];
  return out;
}

/** Throws an {@link InvalidArgumentError} unless `value` is a table. */
export function requireTable(value: unknown, field: string): Record<string, unknown> {
  if (!isRecord(value)) throw new InvalidArgumentError(`${field}: must be a table, received ${show(value)}`, { field });
  return value;
}
