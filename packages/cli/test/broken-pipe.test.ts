/**
 * `selur-compose config | head -1`: the reader closes standard output while the CLI still writes.
 * Node ignores SIGPIPE, so the failed write used to be an unhandled 'error' event: a stack trace
 * on stderr and exit 1. It now ends quietly with 141 (128 + SIGPIPE), as a shell shows a program
 * SIGPIPE ended.
 */
import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { BINARY, workspace } from './support/cli.js';

const ws = workspace('selur-cli-pipe-');
// ~360 KB of JSON: far more than a pipe holds (64 KB), so writes go on after the reader is gone
const services = Array.from({ length: 600 }, (_, i) => `[services.s${i}]\nimage = "registry.example.com/org/s.ctp"\ncommand = ["sleep", "60"]\nenvironment = { A = "${'x'.repeat(60)}" }\n`);
ws.write('compose.toml', `version = "1.0"\n${services.join('\n')}`);
afterAll(() => ws.remove());

describe('standard output closed by its reader', () => {
  it('ends the command with 141 and no stack trace', async () => {
    const child = spawn(BINARY, ['config', '--format', 'json'], { cwd: ws.dir, env: { ...process.env, ...ws.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let first = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.stdout.setEncoding('utf8').once('data', (chunk: string) => {
      first = chunk;
      child.stdout.destroy(); // the reader goes away after its first read, as head -1 does
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    clearTimeout(timer);
    expect(first.startsWith('{')).toBe(true);
    expect(stderr).toBe('');
    expect(code).toBe(141);
  });
});
