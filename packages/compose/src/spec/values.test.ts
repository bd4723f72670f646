import { describe, expect, it } from 'vitest';
import { parseCpus, parseDependencyCondition, parseMemory, parseRestartPolicy, splitCommand } from './values.js';
import { isValidProjectName, sanitizeProjectName } from './names.js';

describe('value grammar', () => {
  it('restart policies', () => {
    for (const p of ['no', 'always', 'on-failure', 'on-failure:5', 'unless-stopped']) expect(parseRestartPolicy(p)).toBe(p);
    for (const p of ['', 'sometimes', 'on-failure:', 'on-failure:x', 'ALWAYS']) expect(() => parseRestartPolicy(p)).toThrow(/restart: expected/);
  });

  it('dependency conditions and aliases', () => {
    expect(parseDependencyCondition('healthy')).toBe('service_healthy');
    expect(parseDependencyCondition('started')).toBe('service_started');
    expect(parseDependencyCondition('completed_successfully')).toBe('service_completed_successfully');
    expect(parseDependencyCondition('service_healthy')).toBe('service_healthy');
    expect(() => parseDependencyCondition('ready')).toThrow(/condition: expected/);
    expect(() => parseDependencyCondition('toString')).toThrow(/condition: expected/);
  });

  it('resources', () => {
    expect(parseMemory('512M')).toBe('512m');
    expect(parseMemory(1024)).toBe('1024');
    expect(() => parseMemory('lots')).toThrow(/memory/);
    expect(parseCpus('0.5')).toBe(0.5);
    expect(() => parseCpus(0)).toThrow(/cpus/);
  });

  it('splits command strings like a shell', () => {
    expect(splitCommand(`node -e "console.log('hi there')" 'a b' c\\ d`)).toEqual(['node', '-e', "console.log('hi there')", 'a b', 'c d']);
    expect(splitCommand('  ')).toEqual([]);
    expect(() => splitCommand('echo "oops')).toThrow(/unterminated/);
  });

  it('project names', () => {
    expect(isValidProjectName('shop-2_x')).toBe(true);
    expect(isValidProjectName('2shop')).toBe(true);
    for (const bad of ['', 'Shop', '-shop', 'sh op', 'shop.x']) expect(isValidProjectName(bad)).toBe(false);
    expect(sanitizeProjectName('My Shop!')).toBe('my-shop-');
    expect(sanitizeProjectName('__x')).toBe('x');
    expect(sanitizeProjectName('!!!')).toBe('default');
    expect(isValidProjectName(sanitizeProjectName('Über Proj'))).toBe(true);
  });
});
