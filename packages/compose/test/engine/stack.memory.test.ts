import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Project, Wait, isHealthTimeoutError, isInvalidArgumentError, type ComposeEvent } from '@selur/compose';
import { FAST, memory, recorder, rejection } from './helpers.js';

describe('the Stack handle', () => {
  test('logs (merged, tail), exec, ps, stop/start/restart, onHealthy', async () => {
    const runtime = memory({ a: { logs: ['a1', 'a2', 'a3'] }, b: { logs: ['b1'], exec: (cmd) => ({ exitCode: 7, stdout: `ran ${cmd.join(' ')}`, stderr: 'warn' }) } });
    const project = new Project().service('a', { command: ['a'] }).service('b', { command: ['b'], depends_on: ['a'] });
    const stack = await project.up({ ...FAST, runtime });
    const lines: string[] = [];
    for await (const l of stack.logs()) lines.push(`${l.service}/${l.replica}:${l.text}`);
    expect(lines.sort()).toEqual(['a/1:a1', 'a/1:a2', 'a/1:a3', 'b/1:b1']);
    const tail: string[] = [];
    for await (const l of stack.logs('a', { tail: 2 })) tail.push(l.text);
    expect(tail).toEqual(['a2', 'a3']);
    expect(await stack.exec('b', ['echo', 'hi'])).toEqual({ exitCode: 7, stdout: 'ran echo hi', stderr: 'warn' });
    expect(isInvalidArgumentError(await rejection(stack.exec('nope', ['x'])))).toBe(true);

    const rec = recorder();
    const events = stack.events();
    await stack.stop();
    expect((await stack.ps()).map((c) => c.state)).toEqual(['exited', 'exited']);
    await stack.start(['b']);
    expect((await stack.ps()).map((c) => `${c.service}:${c.state}`).sort()).toEqual(['a:exited', 'b:running']);
    await stack.restart();
    expect((await stack.ps()).every((c) => c.state === 'running')).toBe(true);
    await stack.onHealthy('a');
    await stack.stop(['b']);
    const pending = stack.onHealthy('b');
    const controller = new AbortController();
    const aborted = stack.onHealthy('b', { signal: controller.signal });
    controller.abort(new Error('gave up'));
    await expect(aborted).rejects.toThrow('gave up');
    await stack.start(['b']);
    await pending;
    await stack.down();
    for await (const e of events) rec.onEvent(e);
    const stops = rec.types((e) => e.type === 'service.stopped');
    expect(stops.slice(0, 2)).toEqual(['service.stopped:b', 'service.stopped:a']);
    expect(rec.events.at(-1)?.type).toBe('down.done');
  });

  test('down goes dependants first; await using disposes', async () => {
    const runtime = memory();
    const rec = recorder();
    const project = new Project().service('db', { command: ['db'] }).service('api', { command: ['api'], depends_on: ['db'] }).service('web', { command: ['w'], depends_on: ['api'] });
    {
      await using stack = await project.up({ ...FAST, runtime, onEvent: rec.onEvent });
      expect(stack.services()).toHaveLength(3);
    }
    expect(rec.types((e) => e.type === 'service.stopped')).toEqual(['service.stopped:web', 'service.stopped:api', 'service.stopped:db']);
    expect(rec.types((e) => e.type === 'service.removed').sort()).toEqual(['service.removed:api', 'service.removed:db', 'service.removed:web']);
    expect(runtime.all()).toEqual([]);
  });

  test('down stops a dependency once its dependants stopped, without waiting for their removal', async () => {
    const runtime = memory();
    const project = new Project().service('db', { command: ['db'] }).service('api', { command: ['api'], depends_on: ['db'] });
    const stack = await project.up({ ...FAST, runtime });
    const ids = new Map((await stack.ps()).map((c) => [c.id, c.service]));
    const log: string[] = [];
    const remove = runtime.removeContainer.bind(runtime);
    runtime.removeContainer = async (id, options) => {
      log.push(`remove ${ids.get(id)}`);
      if (ids.get(id) === 'api') await new Promise((r) => setTimeout(r, 100)); // a slow removal
      await remove(id, options);
      log.push(`removed ${ids.get(id)}`);
    };
    const stop = runtime.stopContainer.bind(runtime);
    runtime.stopContainer = async (id, options) => {
      log.push(`stop ${ids.get(id)}`);
      await stop(id, options);
    };
    await stack.down();
    expect(log.indexOf('stop api')).toBeLessThan(log.indexOf('stop db'));
    expect(log.indexOf('stop db')).toBeLessThan(log.indexOf('removed api')); // db did not wait for api's removal
    expect(log).toContain('removed db');
    expect(runtime.all()).toEqual([]);
  });

  test('reuse: a warm stack survives disposal and is adopted without changes', async () => {
    const runtime = memory();
    const name = `warm-${Math.random().toString(16).slice(2, 8)}`;
    const make = () => new Project(name).service('db', { command: ['db'] });
    {
      await using _stack = await make().up({ ...FAST, runtime, reuse: true });
    }
    expect(runtime.all()).toHaveLength(1);
    const before = runtime.mutatingCalls().length;
    const stack = await make().up({ ...FAST, runtime, reuse: true });
    expect(runtime.mutatingCalls().length).toBe(before);
    await stack.down();
    expect(runtime.all()).toEqual([]);
  });

  test('project.events() streams every run; a slow consumer does not block and sees gaps through seq', async () => {
    const runtime = memory();
    const project = new Project().service('a', { command: ['a'] });
    const controller = new AbortController();
    const stream = project.events({ signal: controller.signal, bufferSize: 3 });
    const stack = await project.up({ ...FAST, runtime });
    await stack.down();
    controller.abort();
    const seen: ComposeEvent[] = [];
    for await (const e of stream) seen.push(e);
    expect(seen.map((e) => e.type)).toEqual(['service.removed', 'network.removed', 'down.done']);
    expect(seen[0]?.seq).toBeGreaterThan(3);
  });

  test('project.down from another "process" (a fresh Project with only the name) removes everything', async () => {
    const runtime = memory();
    const name = `other-${Math.random().toString(16).slice(2, 8)}`;
    await new Project(name).volume('data').service('a', { command: ['a'], volumes: ['data:/d'] }).service('b', { command: ['b'], depends_on: ['a'] }).up({ ...FAST, runtime });
    const result = await new Project(name).down({ runtime, volumes: true });
    expect(result).toEqual({ removedContainers: 2, removedNetworks: 1, removedVolumes: 1 });
    expect(runtime.all()).toEqual([]);
  });
});

