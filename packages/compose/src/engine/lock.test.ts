import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { isProjectLockedError } from '../errors/project-locked-error.js';
import { acquireProjectLock } from './lock.js';

const dir = mkdtempSync(join(tmpdir(), 'lock-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('acquireProjectLock', () => {
  test('a second taker waits, then gets a ProjectLockedError naming the holder', async () => {
    const lock = await acquireProjectLock('rt', 'p1', { dir });
    const content = JSON.parse(readFileSync(lock.file, 'utf8')) as { pid: number };
    expect(content.pid).toBe(process.pid);
    const error = await acquireProjectLock('rt', 'p1', { dir, timeoutMs: 20 }).catch((e: unknown) => e);
    expect(isProjectLockedError(error)).toBe(true);
    if (isProjectLockedError(error)) {
      expect(error.holderPid).toBe(process.pid);
      expect(error.lockFile).toBe(lock.file);
    }
    await lock.release();
    expect(existsSync(lock.file)).toBe(false);
    const again = await acquireProjectLock('rt', 'p1', { dir, timeoutMs: 20 });
    await again.release();
  });

  test('a waiter is told once who holds the lock: its pid, what it does, since when (issue 14)', async () => {
    const lock = await acquireProjectLock('rt', 'p-told', { dir, operation: 'up' });
    const told: unknown[] = [];
    const waiter = acquireProjectLock('rt', 'p-told', { dir, timeoutMs: 5_000, operation: 'down', onWait: (holder) => told.push(holder) });
    for (let i = 0; i < 200 && told.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    await lock.release();
    const next = await waiter;
    expect(told).toEqual([{ pid: process.pid, operation: 'up', since: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) }]);
    expect(JSON.parse(readFileSync(next.file, 'utf8'))).toMatchObject({ pid: process.pid, operation: 'down' });
    await next.release();
  });

  test('the lock passes to a waiter when released', async () => {
    const lock = await acquireProjectLock('rt', 'p2', { dir });
    const waiter = acquireProjectLock('rt', 'p2', { dir, timeoutMs: 5_000 });
    setTimeout(() => void lock.release(), 10);
    const next = await waiter;
    await next.release();
  });

  test('a lock left by a dead process is stale and taken over', async () => {
    const dead = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' });
    const pid = Number(dead.stdout.trim());
    const file = join(dir, 'rt-p3.lock');
    writeFileSync(file, JSON.stringify({ pid, token: 'old', startedAt: new Date().toISOString() }));
    const lock = await acquireProjectLock('rt', 'p3', { dir, timeoutMs: 1_000 });
    expect((JSON.parse(readFileSync(file, 'utf8')) as { token: string }).token).not.toBe('old');
    await lock.release();
  });

  test('release never removes a lock someone else holds now', async () => {
    const lock = await acquireProjectLock('rt', 'p4', { dir });
    writeFileSync(lock.file, JSON.stringify({ pid: process.pid, token: 'someone-else', startedAt: '' }));
    await lock.release();
    expect(existsSync(lock.file)).toBe(true);
    rmSync(lock.file);
  });
});
