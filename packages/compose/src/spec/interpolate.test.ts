import { describe, expect, it } from 'vitest';
import { interpolate } from './interpolate.js';
import { isInvalidArgumentError } from '../errors/invalid-argument-error.js';

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
