/**
 * The supervisor's own knowledge of its process: what a listing of hundreds of containers asks
 * instead of reading /proc once per container.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inlineSpawner } from '../../src/adapters/process/spawn/child-spawner.js';
import { LogBuffer } from '../../src/adapters/process/logs/buffer.js';
import type { ContainerRecord } from '../../src/adapters/process/state/types.js';
import { Supervisor } from '../../src/adapters/process/supervision/supervisor.js';
import { alive, waitFor, within } from './support.js';

describe('Supervisor.runs', () => {
  let dir: string;
  let supervisor: Supervisor;
  let exits: number[];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'supervisor-'));
    exits = [];
    const files = { out: join(dir, 'c.out'), err: join(dir, 'c.err'), index: join(dir, 'c.log'), exit: join(dir, 'c.exit') };
    supervisor = new Supervisor('c', new LogBuffer(100), files, async (_started, code) => void exits.push(code), inlineSpawner);
  });

  afterEach(async () => {
    const pid = supervisor.current?.pid;
    if (pid !== undefined && alive(pid)) process.kill(-pid, 'SIGKILL');
    supervisor.stopTailing();
    await rm(dir, { recursive: true, force: true });
  });

  /** A record with only what spawn() reads. */
  const record = (command: string[]): ContainerRecord => ({ id: 'c', service: 'svc', command, cwd: dir, env: {} }) as Partial<ContainerRecord> as ContainerRecord;

  it('knows nothing before a spawn, and nothing of another pid', () => {
    expect(supervisor.runs(process.pid)).toBeUndefined();
    expect(supervisor.runs(undefined)).toBeUndefined();
  });

  it('says its process runs from the spawn until the spawner reports the exit, then that it does not', async () => {
    const started = await supervisor.spawn(record(['sleep', '30']));
    expect(alive(started.pid)).toBe(true);
    expect(supervisor.runs(started.pid)).toBe(true);
    expect(supervisor.runs(started.pid + 1)).toBeUndefined(); // not its process: the caller asks the system
    process.kill(-started.pid, 'SIGKILL');
    await waitFor(() => supervisor.runs(started.pid) === false, 'the exit to be reported', 3_000);
    expect(alive(started.pid)).toBe(false);
    await within(supervisor.exited, 3_000, 'the exit to be handled');
    expect(exits).toEqual([137]);
    expect(supervisor.runs(started.pid)).toBe(false);
  });
});
