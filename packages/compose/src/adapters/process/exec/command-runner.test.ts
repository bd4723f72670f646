import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCommand } from './command-runner.js';
import { commandOutput } from './command-output.js';
import { inlineSpawner, ThreadSpawner, type ChildSpawner } from '../spawn/child-spawner.js';
import { ZygoteSpawner } from '../spawn/zygote.js';
import { isProcessAlive } from '../spawn/proc.js';

const ways: [string, ChildSpawner | undefined][] = [
  ['child_process, pipes', undefined],
  ['inlineSpawner, files', inlineSpawner],
  ['ThreadSpawner, files', new ThreadSpawner()],
  ['ZygoteSpawner, files', new ZygoteSpawner(inlineSpawner)],
];

describe.each(ways)('runCommand through %s', (_, spawner) => {
  const base = { cwd: process.cwd(), env: process.env, spawner };

  it('returns stdout, stderr and the exit code', async () => {
    expect(await runCommand(['sh', '-c', 'echo o; echo e >&2; exit 3'], base)).toEqual({ exitCode: 3, stdout: 'o\n', stderr: 'e\n', timedOut: false });
  });

  it('kills the whole group on timeout and says so with exit code 124', async () => {
    const result = await runCommand(['sh', '-c', 'sleep 30 & echo $!; wait'], { ...base, timeoutMs: 200 });
    expect(result).toMatchObject({ exitCode: 124, timedOut: true });
    const background = Number(result.stdout.trim());
    for (let i = 0; i < 50 && isProcessAlive(background); i++) await new Promise((r) => setTimeout(r, 10));
    expect(isProcessAlive(background)).toBe(false); // zombies count as gone
  });

  it('rejects with the reason when the signal aborts, and kills the command', async () => {
    const controller = new AbortController();
    const folder = mkdtempSync(join(tmpdir(), 'runner-abort-'));
    try {
      const pidFile = join(folder, 'pid');
      const running = runCommand(['sh', '-c', `echo $$ > ${pidFile}; exec sleep 30`], { ...base, signal: controller.signal });
      for (let i = 0; i < 300 && !existsSync(pidFile); i++) await new Promise((r) => setTimeout(r, 10));
      controller.abort(new Error('stop it'));
      await expect(running).rejects.toThrow('stop it');
      const pid = Number(readFileSync(pidFile, 'utf8'));
      for (let i = 0; i < 100 && isProcessAlive(pid); i++) await new Promise((r) => setTimeout(r, 10));
      expect(isProcessAlive(pid)).toBe(false);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('kills a command aborted the moment it starts (before it may have made its own process group)', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'runner-early-abort-'));
    try {
      for (let i = 0; i < 5; i++) {
        const pidFile = join(folder, `pid-${i}`);
        const controller = new AbortController();
        const running = runCommand(['sh', '-c', `echo $$ > ${pidFile}; exec sleep 30`], { ...base, signal: controller.signal });
        setImmediate(() => controller.abort(new Error('early')));
        await expect(running).rejects.toThrow('early');
      }
      await new Promise((r) => setTimeout(r, 300)); // a command that escaped would have written its pid by now
      for (let i = 0; i < 5; i++) {
        const pidFile = join(folder, `pid-${i}`);
        if (!existsSync(pidFile)) continue; // killed before it ran the shell
        const pid = Number(readFileSync(pidFile, 'utf8'));
        for (let j = 0; j < 100 && isProcessAlive(pid); j++) await new Promise((r) => setTimeout(r, 10));
        expect(isProcessAlive(pid)).toBe(false);
      }
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('reports a missing program as exit code 127 and keeps only the end of long output', async () => {
    expect((await runCommand(['/no/such/program'], base)).exitCode).toBe(127);
    const long = await runCommand(['sh', '-c', 'i=0; while [ $i -lt 500 ]; do echo line$i; i=$((i+1)); done'], { ...base, maxOutput: 20 });
    expect(long.stdout.length).toBe(20);
    expect(long.stdout.endsWith('line499\n')).toBe(true);
  });

  it('kills what the command left running in its group once it exits', async () => {
    const result = await runCommand(['sh', '-c', 'sleep 30 >/dev/null 2>&1 & echo $!'], base);
    expect(result.exitCode).toBe(0);
    const background = Number(result.stdout.trim());
    for (let i = 0; i < 100 && isProcessAlive(background); i++) await new Promise((r) => setTimeout(r, 10));
    expect(isProcessAlive(background)).toBe(false);
  });

  if (spawner) {
    it('leaves no output file behind, nor its folder once no command runs', async () => {
      const slow = runCommand(['sh', '-c', 'sleep 0.3; echo slow'], base);
      const probe = commandOutput();
      const folder = dirname(probe.out);
      probe.remove();
      expect(existsSync(folder)).toBe(true); // the slow command still runs
      await runCommand(['sh', '-c', 'echo o; echo e >&2'], base);
      await runCommand(['/no/such/program'], base);
      expect((await slow).stdout).toBe('slow\n');
      expect(existsSync(folder)).toBe(false);
    });
  }
});
