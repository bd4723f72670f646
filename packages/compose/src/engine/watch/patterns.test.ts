import { describe, expect, test } from 'vitest';
import { dockerignoreMatcher, isEphemeral, patternMatcher } from './patterns.js';

describe('watch path patterns (.dockerignore syntax)', () => {
  const m = patternMatcher('/p', ['node_modules/', '*.log', '!keep.log', '**/tmp', 'docs/*.md']);
  test.each([
    ['/p/node_modules', true],
    ['/p/node_modules/a/b.js', true],
    ['/p/a.log', true],
    ['/p/keep.log', false],
    ['/p/sub/a.log', false],
    ['/p/x/y/tmp/z', true],
    ['/p/tmp', true],
    ['/p/docs/a.md', true],
    ['/p/docs/deep/a.md', false],
    ['/p/src/a.ts', false],
    ['/other/a.log', false],
    ['/p', false],
  ])('%s → %s', (path, ignored) => expect(m(path)).toBe(ignored));

  test('no patterns match nothing; comments and blank lines are skipped', () => {
    expect(patternMatcher('/p', [])('/p/a')).toBe(false);
    expect(patternMatcher('/p', ['# a.txt', '', 'b.txt'])('/p/a.txt')).toBe(false);
    expect(patternMatcher('/p', ['# a.txt', '', 'b.txt'])('/p/b.txt')).toBe(true);
  });

  test('dockerignoreMatcher: `**/` is zero or more whole folders; text or lines', () => {
    const m = dockerignoreMatcher('**/foo\n**/*.log\n');
    expect([m('foo'), m('a/b/foo'), m('barfoo'), m('a/barfoo'), m('root.log'), m('a/b/x.log')]).toEqual([true, true, false, false, true, true]);
    expect(dockerignoreMatcher(['**/foo'])('barfoo')).toBe(false);
    expect(dockerignoreMatcher(['.'])('any/path')).toBe(true);
  });

  test.each([
    ['src/.main.ts.swp', true],
    ['src/main.ts~', true],
    ['src/.#main.ts', true],
    ['4913', true],
    ['a/.git/HEAD', true],
    ['.idea/workspace.xml', true],
    ['main.ts___jb_tmp___', true],
    ['src/main.ts', false],
    ['src/.env', false],
  ])('ephemeral %s → %s', (path, ephemeral) => expect(isEphemeral(path)).toBe(ephemeral));
});