describe('port and http wait strategies against a real loopback server', () => {
  let server: Server;
  let port = 0;
  let ready = false;
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/health') {
        res.statusCode = ready ? 200 : 503;
        res.end(ready ? 'status: ok' : 'starting');
      } else res.end('hello');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  test('port wait connects to the published host port; http wait checks status and body', async () => {
    const runtime = memory({ api: { publish: () => port }, web: { publish: () => port } });
    setTimeout(() => (ready = true), 20);
    const project = new Project()
      .service('api', (s) => s.command(['a']).port('0:8080').waitFor(Wait.forPort(8080)))
      .service('web', (s) => s.command(['w']).port('0:80').waitFor(Wait.forHttp('/health', { port: 80, status: 200, body: /ok/ })));
    const stack = await project.up({ ...FAST, runtime });
    expect(stack.service('web').endpoint(80).port).toBe(port);
    await stack.down();
  });

  test('an http wait that never passes times out with the last answer', async () => {
    const runtime = memory({ web: { publish: () => port } });
    const project = new Project().service('web', (s) => s.command(['w']).port('0:80').waitFor(Wait.forHttp('/health', { port: 80, body: 'never-there' }).withTimeout(50)));
    const error = await rejection(project.up({ ...FAST, runtime }));
    expect(isHealthTimeoutError(error)).toBe(true);
    if (isHealthTimeoutError(error)) expect(error.healthOutput).toMatch(/GET \/health → (200|503)/);
    expect(runtime.all()).toEqual([]);
  });
});
