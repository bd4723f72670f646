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
 * Capability-aware: the optional {@link ConformanceProfile} says, before anything runs, which
 * capabilities the runtime must declare and whether its backend really executes commands. A test
 * that needs what the runtime lacks is registered with `it.skipIf` (and listed, with the reason, by
 * the summary test); every capability the runtime lacks gets a test proving that the matching
 * method throws an `UnsupportedOperationError` naming it. Without a profile: the full suite.
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
 * // a runtime on a fake backend that records commands but runs none:
 * describeRuntimeConformance('selur', setup, { capabilities: ['networks', 'volumes', 'ports'], executes: false, exitCodes: false });
 * ```
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isContainerNotFoundError, isUnsupportedOperationError, type ContainerInfo, type Runtime, type RuntimeCapability } from '@selur/compose';
import {
  collect,
  ConformancePlan,
  containerRequest,
  eventually,
  projectName,
  refusal,
  SUITE_CAPABILITIES,
  teardownProject,
  type ConformanceFixture,
  type ConformanceProfile,
  type Need,
  type SuiteCapability,
} from './support.js';

export type { BackendConfig, ConformanceFixture, ConformanceProfile, SuiteCapability } from './support.js';
export { SUITE_CAPABILITIES } from './support.js';

const noDriverOpts = { driver_opts: {}, labels: {}, external: false };

/** Registers the conformance tests of the runtime that `setup` provides, as far as `profile` says it goes. */
export function describeRuntimeConformance(name: string, setup: () => Promise<ConformanceFixture>, profile: ConformanceProfile = {}): void {
  const plan = new ConformancePlan(profile);
  const exitCodes = profile.exitCodes ?? true;
  /** A test that runs only when the runtime meets `needs`; otherwise skipped and listed with why. */
  const test = (title: string, needs: readonly Need[], fn: () => Promise<void> | void, timeout?: number) => {
    it.skipIf(!plan.add(title, needs))(title, fn, timeout);
  };

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
    const until = (id: string, check: (i: ContainerInfo) => boolean, what: string, timeoutMs?: number) =>
      eventually(async () => {
        const info = await inspect(id);
        return check(info) ? info : undefined;
      }, what, timeoutMs);
    const logText = async (id: string) => (await collect(runtime.logs(id))).map((l) => l.text);
    const run = async (p: string, service: string, spec: Parameters<typeof containerRequest>[3], extra?: Parameters<typeof containerRequest>[4]) => {
      const created = await runtime.createContainer(containerRequest(fixture, p, service, spec, extra));
      return runtime.startContainer(created.id);
    };
    /** The exit code, where the runtime reports them; otherwise it must not invent one. */
    const expectExitCode = (info: ContainerInfo, code: number) => expect(info.exitCode).toBe(exitCodes ? code : undefined);
    const backend = (id: string) => {
      if (!profile.backendConfig) throw new Error('no backendConfig in the profile');
      return profile.backendConfig(id);
    };
    const secretFile = async (content: string) => {
      const file = join(scratch, `secret-${Math.random().toString(36).slice(2)}.txt`);
      await writeFile(file, content);
      return file;
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
      if (scratch) await rm(scratch, { recursive: true, force: true });
      await runtime?.close?.();
      await fixture?.cleanup();
    });

    test('names itself and declares the capabilities the fixture expects', [], () => {
      expect(runtime.name).toMatch(/^[a-z][a-z0-9-]*$/);
      const claimed = plan.checked().filter((c) => runtime.capabilities.has(c));
      const expected = plan.checked().filter((c) => plan.capabilities.has(c));
      expect(claimed).toEqual(expected);
      for (const core of ['networks', 'volumes'] as const) expect(runtime.capabilities.has(core)).toBe(true);
    });

    test('runs the lifecycle create → start → inspect → stop → remove', [], async () => {
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
      expect(running.labels['team']).toBe('qa');
      expect(running.startedAt).toBeTruthy();
      await runtime.stopContainer(created.id, { timeoutMs: 5_000 });
      const stopped = await inspect(created.id);
      expect(stopped.state).toBe('exited');
      if (!exitCodes) expect(stopped.exitCode).toBeUndefined();
      await runtime.stopContainer(created.id, { timeoutMs: 1_000 }); // stopping a stopped one is fine
      await runtime.removeContainer(created.id);
      const error = await inspect(created.id).then(() => undefined, (e: unknown) => e);
      expect(isContainerNotFoundError(error)).toBe(true);
      await runtime.removeContainer(created.id); // removing a missing one is fine
      expect(await runtime.listContainers(p)).toEqual([]);
    });

    const publish = async (p: string, command: string[]) => {
      const published = await fixture.hostPort?.(8080);
      const info = await run(p, 'http', { command, ports: [{ target: 8080, protocol: 'tcp', ...(published === undefined ? {} : { published }) }] });
      const port = (await inspect(info.id)).ports.find((x) => x.target === 8080);
      expect(port).toMatchObject({ target: 8080, protocol: 'tcp', host: '127.0.0.1' });
      expect(port?.published).toBeGreaterThan(0);
      if (published !== undefined) expect(port?.published).toBe(published);
      return port?.published;
    };

    test('publishes ports on 127.0.0.1 and reports the host port', ['ports'], async () => {
      await publish(project('portmap'), fixture.sh('sleep 30'));
    });

    test('publishes ports on 127.0.0.1 and the endpoint answers', ['ports', 'executes'], async () => {
      const published = await publish(project('ports'), fixture.httpServer(8080));
      const body = await eventually(async () => {
        const response = await fetch(`http://127.0.0.1:${published}/`, { signal: AbortSignal.timeout(1_000) });
        return response.status === 200 ? response.text() : undefined;
      }, 'HTTP 200 on the published port');
      expect(body).toContain('ok');
    });

    test('passes the environment to the service', ['exec.output', 'logs', 'executes'], async () => {
      const p = project('env');
      const info = await run(p, 'env', { command: fixture.sh('echo "GREETING=$GREETING"; sleep 30'), environment: { GREETING: 'hello world' } });
      const result = await runtime.exec(info.id, fixture.sh('echo "$GREETING"'));
      expect(result).toMatchObject({ exitCode: 0, stdout: 'hello world\n' });
      await eventually(async () => (await logText(info.id)).includes('GREETING=hello world'), 'the variable in the logs');
    });

    test('hands the environment to the backend', ['backend-view'], async () => {
      const info = await run(project('envcfg'), 'env', { command: fixture.sh('sleep 30'), environment: { GREETING: 'hello world' } });
      expect((await backend(info.id)).environment).toMatchObject({ GREETING: 'hello world' });
    });

    test('makes secrets readable as files, and never shows their content', ['secrets', 'exec.output', 'executes'], async () => {
      const file = await secretFile('s3cr3t-value');
      const info = await run(project('secrets'), 'app', { command: fixture.sh('sleep 30'), secrets: [{ source: 'api_key' }] }, { secrets: [{ name: 'api_key', file }] });
      const result = await runtime.exec(info.id, fixture.sh(`cat "${fixture.secretPath('api_key')}"`));
      expect(result).toMatchObject({ exitCode: 0, stdout: 's3cr3t-value' });
      expect(JSON.stringify(await inspect(info.id))).not.toContain('s3cr3t-value');
    });

    test('never shows a secret\'s content in inspect or list', ['secrets'], async () => {
      const p = project('secretinfo');
      const file = await secretFile('s3cr3t-value');
      const info = await run(p, 'app', { command: fixture.sh('sleep 30'), secrets: [{ source: 'api_key' }] }, { secrets: [{ name: 'api_key', file }] });
      expect(JSON.stringify(await inspect(info.id))).not.toContain('s3cr3t-value');
      expect(JSON.stringify(await runtime.listContainers(p))).not.toContain('s3cr3t-value');
    });

    test('hands secrets to the backend as read-only files at the secret path, not their content', ['secrets', 'backend-view'], async () => {
      const file = await secretFile('s3cr3t-value');
      const info = await run(project('secretcfg'), 'app', { command: fixture.sh('sleep 30'), secrets: [{ source: 'api_key' }] }, { secrets: [{ name: 'api_key', file }] });
      const config = await backend(info.id);
      expect(config.mounts).toContainEqual({ source: file, target: fixture.secretPath('api_key'), readOnly: true });
      expect(JSON.stringify(config)).not.toContain('s3cr3t-value');
    });

    test('ensures volumes: created once, listed by project, removed', ['volumes'], async () => {
      const p = project('vol');
      const volume = `${p}_data`;
      const request = { project: p, name: 'data', runtimeName: volume, spec: { driver: 'local', ...noDriverOpts } };
      const first = await runtime.ensureVolume(request);
      expect(first.created).toBe(true);
      expect(first.info).toMatchObject({ name: 'data', runtimeName: volume, project: p });
      expect((await runtime.ensureVolume(request)).created).toBe(false);
      expect((await runtime.listVolumes(p)).map((v) => [v.name, v.runtimeName])).toEqual([['data', volume]]);
      await runtime.removeVolume(p, volume);
      expect(await runtime.listVolumes(p)).toEqual([]);
    });

    test('hands volume and bind mounts to the backend', ['volumes', 'bind-mounts', 'backend-view'], async () => {
      const p = project('mountcfg');
      const volume = `${p}_data`;
      await runtime.ensureVolume({ project: p, name: 'data', runtimeName: volume, spec: { driver: 'local', ...noDriverOpts } });
      const mounts = [
        { type: 'volume' as const, source: volume, target: '/data', readOnly: false },
        { type: 'bind' as const, source: scratch, target: '/conf', readOnly: true },
      ];
      const info = await run(p, 'app', { command: fixture.sh('sleep 30') }, { mounts });
      const config = await backend(info.id);
      expect(config.mounts).toContainEqual({ source: volume, target: '/data', readOnly: false });
      expect(config.mounts).toContainEqual({ source: scratch, target: '/conf', readOnly: true });
    });

    test('keeps volume data across container recreation', ['volumes', 'executes'], async () => {
      const p = project('volumes');
      const volume = `${p}_data`;
      const request = { project: p, name: 'data', runtimeName: volume, spec: { driver: 'local', ...noDriverOpts } };
      expect((await runtime.ensureVolume(request)).created).toBe(true);
      expect((await runtime.ensureVolume(request)).created).toBe(false);
      const mounts = [{ type: 'volume' as const, source: volume, target: '/data', readOnly: false }];
      const volumes = [{ type: 'volume' as const, source: 'data', target: '/data', read_only: false }];
      const writer = await run(p, 'writer', { command: fixture.sh(`echo persisted > "${fixture.mountPath('/data')}/f"`), volumes }, { mounts });
      expectExitCode(await until(writer.id, (i) => i.state === 'exited', 'writer exited'), 0);
      await runtime.removeContainer(writer.id);
      const reader = await run(p, 'reader', { command: fixture.sh(`cat "${fixture.mountPath('/data')}/f"`), volumes }, { mounts });
      expectExitCode(await until(reader.id, (i) => i.state === 'exited', 'reader exited'), 0);
      if (plan.capabilities.has('logs')) await eventually(async () => (await logText(reader.id)).includes('persisted'), 'the data written by the first container');
      expect((await runtime.listVolumes(p)).map((v) => v.runtimeName)).toEqual([volume]);
    });

    test('restarts a crashed service under on-failure:2, twice and no more', ['restart-policy', 'executes'], async () => {
      const info = await run(project('onfail'), 'crash', { command: fixture.sh('echo crash; exit 3'), restart: 'on-failure:2' });
      const final = await until(info.id, (i) => i.state === 'exited' && i.restartCount === 2, 'two restarts then exited', 20_000);
      expectExitCode(final, 3);
      if (plan.capabilities.has('logs')) await eventually(async () => (await logText(info.id)).filter((t) => t === 'crash').length === 3, 'three runs in the logs');
    });

    test('does not restart under restart "no"', ['restart-policy', 'executes'], async () => {
      const info = await run(project('norestart'), 'crash', { command: fixture.sh('exit 4'), restart: 'no' });
      expectExitCode(await until(info.id, (i) => i.state === 'exited', 'exited'), 4);
      await new Promise((r) => setTimeout(r, 400));
      expect(await inspect(info.id)).toMatchObject({ state: 'exited', restartCount: 0 });
    });

    test('restarts under "always", and a stop through the runtime does not restart it', ['restart-policy', 'executes'], async () => {
      const info = await run(project('always'), 'loop', { command: fixture.sh('echo tick; sleep 0.2; exit 0'), restart: 'always' });
      await until(info.id, (i) => (i.restartCount ?? 0) >= 1, 'a restart', 20_000);
      await runtime.stopContainer(info.id, { timeoutMs: 2_000 });
      const stopped = await until(info.id, (i) => i.state === 'exited', 'stopped');
      await new Promise((r) => setTimeout(r, 600));
      expect(await inspect(info.id)).toMatchObject({ state: 'exited', restartCount: stopped.restartCount });
    });

    test('hands the restart policy to the backend', ['restart-policy', 'backend-view'], async () => {
      const p = project('restartcfg');
      const always = await run(p, 'always', { command: fixture.sh('sleep 30'), restart: 'always' });
      const never = await run(p, 'never', { command: fixture.sh('sleep 30'), restart: 'no' });
      expect((await backend(always.id)).restart).toBe('always');
      expect((await backend(never.id)).restart).toBe('no');
    });

    test('probes health: healthy and unhealthy with output and exit code', ['health', 'executes'], async () => {
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

    test('returns the last lines with tail, with their stream', ['logs', 'executes'], async () => {
      const info = await run(project('tail'), 'talk', { command: fixture.sh('echo one; echo two; sleep 0.1; echo three >&2; sleep 30') });
      await eventually(async () => (await logText(info.id)).length >= 3, 'three lines');
      const tail = await collect(runtime.logs(info.id, { tail: 2 }));
      expect(tail.map((l) => [l.text, l.stream])).toEqual([['two', 'stdout'], ['three', 'stderr']]);
      expect(tail.every((l) => l.timestamp instanceof Date)).toBe(true);
    });

    test('follows logs until the process exits', ['logs.follow', 'executes'], async () => {
      const info = await run(project('follow'), 'talk', { command: fixture.sh('echo first; sleep 0.3; echo second; sleep 0.3; echo third') });
      const guard = AbortSignal.timeout(20_000);
      const lines = await collect(runtime.logs(info.id, { follow: true, signal: guard }));
      expect(guard.aborted).toBe(false); // it ended because the process exited
      expect(lines.map((l) => l.text)).toEqual(['first', 'second', 'third']);
    });

    test('stops following when the signal aborts', ['logs.follow', 'executes'], async () => {
      const info = await run(project('abort'), 'talk', { command: fixture.sh('echo hello; sleep 30') });
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

    test('execs with stdout, stderr and exit code, and honours a timeout', ['exec.output', 'executes'], async () => {
      const info = await run(project('exec'), 'box', { command: fixture.sh('sleep 30') });
      await until(info.id, (i) => i.state === 'running', 'running');
      expect(await runtime.exec(info.id, fixture.sh('echo out; echo err >&2; exit 7'))).toEqual({ exitCode: 7, stdout: 'out\n', stderr: 'err\n' });
      const slow = await runtime.exec(info.id, fixture.sh('sleep 20'), { timeoutMs: 300 }).catch((e: unknown) => e);
      expect(slow).toBeDefined();
      if (slow && typeof slow === 'object' && 'exitCode' in slow) expect(slow.exitCode).not.toBe(0);
    });

    test('lists containers by project, isolated from other projects', ['replicas'], async () => {
      const a = project('lista');
      const b = project('listb');
      await run(a, 'web', { command: fixture.sh('sleep 30') }, { replica: 1 });
      await run(a, 'web', { command: fixture.sh('sleep 30') }, { replica: 2 });
      await run(b, 'web', { command: fixture.sh('sleep 30') });
      const listA = await runtime.listContainers(a);
      expect(listA.map((c) => [c.project, c.service, c.replica])).toEqual([[a, 'web', 1], [a, 'web', 2]]);
      expect((await runtime.listContainers(b)).map((c) => c.project)).toEqual([b]);
    });

    test('records networks: ensure twice, list, remove', ['networks'], async () => {
      const p = project('net');
      const request = { project: p, name: 'backend', runtimeName: `${p}_backend`, spec: { driver: 'bridge', ...noDriverOpts } };
      const first = await runtime.ensureNetwork(request);
      expect(first.created).toBe(true);
      expect(first.info).toMatchObject({ name: 'backend', runtimeName: `${p}_backend`, project: p });
      expect((await runtime.ensureNetwork(request)).created).toBe(false);
      expect((await runtime.listNetworks(p)).map((n) => n.runtimeName)).toEqual([`${p}_backend`]);
      await runtime.removeNetwork(p, `${p}_backend`);
      expect(await runtime.listNetworks(p)).toEqual([]);
    });

    test('leaves nothing behind after teardown', ['networks', 'volumes'], async () => {
      const p = project('teardown');
      const net = `${p}_default`;
      const vol = `${p}_cache`;
      await runtime.ensureNetwork({ project: p, name: 'default', runtimeName: net, spec: { driver: 'bridge', ...noDriverOpts } });
      await runtime.ensureVolume({ project: p, name: 'cache', runtimeName: vol, spec: { driver: 'local', ...noDriverOpts } });
      const mounts = [{ type: 'volume' as const, source: vol, target: '/cache', readOnly: false }];
      const one = await run(p, 'one', { command: fixture.sh('sleep 30'), networks: { default: {} } }, { networks: [net], mounts });
      const two = await run(p, 'two', { command: fixture.sh('sleep 30'), networks: { default: {} } }, { networks: [net] });
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

    // --- what the runtime lacks: refused with a typed error, never silently ---------------------

    const sleeper = async (p: string) => run(p, 'box', { command: fixture.sh('sleep 30') });
    const proofs: Readonly<Record<SuiteCapability, (p: string) => Promise<unknown>>> = {
      networks: (p) => refusal(() => runtime.ensureNetwork({ project: p, name: 'n', runtimeName: `${p}_n`, spec: { driver: 'bridge', ...noDriverOpts } })),
      volumes: (p) => refusal(() => runtime.ensureVolume({ project: p, name: 'v', runtimeName: `${p}_v`, spec: { driver: 'local', ...noDriverOpts } })),
      ports: async (p) => {
        const published = await fixture.hostPort?.(8080);
        return refusal(() => run(p, 'http', { command: fixture.sh('sleep 30'), ports: [{ target: 8080, protocol: 'tcp', ...(published === undefined ? {} : { published }) }] }));
      },
      secrets: async (p) => {
        const file = await secretFile('s3cr3t-value');
        return refusal(() => run(p, 'app', { command: fixture.sh('sleep 30'), secrets: [{ source: 'api_key' }] }, { secrets: [{ name: 'api_key', file }] }));
      },
      'bind-mounts': (p) => refusal(() => run(p, 'app', { command: fixture.sh('sleep 30') }, { mounts: [{ type: 'bind', source: scratch, target: '/conf', readOnly: true }] })),
      logs: async (p) => {
        const info = await sleeper(p);
        return refusal(() => collect(runtime.logs(info.id, { tail: 10 })));
      },
      'logs.follow': async (p) => {
        const info = await sleeper(p);
        return refusal(() => collect(runtime.logs(info.id, { follow: true, signal: AbortSignal.timeout(5_000) })));
      },
      exec: async (p) => refusal(async () => runtime.exec((await sleeper(p)).id, fixture.sh('true'))),
      'exec.output': async (p) => refusal(async () => runtime.exec((await sleeper(p)).id, fixture.sh('echo out'))),
      health: async (p) => {
        const hc = { test: ['CMD-SHELL', 'exit 0'], interval: '1s', timeout: '5s', retries: 3, start_period: '0s', start_interval: '1s', disable: false } as const;
        const info = await run(p, 'box', { command: fixture.sh('sleep 30'), healthcheck: hc });
        return refusal(() => runtime.probeHealth(info.id, { timeoutMs: 5_000 }));
      },
      'restart-policy': (p) => refusal(() => run(p, 'loop', { command: fixture.sh('sleep 30'), restart: 'always' })),
      replicas: (p) => refusal(() => run(p, 'web', { command: fixture.sh('sleep 30') }, { replica: 2 })),
    };
    for (const capability of SUITE_CAPABILITIES) {
      if (plan.capabilities.has(capability)) continue;
      plan.unsupported.push(capability);
      // `logs.follow` may be refused as `logs` when `logs` is missing too (and `exec.output` as `exec`).
      const parent = capability.includes('.') ? capability.slice(0, capability.indexOf('.')) : undefined;
      const accepted = [capability, ...(parent && !plan.capabilities.has(parent as RuntimeCapability) ? [parent] : [])];
      it(`refuses '${capability}' with an UnsupportedOperationError naming it`, async () => {
        expect(runtime.capabilities.has(capability)).toBe(false);
        const error = await proofs[capability](project(`no-${capability.replace('.', '-')}`));
        expect(isUnsupportedOperationError(error), String(error)).toBe(true);
        if (isUnsupportedOperationError(error)) expect(accepted).toContain(error.operation);
      });
    }

    it('lists every skipped test with the reason, and proves every missing capability refused', () => {
      console.info(plan.summary(name));
      expect(plan.run.length + plan.skipped.length).toBeGreaterThan(0);
      for (const { test: title, missing } of plan.skipped) {
        for (const need of missing) {
          // a capability a test needed and the runtime lacks has its refusal proven above
          if (need !== 'executes' && need !== 'backend-view') expect(plan.unsupported, `${title} needs ${need}`).toContain(need);
        }
      }
      const skippedForExecution = plan.skipped.filter((s) => s.missing.includes('executes')).length;
      expect(skippedForExecution > 0).toBe(!plan.executes);
    });
  });
}
