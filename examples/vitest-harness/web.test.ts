/**
 * A vitest harness: `useStack` starts web + api + cache on the process runtime before the tests of
 * this file and takes it down after them. The project has no name, so each run (and each parallel
 * worker) gets a unique one. When a test fails, the stack's last log lines are printed with it.
 *
 * Run: `pnpm vitest run --project core examples/vitest-harness` (from the repository root).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it, onTestFailed } from 'vitest';
import { processRuntime } from '@selur/compose';
import { useStack } from '@selur/compose/vitest';
import { freePorts, webApiCache } from '../web-api-cache/stack.js';

const stateDir = mkdtempSync(join(tmpdir(), 'selur-vitest-harness-'));
const runtime = processRuntime({ stateDir });
const [web = 0, api = 0, cache = 0] = await freePorts(3);
const stack = useStack(webApiCache({ web, api, cache }), { runtime, timeout: 30_000 });
afterAll(async () => {
  await runtime.close?.();
  rmSync(stateDir, { recursive: true, force: true });
});

/** Prints the last log lines of every service when the current test fails. */
function logsOnFailure(): void {
  onTestFailed(async () => {
    for await (const line of stack().logs(undefined, { tail: 20 })) console.error(`${line.service} | ${line.text}`);
  });
}

it('serves the page, counting visits through api and cache', async () => {
  logsOnFailure();
  const url = stack().service('web').endpoint(web).url;
  expect(await (await fetch(url)).text()).toContain('visit number 1');
  expect(await (await fetch(url)).text()).toContain('visit number 2');
});

it('runs commands inside a service', async () => {
  logsOnFailure();
  const { exitCode, stdout } = await stack().exec('api', ['node', '-e', 'console.log(process.env.CACHE_URL)']);
  expect(exitCode).toBe(0);
  expect(stdout.trim()).toBe(`http://127.0.0.1:${cache}`);
});

it('lists one running container per service', async () => {
  logsOnFailure();
  const ps = await stack().ps();
  expect(ps.map((c) => `${c.service}:${c.state}`).sort()).toEqual(['api:running', 'cache:running', 'web:running']);
});
