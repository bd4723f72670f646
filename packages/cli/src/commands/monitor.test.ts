import { spawn } from 'node:child_process';
import type { ContainerInfo } from '@selur/compose';
import { describe, expect, it } from 'vitest';
import { diffContainers, hostProcesses, parseProcStat } from './monitor.js';

const container = (id: string, fields: Partial<ContainerInfo> = {}): ContainerInfo => ({
  id,
  name: `shop_api_${id}`,
  project: 'shop',
  service: 'api',
  replica: Number(id),
  configHash: 'h',
  image: 'node',
  state: 'running',
  health: 'none',
  ports: [],
  labels: {},
  ...fields,
});

describe('parseProcStat', () => {
  it('reads pid, ppid, process group, cpu ticks and rss even with spaces and parentheses in the name', () => {
    const stat = '4242 (node (worker) x) S 1 4242 4242 0 -1 4194304 100 0 0 0 150 50 0 0 20 0 11 0 100 1000000 2560 18446744073709551615';
    expect(parseProcStat(stat)).toEqual({ pid: 4242, ppid: 1, pgrp: 4242, ticks: 200, rssPages: 2560 });
    expect(parseProcStat('garbage')).toBeUndefined();
  });
});

describe.runIf(process.platform === 'linux')('hostProcesses', () => {
  it('finds a detached process group leader and its child', async () => {
    const leader = spawn('sh', ['-c', 'sleep 30 & wait'], { detached: true, stdio: 'ignore' });
    try {
      await new Promise((r) => setTimeout(r, 200));
      const found = hostProcesses(leader.pid!);
      expect(found.map((p) => p.pid)).toContain(leader.pid);
      expect(found.some((p) => p.ppid === leader.pid && p.command.startsWith('sleep 30'))).toBe(true);
      expect(found.every((p) => p.pgrp === leader.pid)).toBe(true);
    } finally {
      process.kill(-leader.pid!, 'SIGKILL');
    }
  });
});

describe('diffContainers', () => {
  it('reports new, changed, unhealthy and removed containers', () => {
    const time = new Date(Date.UTC(2026, 0, 1));
    const before = [container('1'), container('2', { health: 'starting' }), container('3')];
    const after = [container('1', { state: 'exited', exitCode: 2 }), container('2', { health: 'healthy' }), container('4', { state: 'created' })];
    expect(diffContainers(before, after, time).map((c) => [c.action, c.id, c.state, c.health, c.exitCode])).toEqual([
      ['state', '1', 'exited', 'none', 2],
      ['health', '2', 'running', 'healthy', undefined],
      ['create', '4', 'created', 'none', undefined],
      ['remove', '3', 'removed', 'none', undefined],
    ]);
    expect(diffContainers(before, before, time)).toEqual([]);
  });
});
