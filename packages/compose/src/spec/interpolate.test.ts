import { describe, expect, it } from 'vitest';
import { interpolate, interpolationWork, MAX_INTERPOLATION_DEPTH, MAX_INTERPOLATION_LENGTH } from './interpolate.js';
import { InvalidArgumentError, isInvalidArgumentError } from '../errors/invalid-argument-error.js';

const env: Record<string, string> = { HOST: 'db', EMPTY: '', PORT: '5432' };
const lookup = (name: string) => env[name];

describe('interpolate', () => {
  it.each([
    ['$HOST:$PORT', 'db:5432'],
    ['${HOST}x', 'dbx'],
    ['${MISSING:-fallback}', 'fallback'],
    ['${EMPTY:-fallback}', 'fallback'],
    ['${EMPTY-fallback}', ''],
    ['${MISSING-fallback}', 'fallback'],
    ['${MISSING:-${HOST}-1}', 'db-1'],
    ['${HOST:+set}', 'set'],
    ['$$HOST costs $$5', '$HOST costs $5'],
    ['$1 and $', '$1 and $'],
    ['$MISSING!', '!'],
    ['no dollars', 'no dollars'],
  ])('%s -> %s', (input, expected) => {
    expect(interpolate(input, lookup)).toBe(expected);
  });

  it('throws for required variables, with the message', () => {
    expect(() => interpolate('${MISSING:?set MISSING first}', lookup, 'services.api.image')).toThrow(
      'services.api.image: required variable MISSING is not set: set MISSING first',
    );
    expect(() => interpolate('${EMPTY:?}', lookup)).toThrow(/EMPTY is empty/);
    expect(interpolate('${EMPTY?oops}', lookup)).toBe('');
    expect(() => interpolate('${MISSING?oops}', lookup)).toThrow(/MISSING is not set: oops/);
  });

  it('rejects malformed substitutions with a typed error', () => {
    for (const bad of ['${HOST', '${}', '${1A}', '${HOST/x}']) {
      try {
        interpolate(bad, lookup);
        expect.unreachable(bad);
      } catch (error) {
        expect(isInvalidArgumentError(error)).toBe(true);
      }
    }
  });
});

describe('interpolate: hostile input (issue 15)', () => {
  it('reads own properties only: ${__proto__:-d}, ${constructor:-d} and $toString are unset', () => {
    const vars: Record<string, string> = { A: 'a' };
    const own = (name: string) => (Object.hasOwn(vars, name) ? vars[name] : undefined);
    expect(interpolate('${__proto__:-d}|${constructor:-d}|$toString|$A', own)).toBe('d|d||a');
    // a lookup that leaks a non-string (an inherited function) counts as unset
    const leaky = (name: string) => (vars as Record<string, unknown>)[name] as string | undefined;
    expect(interpolate('${constructor:-d}|$toString|${hasOwnProperty}', leaky)).toBe('d||');
  });

  it('is linear: 60,000 nested "${A-" (300 KB) fail at the depth limit after one partial scan', () => {
    const deep = `${'${A-'.repeat(60_000)}x${'}'.repeat(60_000)}`;
    expect(deep.length).toBe(300_001);
    interpolationWork.steps = 0;
    expect(() => interpolate(deep, lookup, 'f')).toThrow(new RegExp(`nested more than ${MAX_INTERPOLATION_DEPTH} deep`));
    expect(interpolationWork.steps).toBeLessThan(2 * deep.length);
  });

  it('is linear on wide input: 30,000 substitutions at depth 3 cost O(n) steps', () => {
    const wide = '${MISSING:-${HOST:+${PORT}}}-'.repeat(30_000);
    interpolationWork.steps = 0;
    expect(interpolate(wide, lookup)).toBe('5432-'.repeat(30_000));
    expect(interpolationWork.steps).toBeLessThan(3 * wide.length);
  });

  it('nests up to the documented depth', () => {
    const at = (depth: number) => `${'${MISSING:-'.repeat(depth)}ok${'}'.repeat(depth)}`;
    expect(interpolate(at(MAX_INTERPOLATION_DEPTH), lookup)).toBe('ok');
    expect(() => interpolate(at(MAX_INTERPOLATION_DEPTH + 1), lookup)).toThrow(InvalidArgumentError);
  });

  it('refuses a text or a result past MAX_INTERPOLATION_LENGTH with a typed error', () => {
    expect(() => interpolate(`$HOST${'x'.repeat(MAX_INTERPOLATION_LENGTH)}`, lookup, 'f')).toThrow(/at most 1048576/);
    const big = (name: string) => (name === 'BIG' ? 'y'.repeat(600_000) : undefined);
    expect(() => interpolate('$BIG$BIG', big, 'f')).toThrow(InvalidArgumentError);
  });

  it('only the branch that is used reads variables and fails; syntax errors anywhere are errors', () => {
    expect(interpolate('${HOST:-${MISSING:?never read}}', lookup)).toBe('db');
    expect(interpolate('${MISSING:+${NOPE:?never read}}', lookup)).toBe('');
    expect(() => interpolate('${HOST:-${}}', lookup)).toThrow(InvalidArgumentError);
    expect(() => interpolate('${HOST:}', lookup)).toThrow(InvalidArgumentError);
  });
});
