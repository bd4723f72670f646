/**
 * Issue 14, "signals in scripts": a deploy script whose stack came up with `handleSignals: true`
 * tears it down when it gets SIGINT or SIGTERM — also while `up` still waits — and then ends by
 * that signal. Without the option the script ends and leaves its services running.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, test } from 'vitest';
import { cleanup, runtime, stateDir, uniqueName } from './support.js';

afterEach(cleanup);

const script = fileURLToPath(new URL('./fixtures/up-signals.ts', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

/** Runs the script; once it printed `ready` (a JSON key), sends `signal`; resolves with how it ended (bounded: SIGKILL after 60 s). */
function runAndSignal(dir: string, project: string, mode: 'up' | 'hang', ready: string, signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, dir, project, mode], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (ready in (JSON.parse(line) as Record<string, unknown>)) child.kill(signal);
  });
  return new Promise((resolve) =>
    child.once('exit', (code, sig) => {
      clearTimeout(timer);
      resolve({ code, signal: sig, stderr });
    }),
  );
}

describe('handleSignals (issue 14)', () => {
  test('SIGINT to a script whose stack is up takes the stack down, then the script ends by SIGINT', async () => {
    const dir = stateDir();
    const name = uniqueName('sigint');
    const ended = await runAndSignal(dir, name, 'up', 'up', 'SIGINT');
    expect(ended.signal, ended.stderr).toBe('SIGINT');
    expect(await runtime(dir).listContainers(name)).toEqual([]);
  });

  test('SIGTERM while up() still waits for a service cancels the up, rolls back what it made, and ends the script by SIGTERM', async () => {
    const dir = stateDir();
    const name = uniqueName('sigterm');
    const ended = await runAndSignal(dir, name, 'hang', 'started', 'SIGTERM');
    expect(ended.signal, ended.stderr).toBe('SIGTERM');
    expect(await runtime(dir).listContainers(name)).toEqual([]);
  });
});
