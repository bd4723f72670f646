/**
 * A Jest harness: `beforeAll` starts the web + api + cache stack (read from the Compose YAML file
 * of ../web-api-cache) on the process runtime, `afterAll` takes it down. The project gets a name of
 * its own per run, so parallel Jest workers never collide. When a test fails, the last log lines of
 * every service are printed with it.
 *
 * Plain JavaScript (ES modules), so Jest needs no transform:
 *   node --experimental-vm-modules examples/node_modules/jest/bin/jest.js --config examples/jest-harness/jest.config.mjs
 * (`@selur/compose/vitest` imports vitest: under Jest, use `up`/`down` as here.)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { loadProject, processRuntime } from '@selur/compose';

/** Asks the OS for a free TCP port on 127.0.0.1. */
const freePort = () =>
  new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

const file = fileURLToPath(new URL('../web-api-cache/compose.yaml', import.meta.url));
const stateDir = mkdtempSync(join(tmpdir(), 'selur-jest-harness-'));
const runtime = processRuntime({ stateDir });
let stack;
let ports;

/** Runs `body`, printing the stack's last log lines when it throws. */
async function logsOnFailure(body) {
  try {
    await body();
  } catch (error) {
    for await (const line of stack.logs(undefined, { tail: 20 })) console.error(`${line.service} | ${line.text}`);
    throw error;
  }
}

describe('web + api + cache', () => {
  beforeAll(async () => {
    ports = { WEB_PORT: await freePort(), API_PORT: await freePort(), CACHE_PORT: await freePort() };
    const project = await loadProject(file, { env: Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])), projectName: `jest-${process.pid}` });
    stack = await project.up({ runtime, timeout: 30_000 });
  }, 60_000);

  afterAll(async () => {
    await stack?.down();
    await runtime.close?.();
    rmSync(stateDir, { recursive: true, force: true });
  }, 60_000);

  it('serves the page, counting visits through api and cache', () =>
    logsOnFailure(async () => {
      const { url } = stack.service('web').endpoint(ports.WEB_PORT);
      expect(await (await fetch(url)).text()).toContain('visit number 1');
      expect(await (await fetch(url)).text()).toContain('visit number 2');
    }));

  it('lists one running container per service', async () => {
    const ps = await stack.ps();
    expect(ps.map((c) => `${c.service}:${c.state}`).sort()).toEqual(['api:running', 'cache:running', 'web:running']);
  });
});
