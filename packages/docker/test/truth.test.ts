/**
 * Issue 14 on Docker (the engine observes containers through the Runtime port, so what the
 * process runtime does here Docker gets too): a service that exits right after it starts fails
 * `up()` with ServiceExitedError; after `up()` a crash is a `service.exited` event.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import { Project, isPortConflictError, isServiceExitedError, type ComposeEvent } from '@selur/compose';
import { dockerRuntime } from '@selur/compose-docker';
import { TEST_IMAGE, ensureTestImage, sweep, uniqueProject } from './support/engine.js';
import { rawEngine } from './support/raw-engine.js';

const runtime = dockerRuntime({ init: true });
const names: string[] = [];
const project = (prefix: string) => {
  const name = uniqueProject(prefix);
  names.push(name);
  return new Project(name);
};

beforeAll(async () => {
  await ensureTestImage(runtime);
});
afterAll(async () => {
  for (const name of names) await sweep(runtime, name);
  await runtime.close();
});

describe('a service that dies is noticed, on Docker', () => {
  it('a service without a healthcheck that exits 3 right after it starts fails up() with its exit code and logs', async () => {
    const p = project('dies').service('crash', (s) => s.image(TEST_IMAGE).command(['sh', '-c', 'echo about to exit; exit 3']));
    let error: unknown;
    try {
      await p.up({ runtime, stableFor: 60_000 });
    } catch (e) {
      error = e;
    }
    expect(isServiceExitedError(error)).toBe(true);
    if (!isServiceExitedError(error)) return;
    expect(error.service).toBe('crash');
    expect(error.exitCode).toBe(3);
    expect(error.logs).toContain('about to exit');
  });

  it('after up(), a crash is a service.exited event with the exit code, and ps shows it', async () => {
    const events: ComposeEvent[] = [];
    const p = project('after').service('worker', (s) => s.image(TEST_IMAGE).command(['sh', '-c', 'while [ ! -f /tmp/die ]; do sleep 0.05; done; exit 5']));
    const stack = await p.up({ runtime, onEvent: (e) => events.push(e) });
    try {
      await stack.exec('worker', ['touch', '/tmp/die']);
      const deadline = Date.now() + 30_000;
      while (!events.some((e) => e.type === 'service.exited') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(events.find((e) => e.type === 'service.exited')).toMatchObject({ service: 'worker', exitCode: 5 });
      expect((await stack.ps())[0]).toMatchObject({ state: 'exited', exitCode: 5 });
    } finally {
      await stack.down();
    }
  });
});

/** A free TCP port on 127.0.0.1 (bound to 0, then released). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('a port clash is never a success, on Docker', () => {
  const web = (name: string, port: number) => project(name).service('web', (s) => s.image(TEST_IMAGE).command(['httpd', '-f', '-p', '8080', '-h', '/www']).port(`${port}:8080`));

  it('stack b with the fixed host port of running stack a fails with PortConflictError naming both projects, before anything of b is created', async () => {
    const port = await freePort();
    const a = web('clash-a', port);
    const stackA = await a.up({ runtime });
    try {
      const b = web('clash-b', port);
      const events: ComposeEvent[] = [];
      const error = await rejection(b.up({ runtime, onEvent: (e) => events.push(e) }));
      expect(isPortConflictError(error)).toBe(true);
      if (!isPortConflictError(error)) return;
      expect(error.port).toBe(port);
      expect(error.service).toBe('web');
      expect(error.project).toBe(b.name);
      expect(error.heldBy).toEqual({ project: a.name, service: 'web' });
      expect(error.message).toContain(`'${a.name}'`);
      expect(events.filter((e) => e.type === 'service.created')).toEqual([]);
      expect(await runtime.listContainers(b.name)).toEqual([]);
      expect((await stackA.ps())[0]?.state).toBe('running');
    } finally {
      await stackA.down();
    }
  });

  it("a port published by a container outside any of our stacks (Docker Compose's, say) is a conflict named by its labels", async () => {
    const port = await freePort();
    const name = uniqueProject('foreign');
    const created = await rawEngine<{ Id: string }>('POST', `/containers/create?name=${name}`, {
      Image: TEST_IMAGE,
      Cmd: ['httpd', '-f', '-p', '8080', '-h', '/www'],
      Labels: { 'com.docker.compose.project': 'legacy', 'com.docker.compose.service': 'api' },
      ExposedPorts: { '8080/tcp': {} },
      HostConfig: { PortBindings: { '8080/tcp': [{ HostIp: '127.0.0.1', HostPort: String(port) }] } },
    });
    expect(created.status).toBe(201);
    try {
      expect((await rawEngine('POST', `/containers/${created.json.Id}/start`)).status).toBe(204);
      const b = web('clash-c', port);
      const error = await rejection(b.up({ runtime }));
      expect(isPortConflictError(error)).toBe(true);
      if (!isPortConflictError(error)) return;
      expect(error.port).toBe(port);
      expect(error.heldBy).toEqual({ project: 'legacy', service: 'api' });
      expect(await runtime.listContainers(b.name)).toEqual([]);
    } finally {
      await rawEngine('DELETE', `/containers/${created.json.Id}?force=true`);
    }
  });

  it('a port a host process holds is a conflict before anything is created', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      const b = web('clash-host', port);
      const error = await rejection(b.up({ runtime }));
      expect(isPortConflictError(error)).toBe(true);
      if (!isPortConflictError(error)) return;
      expect(error.port).toBe(port);
      expect(error.project).toBe(b.name);
      expect(await runtime.listContainers(b.name)).toEqual([]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
