import { readFileSync } from 'node:fs';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isComposeError, isPortConflictError, isServiceFailureError, type PortConflictError } from '@selur/compose';
import {
  dockerRuntime,
  isBundleNotRunnableError,
  isDockerDaemonUnreachableError,
  isImageNotFoundError,
} from '@selur/compose-docker';
import { LABEL_STOP_SIGNAL } from '../src/stop-signal.js';
import { watchExit } from '../src/exit-watch.js';
import { containerRequest, ensureTestImage, sweep, testRuntime, uniqueProject } from './support/engine.js';
import { eventually, rawEngine } from './support/raw-engine.js';

const runtime = testRuntime();
const project = uniqueProject('life');

beforeAll(() => ensureTestImage(runtime));
afterAll(async () => {
  await sweep(runtime, project);
  await runtime.close();
});

const TRAP = (signal: string, code: number) => `trap "exit ${code}" ${signal}; echo ready; while true; do sleep 0.05; done`;

async function started(service: string, script: string, spec: Parameters<typeof containerRequest>[2] = {}) {
  const created = await runtime.createContainer(containerRequest(project, service, { command: ['sh', '-c', script], ...spec }));
  const info = await runtime.startContainer(created.id);
  // Wait for the shell to install its trap.
  await eventually(async () => {
    for await (const line of runtime.logs(info.id)) if (line.text === 'ready') return true;
    return undefined;
  });
  return info;
}

describe('stop and remove', () => {
  it('tells when the container\'s process has ended, truthfully, once, and never after the stop settled', async () => {
    const info = await started('exit-told', TRAP('TERM', 0));
    const pid = (await runtime.inspectContainer(info.id)).pid;
    expect(pid).toBeGreaterThan(0);
    const told: string[] = [];
    let settled = false;
    await runtime.stopContainer(info.id, {
      timeoutMs: 5000,
      onExited: () => {
        // at that moment the process is gone or a zombie: never a live process
        let state = 'gone';
        try {
          const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
          state = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0] ?? '';
        } catch {
          // gone
        }
        told.push(`${state}${settled ? ' after settle' : ''}`);
      },
    });
    settled = true;
    expect(told.length).toBeLessThanOrEqual(1);
    for (const t of told) expect(['gone', 'Z']).toContain(t);
    expect(await runtime.inspectContainer(info.id)).toMatchObject({ state: 'exited', exitCode: 0 });
  });

  it('watches only a pid whose cgroup names the container, until the stop settles', async () => {
    const info = await started('exit-watch', TRAP('TERM', 0));
    const pid = (await runtime.inspectContainer(info.id)).pid ?? 0;
    // this test process is not the container: nothing is watched, nothing told
    let toldForeign = false;
    await watchExit(info.id, process.pid, new AbortController().signal, () => (toldForeign = true));
    expect(toldForeign).toBe(false);
    // aborted first (the stop settled): nothing told either
    const aborted = new AbortController();
    aborted.abort();
    let toldAborted = false;
    await watchExit(info.id, pid, aborted.signal, () => (toldAborted = true));
    expect(toldAborted).toBe(false);
    // the container's own pid: told once its process ends
    let told = 0;
    const watching = watchExit(info.id, pid, new AbortController().signal, () => told++);
    await runtime.stopContainer(info.id, { timeoutMs: 5000 });
    await watching;
    expect(told).toBe(1);
  });

  it('stops gracefully with the stop signal, and stopping again is fine', async () => {
    const info = await started('graceful', TRAP('TERM', 0));
    await runtime.stopContainer(info.id, { timeoutMs: 5000 });
    expect(await runtime.inspectContainer(info.id)).toMatchObject({ state: 'exited', exitCode: 0, ports: [] });
    await runtime.stopContainer(info.id, { timeoutMs: 5000 });
    await runtime.removeContainer(info.id);
    await expect(runtime.inspectContainer(info.id)).rejects.toMatchObject({ code: 'E_CONTAINER_NOT_FOUND' });
  });

  it('sends a given signal first', async () => {
    const info = await started('signal', TRAP('INT', 7));
    await runtime.stopContainer(info.id, { timeoutMs: 5000, signal: 'SIGINT' });
    expect(await runtime.inspectContainer(info.id)).toMatchObject({ state: 'exited', exitCode: 7 });
  });

  it('forces (SIGKILL) after the grace period', async () => {
    const info = await started('stubborn', 'trap "" TERM; echo ready; while true; do sleep 0.05; done');
    const before = Date.now();
    await runtime.stopContainer(info.id, { timeoutMs: 0 });
    expect(await runtime.inspectContainer(info.id)).toMatchObject({ state: 'exited', exitCode: 137 });
    expect(Date.now() - before).toBeLessThan(5000);
  });

  it('with init, a command without signal handlers stops on SIGTERM at once', async () => {
    const withInit = dockerRuntime({ init: true });
    try {
      const created = await withInit.createContainer(containerRequest(project, 'init', { command: ['sleep', '30'] }));
      await withInit.startContainer(created.id);
      const before = Date.now();
      await withInit.stopContainer(created.id, { timeoutMs: 10_000 });
      expect(Date.now() - before).toBeLessThan(5_000);
      expect(await withInit.inspectContainer(created.id)).toMatchObject({ state: 'exited', exitCode: 143 });
    } finally {
      await withInit.close();
    }
  });

  it('a stop with the configured signal keeps a restart: always container stopped', async () => {
    const info = await started('always', TRAP('TERM', 0), { restart: 'always' });
    await runtime.stopContainer(info.id, { timeoutMs: 5000, signal: 'SIGTERM' });
    const stopped = await runtime.inspectContainer(info.id);
    expect(stopped).toMatchObject({ state: 'exited', exitCode: 0 });
    await new Promise((r) => setTimeout(r, 500));
    expect(await runtime.inspectContainer(info.id)).toMatchObject({ state: 'exited', restartCount: stopped.restartCount });
    const other = await started('always-int', TRAP('INT', 0), { restart: 'always' });
    await runtime.stopContainer(other.id, { timeoutMs: 5000, signal: 'SIGINT' });
    await new Promise((r) => setTimeout(r, 500));
    expect(await runtime.inspectContainer(other.id)).toMatchObject({ state: 'exited' });
  });

  it('removes a running container with force', async () => {
    const created = await runtime.createContainer(containerRequest(project, 'forced', { command: ['sleep', '30'] }));
    await runtime.startContainer(created.id);
    await runtime.removeContainer(created.id, { force: true });
    expect((await runtime.listContainers(project)).map((c) => c.id)).not.toContain(created.id);
  });
});

