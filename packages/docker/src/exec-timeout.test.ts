import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dockerRuntime } from './docker-runtime.js';
import { EXEC_TIMEOUT_EXIT_CODE } from './exec.js';
import type { DockerRuntime } from './options.js';

/**
 * An exec's timeout counts from the command's start, as Docker counts a healthcheck probe's: a
 * fake engine on a unix socket answers the exec's start late (a busy engine) or runs the command
 * past its timeout. Nothing loops: each request is answered once; the late answer is bounded.
 */
let dir: string;
let server: http.Server;
let runtime: DockerRuntime;
/** How the fake engine answers POST /exec/e1/start. */
let startAnswer: 'late' | 'open';
/** Answer to GET /exec/e1/json. */
let execState: { Running: boolean; Pid: number; ExitCode: number | null };
/** Where the late answer waits: released by the test. */
let releaseStart: () => void;
let startAsked: () => void;
let startAskedFor: Promise<void>;
let startAborted: boolean;
let child: ChildProcess | undefined;

/** One frame of Docker's multiplexed stream (stdout). */
const frame = (text: string) => {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = 1;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
};

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'selur-exec-timeout-'));
  startAborted = false;
  startAskedFor = new Promise((resolve) => (startAsked = resolve));
  execState = { Running: false, Pid: 0, ExitCode: 0 };
  server = http.createServer(async (req, res) => {
    const path = (req.url ?? '').replace(/^\/v1\.\d+/, '').split('?')[0] as string;
    const send = (status: number, body?: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json', 'api-version': '1.41' });
      res.end(body === undefined ? undefined : JSON.stringify(body));
    };
    if (path === '/_ping') return send(200, 'OK');
    if (path === '/containers/c1/exec' && req.method === 'POST') return send(201, { Id: 'e1' });
    if (path === '/exec/e1/json') return send(200, execState);
    if (path === '/exec/e1/start' && req.method === 'POST') {
      req.resume();
      res.on('close', () => (startAborted = !res.writableEnded));
      startAsked();
      if (startAnswer === 'late') {
        await new Promise<void>((resolve) => {
          releaseStart = resolve;
          setTimeout(resolve, 5_000); // bounded, whatever the test does
        });
        if (res.destroyed) return;
        res.writeHead(200, { 'content-type': 'application/vnd.docker.multiplexed-stream' });
        res.end(frame('ok\n'));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/vnd.docker.multiplexed-stream' });
      res.write(frame('started\n')); // and never ends: the command runs on
      return;
    }
    return send(500, { message: `unexpected ${req.method} ${path}` });
  });
  await new Promise<void>((resolve) => server.listen(join(dir, 'engine.sock'), resolve));
  runtime = dockerRuntime({ host: `unix://${join(dir, 'engine.sock')}` });
});

afterEach(async () => {
  child?.kill('SIGKILL');
  child = undefined;
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

describe('an exec timeout, counted as Docker counts a probe\'s', () => {
  it('does not count the wait for the engine to start the command', async () => {
    startAnswer = 'late';
    const result = runtime.exec('c1', ['true'], { timeoutMs: 100 });
    await startAskedFor;
    // Held for three times the timeout: counted from the request, the exec would have timed out.
    await new Promise((resolve) => setTimeout(resolve, 300));
    releaseStart();
    expect(await result).toEqual({ exitCode: 0, stdout: 'ok\n', stderr: '' });
    expect(startAborted).toBe(false);
  });

  it('still cuts off a command that runs past its timeout once started', async () => {
    startAnswer = 'open';
    // The engine's pid for the exec: a process of this host running the very command, started now.
    child = spawn('sleep', ['30'], { stdio: 'ignore' });
    execState = { Running: true, Pid: child.pid ?? 0, ExitCode: null };
    const result = await runtime.exec('c1', ['sleep', '30'], { timeoutMs: 150 });
    expect(result.exitCode).toBe(EXEC_TIMEOUT_EXIT_CODE);
    expect(result.stdout).toBe('started\n');
    expect(result.stderr).toMatch(/timed out after 150 ms/);
  });
});
