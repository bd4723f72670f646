import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import setup from './leak-guard.js';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

afterEach(() => {
  process.exitCode = undefined;
});

it('fails the run naming what a test left running, and kills it; what ran before the run is not its business', async () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'leak-guard-'));
  const marked = (project: string) => spawn('sleep', ['30'], { env: { ...process.env, SELUR_COMPOSE_STATE_DIR: stateDir, SELUR_COMPOSE_PROJECT: project, SELUR_COMPOSE_SERVICE: 'web' } });
  const before = marked('earlier');
  await new Promise((r) => before.once('spawn', r));
  try {
    const teardown = setup();
    const leaked = marked('leaky');
    await new Promise((r) => leaked.once('spawn', r));
    const gone = new Promise((r) => leaked.once('exit', r));
    expect(() => teardown()).toThrow(/1 service process\(es\) outlived the test run; killed now\. A test left a stack running: project 'leaky' service 'web'/);
    expect(process.exitCode).toBe(1);
    await gone;
    expect(alive(before.pid!)).toBe(true);
    process.exitCode = undefined;
    expect(() => setup()()).not.toThrow(); // nothing new since
  } finally {
    before.kill('SIGKILL');
    rmSync(stateDir, { recursive: true, force: true });
  }
});
