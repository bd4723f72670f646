/**
 * The owner label every created container carries: this process's start time is read from
 * /proc once, not once per container (an `up` of 2,000 services read /proc/self/stat 2,000
 * times). Reads are counted, never timed.
 */
import { describe, expect, it, vi } from 'vitest';

const reads = vi.hoisted(() => ({ paths: [] as string[] }));

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const readFileSync = ((path: unknown, ...rest: unknown[]) => {
    if (typeof path === 'string' && path.startsWith('/proc/')) reads.paths.push(path);
    return (fs.readFileSync as (...args: unknown[]) => unknown)(path, ...rest);
  }) as typeof fs.readFileSync;
  return { ...fs, readFileSync, default: { ...fs, readFileSync } };
});

const { ownerLabel } = await import('./owner.js');

describe('ownerLabel', () => {
  it('is <host>:<pid>:<start time>, the start time read once for any number of containers', () => {
    const first = ownerLabel();
    const [, host, pid, start] = /^(.*):(\d+):(\d+)$/.exec(first) ?? [];
    expect(host).not.toBe('');
    expect(Number(pid)).toBe(process.pid);
    expect(start).toMatch(/^\d+$/);
    for (let i = 0; i < 200; i++) expect(ownerLabel()).toBe(first);
    expect(reads.paths.filter((path) => path === `/proc/${process.pid}/stat` || path === '/proc/self/stat')).toHaveLength(1);
  });
});
