import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { isGroupAlive, isProcessAlive, processStartTime, signalGroup, stopGroup, toSignal } from './proc.js';

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

  it('normalises signal names', () => {
    expect(toSignal(undefined)).toBe('SIGTERM');
    expect(toSignal('term')).toBe('SIGTERM');
    expect(toSignal('SIGUSR1')).toBe('SIGUSR1');
    expect(toSignal('9')).toBe(9);
  });
});
