import { describe, expect, it } from 'vitest';
import { imageAgeBase, pullPolicyOf } from './pull-policy.js';

describe('pull_policy', () => {
  it('reads every form of the Compose Specification', () => {
    expect(pullPolicyOf(undefined)).toEqual({ kind: 'missing' });
    expect(pullPolicyOf('if_not_present')).toEqual({ kind: 'missing' });
    expect(pullPolicyOf('always')).toEqual({ kind: 'always' });
    expect(pullPolicyOf('never')).toEqual({ kind: 'never' });
    expect(pullPolicyOf('build')).toEqual({ kind: 'build' });
    expect(pullPolicyOf('daily')).toEqual({ kind: 'every', ms: 86_400_000 });
    expect(pullPolicyOf('weekly')).toEqual({ kind: 'every', ms: 604_800_000 });
    expect(pullPolicyOf('every_12h')).toEqual({ kind: 'every', ms: 12 * 3_600_000 });
    expect(pullPolicyOf('every_90')).toEqual({ kind: 'every', ms: 90_000 });
  });

  it('ages an image by its last tag time, else its creation; a zero date is no date', () => {
    expect(imageAgeBase({ Created: '2024-01-01T00:00:00Z', Metadata: { LastTagTime: '2024-02-01T00:00:00Z' } })).toBe(Date.parse('2024-02-01T00:00:00Z'));
    expect(imageAgeBase({ Created: '2024-01-01T00:00:00Z', Metadata: { LastTagTime: '0001-01-01T00:00:00Z' } })).toBe(Date.parse('2024-01-01T00:00:00Z'));
    expect(imageAgeBase({})).toBeUndefined();
  });
});
