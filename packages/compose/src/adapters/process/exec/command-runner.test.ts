import { describe, expect, it } from 'vitest';
import { runCommand } from './command-runner.js';
import { isProcessAlive } from '../spawn/proc.js';

const base = { cwd: process.cwd(), env: process.env };

describe('runCommand', () => {
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

  it('rejects with the reason when the signal aborts', async () => {
    const controller = new AbortController();
    const running = runCommand(['sleep', '30'], { ...base, signal: controller.signal });
    setTimeout(() => controller.abort(new Error('stop it')), 50);
    await expect(running).rejects.toThrow('stop it');
  });

  it('reports a missing program as exit code 127 and keeps only the end of long output', async () => {
    expect((await runCommand(['/no/such/program'], base)).exitCode).toBe(127);
    const long = await runCommand(['sh', '-c', 'i=0; while [ $i -lt 500 ]; do echo line$i; i=$((i+1)); done'], { ...base, maxOutput: 20 });
    expect(long.stdout.length).toBe(20);
    expect(long.stdout.endsWith('line499\n')).toBe(true);
  });
});
