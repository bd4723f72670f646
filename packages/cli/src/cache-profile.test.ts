import { describe, expect, it } from 'vitest';
import { COMMANDS, GROUPS } from './args/commands.js';
import { cacheProfile, COMMAND_WORDS } from './cache-profile.js';

describe('cacheProfile: the compile cache of a command line', () => {
  it('knows the first word of every command and group of the CLI, and nothing else', () => {
    const words = new Set([...COMMANDS.map((c) => c.name.split(' ')[0]!), ...GROUPS.map((g) => g.name)]);
    expect([...COMMAND_WORDS].sort()).toEqual([...words].sort());
  });

  it('is the first command word, past global options and their values', () => {
    expect(cacheProfile(['ps'])).toBe('ps');
    expect(cacheProfile(['-f', 'compose.toml', 'ps', '-a'])).toBe('ps');
    expect(cacheProfile(['--runtime', 'docker', '-p', 'shop', 'up', '-d', 'web'])).toBe('up');
    expect(cacheProfile(['exec', 'web', 'ps', 'aux'])).toBe('exec');
    expect(cacheProfile(['volume', 'ls'])).toBe('volume');
    expect(cacheProfile(['version'])).toBe('version');
  });

  it('is `none` without a command word (help, a typo), or when the word comes after `--`', () => {
    expect(cacheProfile([])).toBe('none');
    expect(cacheProfile(['--help'])).toBe('none');
    expect(cacheProfile(['sp'])).toBe('none');
    expect(cacheProfile(['--', 'ps'])).toBe('none');
  });
});
