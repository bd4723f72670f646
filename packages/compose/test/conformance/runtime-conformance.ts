/**
 * THE runtime conformance suite: written once against the `Runtime` port, run against every
 * runtime (process, Docker, selur). A runtime author calls
 * `describeRuntimeConformance('mine', async () => fixture)` from a `*.test.ts` file.
 *
 * Every command the suite runs is portable: POSIX `sh` scripts using only busybox applets
 * (`echo`, `cat`, `sleep`, `env`, `exit`, `trap`), so the same tests run on host processes and in a
 * `FROM scratch` + static busybox image. The fixture says how a service reads a secret and a
 * mount, and how it serves HTTP.
 *
 * @example
 * ```ts
 * // packages/docker/test/docker.conformance.test.ts
 * describeRuntimeConformance('docker', async () => ({
 *   runtime: dockerRuntime(),
 *   image: 'selur-test-busybox:latest', // FROM scratch + Debian's static busybox, built locally
 *   workingDir: await mkdtemp(join(tmpdir(), 'docker-conformance-')),
 *   httpServer: (port) => ['sh', '-c', `mkdir -p /www && echo ok > /www/index.html && exec httpd -f -p ${port} -h /www`],
 *   sh: (script) => ['sh', '-c', script],
 *   secretPath: (name) => `/run/secrets/${name}`,
 *   mountPath: (target) => target,
 *   cleanup: async () => {},
 * }));
 * ```
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isContainerNotFoundError, type ContainerInfo, type Runtime } from '@selur/compose';
import { collect, containerRequest, eventually, projectName, teardownProject, type ConformanceFixture } from './support.js';

export type { ConformanceFixture } from './support.js';

/** Registers the conformance tests of the runtime that `setup` provides. */
export function describeRuntimeConformance(name: string, setup: () => Promise<ConformanceFixture>): void {
  describe(`Runtime conformance: ${name}`, () => {
    let fixture: ConformanceFixture;
    let runtime: Runtime;
    let scratch: string;
    const projects: string[] = [];
    const project = (tag: string) => {
      const p = projectName(tag);
      projects.push(p);
      return p;
    };
    const inspect = (id: string) => runtime.inspectContainer(id);
    const until = (id: string, test: (i: ContainerInfo) => boolean, what: string, timeoutMs?: number) =>
      eventually(async () => {
        const info = await inspect(id);
        return test(info) ? info : undefined;
      }, what, timeoutMs);
    const logText = async (id: string) => (await collect(runtime.logs(id))).map((l) => l.text);
    const run = async (p: string, service: string, spec: Parameters<typeof containerRequest>[3], extra?: Parameters<typeof containerRequest>[4]) => {
      const created = await runtime.createContainer(containerRequest(fixture, p, service, spec, extra));
      return runtime.startContainer(created.id);
    };

    beforeAll(async () => {
      fixture = await setup();
      runtime = fixture.runtime;
      scratch = await mkdtemp(join(tmpdir(), 'conformance-'));
    });
    afterEach(async () => {
      await Promise.all(projects.splice(0).map((p) => teardownProject(runtime, p)));
    });
    afterAll(async () => {
      await rm(scratch, { recursive: true, force: true });
      await runtime?.close?.();
      await fixture?.cleanup();
    });

    it('names itself and declares the core capabilities', () => {
      expect(runtime.name).toMatch(/^[a-z][a-z0-9-]*$/);
      for (const capability of ['networks', 'volumes', 'ports', 'logs', 'exec'] as const) expect(runtime.capabilities.has(capability)).toBe(true);
    });

    it('runs the lifecycle create → start → inspect → stop → remove', async () => {
      const p = project('life');
      const request = containerRequest(fixture, p, 'web', { command: fixture.sh('sleep 30'), labels: { team: 'qa' } });
      const labelled = { ...request, labels: { ...request.labels, team: 'qa' } };
      const created = await runtime.createContainer(labelled);
      expect(created).toMatchObject({ project: p, service: 'web', replica: 1, name: `${p}_web_1`, state: 'created' });
      expect(created.labels['team']).toBe('qa');
      const started = await runtime.startContainer(created.id);
      expect(started.id).toBe(created.id);
      const running = await until(created.id, (i) => i.state === 'running', 'running');
      expect(running.configHash).toBe(labelled.configHash);
      expect(running.startedAt).toBeTruthy();
      await runtime.stopContainer(created.id, { timeoutMs: 5_000 });
      expect((await inspect(created.id)).state).toBe('exited');
      await runtime.stopContainer(created.id, { timeoutMs: 1_000 }); // stopping a stopped one is fine
      await runtime.removeContainer(created.id);
      const error = await inspect(created.id).then(() => undefined, (e: unknown) => e);
      expect(isContainerNotFoundError(error)).toBe(true);
      await runtime.removeContainer(created.id); // removing a missing one is fine
      expect(await runtime.listContainers(p)).toEqual([]);
    });

    it('publishes ports on 127.0.0.1 and the endpoint answers', async () => {
      const p = project('ports');
      const info = await run(p, 'http', { command: fixture.httpServer(8080), ports: [{ target: 8080, protocol: 'tcp' }] });
      const port = (await inspect(info.id)).ports.find((x) => x.target === 8080);
      expect(port).toMatchObject({ target: 8080, protocol: 'tcp', host: '127.0.0.1' });
      expect(port?.published).toBeGreaterThan(0);
      const body = await eventually(async () => {
        const response = await fetch(`http://127.0.0.1:${port?.published}/`, { signal: AbortSignal.timeout(1_000) });
        return response.status === 200 ? response.text() : undefined;
      }, 'HTTP 200 on the published port');
      expect(body).toContain('ok');
    });

    it('passes the environment to the service', async () => {
      const p = project('env');
      const info = await run(p, 'env', { command: fixture.sh('echo "GREETING=$GREETING"; sleep 30'), environment: { GREETING: 'hello world' } });
      const result = await runtime.exec(info.id, fixture.sh('echo "$GREETING"'));
      expect(result).toMatchObject({ exitCode: 0, stdout: 'hello world\n' });
      await eventually(async () => (await logText(info.id)).includes('GREETING=hello world'), 'the variable in the logs');
    });

    it('makes secrets readable as files, and never shows their content', async () => {
      const p = project('secrets');
      const file = join(scratch, 'api-key.txt');
      await writeFile(file, 's3cr3t-value');
      const info = await run(p, 'app', { command: fixture.sh('sleep 30'), secrets: ['api_key'] }, { secrets: [{ name: 'api_key', file }] });
      const result = await runtime.exec(info.id, fixture.sh(`cat "${fixture.secretPath('api_key')}"`));
      expect(result).toMatchObject({ exitCode: 0, stdout: 's3cr3t-value' });
      expect(JSON.stringify(await inspect(info.id))).not.toContain('s3cr3t-value');
    });

    it('keeps volume data across container recreation', async () => {
      const p = project('volumes');
      const volume = `${p}_data`;
      const request = { project: p, name: 'data', runtimeName: volume, spec: { driver: 'local', driver_opts: {}, labels: {}, external: false } };
      expect((await runtime.ensureVolume(request)).created).toBe(true);
      expect((await runtime.ensureVolume(request)).created).toBe(false);
      const mounts = [{ type: 'volume' as const, source: volume, target: '/data', readOnly: false }];
      const volumes = [{ type: 'volume' as const, source: 'data', target: '/data', read_only: false }];
      const writer = await run(p, 'writer', { command: fixture.sh(`echo persisted > "${fixture.mountPath('/data')}/f"`), volumes }, { mounts });
      expect((await until(writer.id, (i) => i.state === 'exited', 'writer exited')).exitCode).toBe(0);
      await runtime.removeContainer(writer.id);
      const reader = await run(p, 'reader', { command: fixture.sh(`cat "${fixture.mountPath('/data')}/f"`), volumes }, { mounts });
      expect((await until(reader.id, (i) => i.state === 'exited', 'reader exited')).exitCode).toBe(0);
      await eventually(async () => (await logText(reader.id)).includes('persisted'), 'the data written by the first container');
      expect((await runtime.listVolumes(p)).map((v) => v.runtimeName)).toEqual([volume]);
    });

    it('restarts a crashed service under on-failure:2, twice and no more', async () => {
      const p = project('onfail');
      const info = await run(p, 'crash', { command: fixture.sh('echo crash; exit 3'), restart: 'on-failure:2' });
      const final = await until(info.id, (i) => i.state === 'exited' && i.restartCount === 2, 'two restarts then exited', 20_000);
      expect(final.exitCode).toBe(3);
      await eventually(async () => (await logText(info.id)).filter((t) => t === 'crash').length === 3, 'three runs in the logs');
    });

    it('does not restart under restart "no"', async () => {
      const p = project('norestart');
      const info = await run(p, 'crash', { command: fixture.sh('exit 4'), restart: 'no' });
      const exited = await until(info.id, (i) => i.state === 'exited', 'exited');
      expect(exited.exitCode).toBe(4);
      await new Promise((r) => setTimeout(r, 400));
      expect(await inspect(info.id)).toMatchObject({ state: 'exited', restartCount: 0 });
    });

    it('restarts under "always", and a stop through the runtime does not restart it', async () => {
      const p = project('always');
      const info = await run(p, 'loop', { command: fixture.sh('echo tick; sleep 0.2; exit 0'), restart: 'always' });
      await until(info.id, (i) => (i.restartCount ?? 0) >= 1, 'a restart', 20_000);
      await runtime.stopContainer(info.id, { timeoutMs: 2_000 });
      const stopped = await until(info.id, (i) => i.state === 'exited', 'stopped');
      await new Promise((r) => setTimeout(r, 600));
      expect(await inspect(info.id)).toMatchObject({ state: 'exited', restartCount: stopped.restartCount });
    });

    it('probes health: healthy and unhealthy with output and exit code', async () => {
      const p = project('health');
      const interval = { interval: '1s', timeout: '5s', retries: 3, start_period: '0s', start_interval: '1s', disable: false } as const;
      const good = await run(p, 'good', { command: fixture.sh('sleep 30'), healthcheck: { test: ['CMD-SHELL', 'echo fine; exit 0'], ...interval } });
      const bad = await run(p, 'bad', { command: fixture.sh('sleep 30'), healthcheck: { test: ['CMD-SHELL', 'echo sick; exit 1'], ...interval } });
      await until(good.id, (i) => i.state === 'running', 'good running');
      await until(bad.id, (i) => i.state === 'running', 'bad running');
      expect(await runtime.probeHealth(good.id, { timeoutMs: 5_000 })).toMatchObject({ healthy: true, exitCode: 0 });
      const sick = await runtime.probeHealth(bad.id, { timeoutMs: 5_000 });
      expect(sick).toMatchObject({ healthy: false, exitCode: 1 });
      expect(sick.output).toContain('sick');
    });

    it('returns the last lines with tail, with their stream', async () => {
      const p = project('tail');
      const info = await run(p, 'talk', { command: fixture.sh('echo one; echo two; sleep 0.1; echo three >&2; sleep 30') });
      await eventually(async () => (await logText(info.id)).length >= 3, 'three lines');
      const tail = await collect(runtime.logs(info.id, { tail: 2 }));
      expect(tail.map((l) => [l.text, l.stream])).toEqual([['two', 'stdout'], ['three', 'stderr']]);
      expect(tail.every((l) => l.timestamp instanceof Date)).toBe(true);
    });

    it('follows logs until the process exits', async () => {
      const p = project('follow');
      const info = await run(p, 'talk', { command: fixture.sh('echo first; sleep 0.3; echo second; sleep 0.3; echo third') });
      const guard = AbortSignal.timeout(20_000);
      const lines = await collect(runtime.logs(info.id, { follow: true, signal: guard }));
      expect(guard.aborted).toBe(false); // it ended because the process exited
      expect(lines.map((l) => l.text)).toEqual(['first', 'second', 'third']);
    });

    it('stops following when the signal aborts', async () => {
      const p = project('abort');
      const info = await run(p, 'talk', { command: fixture.sh('echo hello; sleep 30') });
      const controller = new AbortController();
      const seen: string[] = [];
      const hard = setTimeout(() => controller.abort(), 15_000);
      for await (const line of runtime.logs(info.id, { follow: true, signal: controller.signal })) {
        seen.push(line.text);
        controller.abort();
      }
      clearTimeout(hard);
      expect(seen).toEqual(['hello']);
    });

    it('execs with stdout, stderr and exit code, and honours a timeout', async () => {
      const p = project('exec');
      const info = await run(p, 'box', { command: fixture.sh('sleep 30') });
      await until(info.id, (i) => i.state === 'running', 'running');
      expect(await runtime.exec(info.id, fixture.sh('echo out; echo err >&2; exit 7'))).toEqual({ exitCode: 7, stdout: 'out\n', stderr: 'err\n' });
      const slow = await runtime.exec(info.id, fixture.sh('sleep 20'), { timeoutMs: 300 }).catch((e: unknown) => e);
      expect(slow).toBeDefined();
      if (slow && typeof slow === 'object' && 'exitCode' in slow) expect(slow.exitCode).not.toBe(0);
    });

    it('lists containers by project, isolated from other projects', async () => {
      const a = project('lista');
      const b = project('listb');
      await run(a, 'web', { command: fixture.sh('sleep 30') }, { replica: 1 });
      await run(a, 'web', { command: fixture.sh('sleep 30') }, { replica: 2 });
      await run(b, 'web', { command: fixture.sh('sleep 30') });
      const listA = await runtime.listContainers(a);
      expect(listA.map((c) => [c.project, c.service, c.replica])).toEqual([[a, 'web', 1], [a, 'web', 2]]);
      expect((await runtime.listContainers(b)).map((c) => c.project)).toEqual([b]);
    });

    it('records networks: ensure twice, list, remove', async () => {
      const p = project('net');
      const request = { project: p, name: 'backend', runtimeName: `${p}_backend`, spec: { driver: 'bridge', driver_opts: {}, labels: {}, external: false } };
      const first = await runtime.ensureNetwork(request);
      expect(first.created).toBe(true);
      expect(first.info).toMatchObject({ name: 'backend', runtimeName: `${p}_backend`, project: p });
      expect((await runtime.ensureNetwork(request)).created).toBe(false);
      expect((await runtime.listNetworks(p)).map((n) => n.runtimeName)).toEqual([`${p}_backend`]);
      await runtime.removeNetwork(p, `${p}_backend`);
      expect(await runtime.listNetworks(p)).toEqual([]);
    });

    it('leaves nothing behind after teardown', async () => {
      const p = project('teardown');
      const net = `${p}_default`;
      const vol = `${p}_cache`;
      await runtime.ensureNetwork({ project: p, name: 'default', runtimeName: net, spec: { driver: 'bridge', driver_opts: {}, labels: {}, external: false } });
      await runtime.ensureVolume({ project: p, name: 'cache', runtimeName: vol, spec: { driver: 'local', driver_opts: {}, labels: {}, external: false } });
      const mounts = [{ type: 'volume' as const, source: vol, target: '/cache', readOnly: false }];
      const one = await run(p, 'one', { command: fixture.sh('sleep 30'), networks: ['default'] }, { networks: [net], mounts });
      const two = await run(p, 'two', { command: fixture.sh('sleep 30'), networks: ['default'] }, { networks: [net] });
      expect((await runtime.listContainers(p)).length).toBe(2);
      for (const c of [one, two]) {
        await runtime.stopContainer(c.id, { timeoutMs: 2_000 });
        await runtime.removeContainer(c.id);
      }
      await runtime.removeNetwork(p, net);
      await runtime.removeVolume(p, vol);
      expect(await runtime.listContainers(p)).toEqual([]);
      expect(await runtime.listNetworks(p)).toEqual([]);
      expect(await runtime.listVolumes(p)).toEqual([]);
    });
  });
}
