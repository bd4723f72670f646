import { describe, expect, it } from 'vitest';
import { compareNames } from './compare-names.js';

describe('compareNames', () => {
  it('orders by code unit, as Go compares strings', () => {
    expect(['web', 'db-2', 'db_1', 'db1', 'Db', 'api'].sort(compareNames)).toEqual(['Db', 'api', 'db-2', 'db1', 'db_1', 'web']);
  });

  it('says equal only for equal names', () => {
    expect(compareNames('a', 'a')).toBe(0);
    expect(compareNames('a', 'b')).toBe(-1);
    expect(compareNames('b', 'a')).toBe(1);
  });
});
