/**
 * A `node:test` harness — no test framework to install: `before` starts web + api + cache on the
 * process runtime, `after` takes the stack down (`await using` does the same inside one test).
 * The project has no name, so parallel runs never collide. When a test fails, the stack's last
 * log lines are printed with it.
 *
 * Run: `node --import tsx --test examples/node-test-harness/web.node-test.ts` (from the repository root).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import { processRuntime, type Stack } from '@selur/compose';
import { freePorts, webApiCache } from '../web-api-cache/stack.js';

const stateDir = mkdtempSync(join(tmpdir(), 'selur-node-test-harness-'));
const runtime = processRuntime({ stateDir });
const [web = 0, api = 0, cache = 0] = await freePorts(3);
const project = webApiCache({ web, api, cache });

/** Runs `body`, printing the stack's last log lines when it throws. */
async function logsOnFailure(stack: Stack, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    for await (const line of stack.logs(undefined, { tail: 20 })) console.error(`${line.service} | ${line.text}`);
    throw error;
  }
}

describe('web + api + cache', () => {
  let stack: Stack;
  before(async () => {
    stack = await project.up({ runtime, timeout: 30_000 });
  });
  after(async () => {
    await stack?.down();
    await runtime.close?.();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('serves the page, counting visits through api and cache', () =>
    logsOnFailure(stack, async () => {
      const url = stack.service('web').endpoint(web).url;
      assert.match(await (await fetch(url)).text(), /visit number 1/);
      assert.match(await (await fetch(url)).text(), /visit number 2/);
    }));

  it('runs commands inside a service', () =>
    logsOnFailure(stack, async () => {
      const { exitCode, stdout } = await stack.exec('api', ['node', '-e', 'console.log(process.env.CACHE_URL)']);
      assert.equal(exitCode, 0);
      assert.equal(stdout.trim(), `http://127.0.0.1:${cache}`);
    }));

  it('lists one running container per service', async (t: TestContext) => {
    const ps = await stack.ps();
    t.assert.deepStrictEqual(ps.map((c) => `${c.service}:${c.state}`).sort(), ['api:running', 'cache:running', 'web:running']);
  });
});

describe('a stack for one test', () => {
  it('is taken down when the block ends (await using)', async () => {
    const [port = 0] = await freePorts(1);
    const own = processRuntime({ stateDir: mkdtempSync(join(tmpdir(), 'selur-node-test-own-')) });
    let name = '';
    {
      await using single = await webApiCache({ web: port, api: (await freePorts(1))[0] ?? 0, cache: (await freePorts(1))[0] ?? 0 }).up({ runtime: own, services: ['cache'] });
      name = single.name;
      assert.equal((await single.ps()).length, 1);
    }
    assert.deepEqual(await own.listContainers(name), []);
    await own.close?.();
    rmSync(own.stateDir, { recursive: true, force: true });
  });
});
