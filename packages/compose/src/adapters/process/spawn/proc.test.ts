import { spawn } from 'node:child_process';
import { describe, expect, it, vi } from 'vitest';
import { isGroupAlive, isProcessAlive, processStartTime, signalGroup, stopGroup, toSignal, waitGone } from './proc.js';

const sleeper = () => {
  const child = spawn('sh', ['-c', 'sleep 30 & sleep 30; wait'], { detached: true, stdio: 'ignore' });
  return child.pid ?? 0;
};

describe('proc', () => {
  it('tells a process from another one that got its pid by the start time', () => {
    const start = processStartTime(process.pid);
    expect(start).toMatch(/^\d+$/);
    expect(isProcessAlive(process.pid, start)).toBe(true);
    expect(isProcessAlive(process.pid, `${start}0`)).toBe(false);
    expect(isProcessAlive(2 ** 22 + 3)).toBe(false);
    expect(isProcessAlive(undefined)).toBe(false);
  });

  it('refuses to signal a group whose leader has another start time', async () => {
    const pid = sleeper();
    try {
      expect(signalGroup(pid, 0, '1')).toBe(false);
      expect(isGroupAlive(pid)).toBe(true);
      expect(await stopGroup(pid, processStartTime(pid), { signal: 'SIGTERM', graceMs: 2_000 })).toBe('gone');
      expect(isGroupAlive(pid)).toBe(false);
    } finally {
      try { process.kill(-pid, 'SIGKILL'); } catch { /* gone */ }
    }
  });

  it('escalates to SIGKILL when the group ignores the stop signal', async () => {
    const child = spawn('sh', ['-c', 'trap "" TERM; while :; do sleep 0.05; done'], { detached: true, stdio: 'ignore' });
    const pid = child.pid ?? 0;
    try {
      await new Promise((r) => setTimeout(r, 100)); // let the trap be set
      expect(await stopGroup(pid, processStartTime(pid), { signal: 'SIGTERM', graceMs: 150 })).toBe('killed');
      expect(isGroupAlive(pid)).toBe(false);
    } finally {
      try { process.kill(-pid, 'SIGKILL'); } catch { /* gone */ }
    }
  });

  it('waits for a group that outlived its leader until its last member ends', async () => {
    // The leader exits at once; the member it left ignores SIGTERM and lives on in the group.
    const child = spawn('sh', ['-c', `sh -c 'trap "" TERM; echo up; while :; do sleep 0.05; done' & read -r _`], { detached: true, stdio: ['pipe', 'pipe', 'ignore'] });
    const pgid = child.pid ?? 0;
    try {
      await new Promise((resolve) => child.stdout?.once('data', resolve)); // the member runs, its trap set
      child.stdin?.end(); // the leader reads end of file and exits
      await new Promise((resolve) => child.once('exit', resolve));
      expect(isProcessAlive(pgid)).toBe(false);
      expect(isGroupAlive(pgid)).toBe(true);
      expect(await waitGone(pgid, 300)).toBe(false); // past the time a leader is left to be reaped
      process.kill(-pgid, 'SIGKILL');
      expect(await waitGone(pgid, 2_000)).toBe(true);
      expect(isGroupAlive(pgid)).toBe(false);
    } finally {
      try { process.kill(-pgid, 'SIGKILL'); } catch { /* gone */ }
    }
  });

  it('counts a group whose leader is a zombie nobody reaps, with nothing else in it, as gone', async () => {
    // Perl forks a group leader that exits at once and is never reaped: a zombie alone in its group.
    const parent = spawn('perl', ['-e', '$| = 1; my $pid = fork(); if (!$pid) { setpgrp(0, 0); exit 0 } print "$pid\\n"; sleep 30'], { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      const pgid = Number(await new Promise<string>((resolve) => parent.stdout?.once('data', (chunk: Buffer) => resolve(chunk.toString()))));
      await new Promise((resolve) => setTimeout(resolve, 100)); // it has exited
      expect(isGroupAlive(pgid)).toBe(false);
      expect(await waitGone(pgid, 2_000)).toBe(true);
    } finally {
      parent.kill('SIGKILL');
    }
  });

  it('sees a zombie leader alone in its group gone at the first look, without waiting for a reap (few waits)', async () => {
    // pid 1 of a container may reap late (seconds): a `down` from another process must not wait for it.
    const parent = spawn('perl', ['-e', '$| = 1; my $pid = fork(); if (!$pid) { setpgrp(0, 0); exit 0 } print "$pid\\n"; sleep 30'], { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      const pgid = Number(await new Promise<string>((resolve) => parent.stdout?.once('data', (chunk: Buffer) => resolve(chunk.toString()))));
      await new Promise((resolve) => setTimeout(resolve, 100)); // it has exited, and nobody reaps it
      expect(isProcessAlive(pgid)).toBe(false);
      vi.useFakeTimers({ toFake: ['setTimeout', 'Date'] });
      try {
        // No timer ever fires here: the wait must settle on its first look.
        const outcome = await Promise.race([waitGone(pgid, 10_000), new Promise((resolve) => setImmediate(() => resolve('still waiting')))]);
        expect(outcome).toBe(true);
      } finally {
        vi.useRealTimers();
      }
    } finally {
      parent.kill('SIGKILL');
    }
  });

  it('normalises signal names', () => {
    expect(toSignal(undefined)).toBe('SIGTERM');
    expect(toSignal('term')).toBe('SIGTERM');
    expect(toSignal('SIGUSR1')).toBe('SIGUSR1');
    expect(toSignal('9')).toBe(9);
  });
});