describe('restart policy', () => {
  it('restarts a crashing container under on-failure:N', async () => {
    const created = await runtime.createContainer(containerRequest(project, 'crashy', { command: ['sh', '-c', 'echo boom; exit 3'], restart: 'on-failure:2' }));
    await runtime.startContainer(created.id);
    const done = await eventually(
      async () => {
        const info = await runtime.inspectContainer(created.id);
        return info.state === 'exited' && info.restartCount === 2 ? info : undefined;
      },
      { timeoutMs: 15_000, intervalMs: 100 },
    );
    expect(done.exitCode).toBe(3);
    const raw = await rawEngine<{ HostConfig: { RestartPolicy: unknown } }>('GET', `/containers/${created.id}/json`);
    expect(raw.json.HostConfig.RestartPolicy).toEqual({ Name: 'on-failure', MaximumRetryCount: 2 });
  });
});

describe('typed errors', () => {
  it('refuses a .ctp bundle: no image layers, suggests an OCI image or the selur runtime', async () => {
    const error = await runtime.createContainer(containerRequest(project, 'bundle', { image: './dist/api.ctp' })).catch((e: unknown) => e);
    expect(isBundleNotRunnableError(error)).toBe(true);
    expect(error).toMatchObject({ code: 'E_CTP_ON_DOCKER', service: 'bundle' });
    expect((error as Error).message).toMatch(/no image layers/);
    expect((error as Error).message).toMatch(/OCI image/);
    expect((error as Error).message).toMatch(/selur runtime/);
  });

  it('tries to pull a missing image once, then names the service', async () => {
    const error = await runtime
      .createContainer(containerRequest(project, 'ghost', { image: 'selur-compose-test/does-not-exist:1' }))
      .catch((e: unknown) => e);
    expect(isImageNotFoundError(error)).toBe(true);
    expect(error).toMatchObject({ code: 'E_IMAGE_NOT_FOUND', service: 'ghost', image: 'selur-compose-test/does-not-exist:1' });
    expect((error as Error).message).toMatch(/no registry reachable/);
    expect((await runtime.listContainers(project)).map((c) => c.service)).not.toContain('ghost');
  });

  it('reports a taken host port as a port conflict', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const created = await runtime.createContainer(
        containerRequest(project, 'clash', { command: ['sleep', '30'], ports: [{ target: 80, published: port, protocol: 'tcp' }] }),
      );
      const error = await runtime.startContainer(created.id).catch((e: unknown) => e);
      expect(isPortConflictError(error)).toBe(true);
      expect(isServiceFailureError(error)).toBe(true);
      expect(error).toMatchObject({ code: 'E_PORT_CONFLICT', port, service: 'clash' });
      expect((error as PortConflictError).message).toContain(`127.0.0.1:${port}`);
    } finally {
      server.close();
    }
  });

  it('says the daemon is unreachable, naming the socket and what to do', async () => {
    for (const host of ['unix:///tmp/selur-no-such-docker.sock', 'tcp://127.0.0.1:1']) {
      const lost = dockerRuntime({ host });
      const error = await lost.listContainers(project).catch((e: unknown) => e);
      expect(isDockerDaemonUnreachableError(error)).toBe(true);
      expect(isComposeError(error)).toBe(true);
      expect((error as Error).message).toContain(host.replace(/\/$/, ''));
      expect((error as Error).message).toMatch(/dockerd|DOCKER_HOST/);
      await lost.close();
    }
  });

  it('honours DOCKER_HOST', async () => {
    const saved = process.env['DOCKER_HOST'];
    process.env['DOCKER_HOST'] = 'unix:///tmp/selur-env-docker.sock';
    try {
      const fromEnv = dockerRuntime();
      expect(fromEnv.host).toBe('unix:///tmp/selur-env-docker.sock');
      await expect(fromEnv.version()).rejects.toSatisfy(isDockerDaemonUnreachableError);
      await fromEnv.close();
    } finally {
      if (saved === undefined) delete process.env['DOCKER_HOST'];
      else process.env['DOCKER_HOST'] = saved;
    }
  });
});

