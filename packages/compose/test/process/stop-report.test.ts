/**
 * Issue 14, the down stall at ~400 services: a stop waited up to 2 s for the spawner's report of
 * each process's exit, and under load those reports trailed the processes' end, so hundreds of
 * stops stalled together. A stop now waits for the report only while the process is there: once
 * it is gone (reaped) and no report follows within a moment, the stop records the exit itself.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inlineSpawner, type ChildSpawner, type SpawnedChild } from '../../src/adapters/process/spawn/child-spawner.js';
import { LogBuffer } from '../../src/adapters/process/logs/buffer.js';
import { ContainerRecords } from '../../src/adapters/process/state/records.js';
import { StateStore } from '../../src/adapters/process/state/store.js';
import type { ContainerRecord } from '../../src/adapters/process/state/types.js';
import { stopContainer } from '../../src/adapters/process/supervision/stop.js';
import { Supervisor } from '../../src/adapters/process/supervision/supervisor.js';
import { alive } from './support.js';

/** A spawner whose exit reports never come (as when the spawner's helper lags far behind). */
const silentSpawner: ChildSpawner = {
  spawn: async (request) => {
    const child = await inlineSpawner.spawn(request);
    const silent: SpawnedChild = { ...child, exited: new Promise(() => undefined) };
    return silent;
  },
  spawnHeld: (request) => inlineSpawner.spawnHeld(request),
  spawnCommand: (request) => inlineSpawner.spawnCommand(request),
  warm: () => undefined,
};

describe('a stop does not wait for a lagging exit report', () => {
  let dir: string;
  let pid: number | undefined;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stop-report-'));
  });
  afterEach(async () => {
    if (pid !== undefined && alive(pid)) process.kill(-pid, 'SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });

  it('records the exit itself once the process is gone and no report came', async () => {
    const records = new ContainerRecords(new StateStore(dir));
    const files = { out: join(dir, 'c.out'), err: join(dir, 'c.err'), index: join(dir, 'c.log'), exit: join(dir, 'c.exit') };
    const id = 'stoprep.0123456789abcdef';
    const supervisor = new Supervisor(id, new LogBuffer(100), files, async () => undefined, silentSpawner);
    const base = {
      id,
      name: 'stoprep_web_1',
      project: 'stoprep',
      service: 'web',
      replica: 1,
      configHash: 'h',
      image: 'x',
      labels: {},
      command: ['sleep', '30'],
      cwd: dir,
      env: {},
      ports: [],
      mounts: [],
      restart: 'no',
      stopSignal: 'SIGTERM',
      stopGraceMs: 5_000,
      state: 'created',
      desired: 'running',
      createdAt: new Date().toISOString(),
      restartCount: 0,
      health: 'none',
    } satisfies ContainerRecord;
    const started = await supervisor.spawn(base);
    pid = started.pid;
    await records.add({ ...base, state: 'running', pid: started.pid, pidStartTime: started.startTime, startedAt: new Date().toISOString() });

    await stopContainer(records, id, { timeoutMs: 5_000 }, supervisor);

    expect(alive(started.pid)).toBe(false);
    expect(supervisor.runs(started.pid)).toBe(true); // the spawner never said so
    // `sleep` dies of the SIGTERM: 143 when its end could still be read, else not known (never made up)
    const recorded = await records.get(id);
    expect(recorded?.state).toBe('exited');
    expect([143, undefined]).toContain(recorded?.exitCode);
  });
});
