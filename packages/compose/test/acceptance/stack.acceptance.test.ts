/**
 * Issue 3, the Stack handle on processRuntime: replica-aware endpoints, merged and prefixed logs
 * (tail, follow, since), exec, ps, scale up and down, stop/start/restart, down({ volumes }),
 * `await using`.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { Project, Wait, isInvalidArgumentError, type StackLogLine } from '@selur/compose';
import { FAST, NODE, cleanup, idle, printer, recording, runtime, server, stateDir, uniqueName } from './support.js';

afterEach(cleanup);

const get = async (url: string) => (await fetch(url, { signal: AbortSignal.timeout(5_000) })).text();

describe('Stack (issue 3)', () => {
  test('endpoint per replica, scale up and down, ps reads the real state', async () => {
    const rt = runtime();
    const project = new Project(uniqueName('scale')).service('web', (s) => s.command(server()).port('0:8080').env({ GREETING: 'w' }).deploy({ replicas: 2 }).waitFor(Wait.forPort(8080)));
    const stack = await project.up({ ...FAST, runtime: rt });
    const one = stack.service('web').endpoint(8080);
    const two = stack.service('web').endpoint(8080, { replica: 2 });
    expect(one.host).toBe('127.0.0.1');
    expect(one.url).toBe(`http://127.0.0.1:${one.port}`);
    expect(two.port).not.toBe(one.port);
    expect(await get(one.url)).toBe('hello w');
    expect(await get(two.url)).toBe('hello w');
    expect(isInvalidArgumentError((() => { try { stack.service('web').endpoint(8080, { replica: 3 }); } catch (e) { return e; } })())).toBe(true);
    expect(isInvalidArgumentError((() => { try { stack.service('web').endpoint(9999); } catch (e) { return e; } })())).toBe(true);

    await stack.scale('web', 3);
    expect((await stack.ps()).filter((c) => c.state === 'running').map((c) => c.replica).sort()).toEqual([1, 2, 3]);
    expect(await get(stack.service('web').endpoint(8080, { replica: 3 }).url)).toBe('hello w');
    await stack.scale('web', 1);
    expect((await stack.ps()).map((c) => c.replica)).toEqual([1]);
    expect(stack.service('web').endpoint(8080).port).toBe(one.port);
    await stack.down();
    expect(await rt.listContainers(project.name)).toEqual([]);
  });

  test('logs: merged and prefixed, tail, since, follow', async () => {
    const rt = runtime();
    const flag = join(stateDir(), 'flag');
    const project = new Project(uniqueName('logs'))
      .service('a', (s) => s.command(printer('a1', 'a2', 'a3')).waitFor(Wait.forLog('a3')))
      .service('b', (s) => s.command([NODE, '-e', `console.log('b1'); console.log('b2'); const t = setInterval(() => { if (require('fs').existsSync(${JSON.stringify(flag)})) { console.log('late'); clearInterval(t); setInterval(() => {}, 1000); } }, 10)`]).waitFor(Wait.forLog('b2')));
    const stack = await project.up({ ...FAST, runtime: rt });
    const all: StackLogLine[] = [];
    for await (const l of stack.logs()) all.push(l);
    expect(all.map((l) => `${l.service}#${l.replica}:${l.stream}:${l.text}`).sort()).toEqual(['a#1:stdout:a1', 'a#1:stdout:a2', 'a#1:stdout:a3', 'b#1:stdout:b1', 'b#1:stdout:b2']);
    for (const l of all) expect(l.timestamp).toBeInstanceOf(Date);
    const tail: string[] = [];
    for await (const l of stack.logs('a', { tail: 2 })) tail.push(l.text);
    expect(tail).toEqual(['a2', 'a3']);
    const future: string[] = [];
    for await (const l of stack.logs(undefined, { since: new Date(Date.now() + 60_000) })) future.push(l.text);
    expect(future).toEqual([]);

    // follow: sees a line written after it started, and ends when aborted. `since` (not `tail: 0`)
    // marks where it starts: the follower subscribes after a few awaits, and on a loaded machine
    // 'late' (printed within 10 ms of the flag) can already be history by then — `tail: 0` would
    // drop it, `since` keeps it, live or not.
    const controller = new AbortController();
    const seen: string[] = [];
    const from = new Date();
    const following = (async () => {
      for await (const l of stack.logs('b', { follow: true, since: from, signal: controller.signal })) {
        seen.push(l.text);
        if (l.text === 'late') controller.abort();
      }
    })();
    writeFileSync(flag, 'x');
    const guard = setTimeout(() => controller.abort(), 10_000);
    await following;
    clearTimeout(guard);
    expect(seen).toEqual(['late']);
    // since: only what came after a moment between b2 and late.
    const b2 = all.find((l) => l.text === 'b2')?.timestamp as Date;
    const afterB2: string[] = [];
    for await (const l of stack.logs('b', { since: new Date(b2.getTime() + 1) })) afterB2.push(l.text);
    expect(afterB2).toEqual(['late']);
    await stack.down();
  });

  test('exec returns stdout, stderr and exit code', async () => {
    const rt = runtime();
    await using stack = await new Project(uniqueName('exec')).service('box', { command: idle(), environment: { WHO: 'box' } }).up({ ...FAST, runtime: rt });
    expect(await stack.exec('box', ['sh', '-c', 'echo "hi $WHO"; echo oops >&2; exit 5'])).toEqual({ exitCode: 5, stdout: 'hi box\n', stderr: 'oops\n' });
    expect((await stack.exec('box', [NODE, '-e', 'console.log(1)'])).stdout).toBe('1\n');
  });

  test('stop, start and restart read back through ps; stop order is dependants first', async () => {
    const rt = runtime();
    const order: string[] = [];
    const project = new Project(uniqueName('lifecycle'))
      .service('db', (s) => s.command(server()).port('0:5432').waitFor(Wait.forPort(5432)))
      .service('api', (s) => s.command(server()).port('0:8080').dependsOn('db', { condition: 'healthy' }).waitFor(Wait.forPort(8080)));
    const stack = await project.up({ ...FAST, runtime: rt, onEvent: (e) => { if (e.type === 'service.stopped') order.push(e.service); } });
    const states = async () => Object.fromEntries((await stack.ps()).map((c) => [c.service, c.state]));
    await stack.stop();
    expect(await states()).toEqual({ api: 'exited', db: 'exited' });
    await stack.start();
    expect(await states()).toEqual({ api: 'running', db: 'running' });
    expect(await get(stack.service('api').endpoint(8080).url)).toBe('hello ');
    const before = (await stack.ps()).find((c) => c.service === 'db')?.pid;
    await stack.restart(['db']);
    const after = (await stack.ps()).find((c) => c.service === 'db');
    expect(after?.state).toBe('running');
    expect(after?.pid).not.toBe(before);
    await stack.down();
    expect(order.slice(0, 2)).toEqual(['api', 'db']);
  });

  test('down keeps volumes unless asked; down({ volumes: true }) removes them', async () => {
    const dir = stateDir();
    const rt = runtime(dir);
    const name = uniqueName('volumes');
    const project = () => new Project(name).volume('data').service('a', { command: idle(), volumes: ['data:/data'] });
    const stack = await project().up({ ...FAST, runtime: rt });
    expect((await rt.listVolumes(name)).map((v) => v.name)).toEqual(['data']);
    await stack.down();
    expect(await rt.listContainers(name)).toEqual([]);
    expect((await rt.listVolumes(name)).map((v) => v.name)).toEqual(['data']);
    const again = await project().up({ ...FAST, runtime: rt });
    await again.down({ volumes: true });
    expect(await rt.listVolumes(name)).toEqual([]);
    expect(await rt.listNetworks(name)).toEqual([]);
  });

  test('await using takes the stack down at the end of the scope', async () => {
    const rt = runtime();
    const name = uniqueName('using');
    {
      await using stack = await new Project(name).service('a', { command: idle() }).up({ ...FAST, runtime: rt });
      expect((await stack.ps()).map((c) => c.state)).toEqual(['running']);
    }
    expect(await rt.listContainers(name)).toEqual([]);
  });

  test('down is graceful, then forced after the timeout, for a service that ignores SIGTERM', async () => {
    const rt = runtime();
    const name = uniqueName('stubborn');
    const stubborn = [NODE, '-e', "process.on('SIGTERM', () => console.log('ignoring SIGTERM')); console.log('up'); setInterval(() => {}, 1000)"];
    const stack = await new Project(name).service('s', (s) => s.command(stubborn).waitFor(Wait.forLog('up'))).up({ ...FAST, runtime: rt });
    const pid = (await stack.ps())[0]?.pid;
    await stack.down({ timeout: 200 });
    expect(await rt.listContainers(name)).toEqual([]);
    expect(pid).toBeDefined();
    expect(() => process.kill(pid as number, 0)).toThrow();
  });

  test('refresh and ps read back a service that died behind the stack', async () => {
    const rt = runtime();
    const stack = await new Project(uniqueName('refresh')).service('a', { command: idle() }).up({ ...FAST, runtime: rt });
    const pid = (await stack.ps())[0]?.pid as number;
    process.kill(-pid, 'SIGKILL');
    let state: string | undefined;
    for (let i = 0; i < 100 && state !== 'exited'; i += 1) {
      await stack.refresh();
      state = stack.service('a').containers()[0]?.state;
      if (state !== 'exited') await new Promise((r) => setTimeout(r, 20));
    }
    expect(state).toBe('exited');
    await stack.down();
  });

  test('onHealthy resolves once a service is ready', async () => {
    const { runtime: rt, calls } = recording(runtime());
    const stack = await new Project(uniqueName('onhealthy')).service('a', (s) => s.command(server(30)).port('0:8080').waitFor(Wait.forPort(8080))).up({ ...FAST, runtime: rt, wait: false });
    calls.length = 0;
    await stack.onHealthy('a');
    expect(calls).toEqual([]);
    expect(await get(stack.service('a').endpoint(8080).url)).toBe('hello ');
    await stack.down();
  });
});