describe('container configuration', () => {
  it('maps user, working_dir, read_only, stop signal and grace, resources, labels', async () => {
    const created = await runtime.createContainer(
      containerRequest(project, 'configured', {
        command: ['sleep', '30'],
        user: '1000:1000',
        working_dir: '/tmp',
        read_only: true,
        stop_signal: 'SIGINT',
        stop_grace_period: '1m30s',
        restart: 'unless-stopped',
        deploy: { replicas: 1, strategy: 'rolling', resources: { limits: { cpus: 0.5, memory: '64m', pids: 50 }, reservations: { memory: '32m' } } },
      }),
    );
    const raw = await rawEngine<{
      Config: { User: string; WorkingDir: string; StopSignal: string; StopTimeout: number; Cmd: string[]; Labels: Record<string, string> };
      HostConfig: { ReadonlyRootfs: boolean; NanoCpus: number; Memory: number; MemoryReservation: number; PidsLimit: number; RestartPolicy: { Name: string } };
    }>('GET', `/containers/${created.id}/json`);
    expect(raw.json.Config).toMatchObject({ User: '1000:1000', WorkingDir: '/tmp', StopSignal: 'SIGINT', StopTimeout: 90, Cmd: ['sleep', '30'] });
    // the stop signal is labelled too: a listing tells it (a later down needs no inspection)
    expect(raw.json.Config.Labels[LABEL_STOP_SIGNAL]).toBe('SIGINT');
    expect(raw.json.HostConfig).toMatchObject({
      ReadonlyRootfs: true,
      NanoCpus: 500_000_000,
      Memory: 64 * 1024 * 1024,
      MemoryReservation: 32 * 1024 * 1024,
      PidsLimit: 50,
      RestartPolicy: { Name: 'unless-stopped' },
    });
    const info = await runtime.startContainer(created.id);
    expect((await runtime.exec(info.id, ['id', '-u'])).stdout.trim()).toBe('1000');
    expect((await runtime.exec(info.id, ['touch', '/tmp/x'])).exitCode).not.toBe(0);
    await runtime.removeContainer(info.id, { force: true });
  });
});
