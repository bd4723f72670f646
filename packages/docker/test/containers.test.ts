import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LABEL_CONFIG_HASH, LABEL_PROJECT, LABEL_REPLICA, LABEL_SERVICE, isContainerNotFoundError, isInvalidArgumentError } from '@selur/compose';
import type { ContainerInfo, LogLine } from '@selur/compose';
import { EXEC_TIMEOUT_EXIT_CODE } from '@selur/compose-docker';
import { containerRequest, ensureTestImage, sweep, testRuntime, uniqueProject } from './support/engine.js';
import { eventually, httpGet, rawEngine } from './support/raw-engine.js';

const runtime = testRuntime();
const project = uniqueProject('ctr');
let dir: string;
let web: ContainerInfo;
const startedAt = new Date();

const WEB_SCRIPT = 'echo hello-from-web > /www/index.html; echo started; echo warning >&2; exec httpd -f -p 8080 -h /www';

beforeAll(async () => {
  await ensureTestImage(runtime);
  dir = await mkdtemp(path.join(tmpdir(), 'selur-docker-ctr-'));
  await writeFile(path.join(dir, 'token'), 's3cret-value\n');
  await writeFile(path.join(dir, 'config.txt'), 'from-bind\n');
  const net = await runtime.ensureNetwork({ project, name: 'default', runtimeName: `${project}_default`, spec: { driver: 'bridge', driver_opts: {}, labels: {}, external: false } });
  const side = await runtime.ensureNetwork({ project, name: 'side', runtimeName: `${project}_side`, spec: { driver: 'bridge', driver_opts: {}, labels: {}, external: false } });
  const data = await runtime.ensureVolume({ project, name: 'data', runtimeName: `${project}_data`, spec: { driver: 'local', driver_opts: {}, labels: {}, external: false } });
  const created = await runtime.createContainer(
    containerRequest(
      project,
      'web',
      {
        command: ['sh', '-c', WEB_SCRIPT],
        ports: [{ target: 8080, protocol: 'tcp' }],
        healthcheck: { test: 'test -f /tmp/ready', interval: '30s', timeout: '5s', retries: 3, start_period: '1s', start_interval: '5s', disable: false },
        labels: { tier: 'front' },
      },
      {
        environment: { GREETING: 'hi there', EMPTY: '' },
        secrets: [{ name: 'token', file: path.join(dir, 'token') }],
        networks: [net.info.runtimeName, side.info.runtimeName],
        mounts: [
          { type: 'volume', source: data.info.runtimeName, target: '/data', readOnly: false },
          { type: 'bind', source: path.join(dir, 'config.txt'), target: '/etc/app/config.txt', readOnly: true },
        ],
        labels: { [LABEL_PROJECT]: project, custom: 'yes' },
      },
    ),
  );
  expect(created.state).toBe('created');
  web = await runtime.startContainer(created.id);
});

afterAll(async () => {
  await sweep(runtime, project);
  await runtime.close();
  await rm(dir, { recursive: true, force: true });
});

describe('a running container', () => {
  it('is named and labelled for the project, service, replica and config hash', () => {
    expect(web).toMatchObject({ name: `${project}_web_1`, project, service: 'web', replica: 1, configHash: 'hash-1', state: 'running', health: 'starting' });
    expect(web.labels).toMatchObject({ [LABEL_PROJECT]: project, [LABEL_SERVICE]: 'web', [LABEL_REPLICA]: '1', [LABEL_CONFIG_HASH]: 'hash-1', tier: 'front', custom: 'yes' });
    expect(web.pid).toBeGreaterThan(0);
    expect(web.startedAt).toMatch(/^\d{4}-/);
  });

  it('publishes a random host port on 127.0.0.1 that serves', async () => {
    expect(web.ports).toHaveLength(1);
    const [port] = web.ports;
    expect(port).toMatchObject({ target: 8080, protocol: 'tcp', host: '127.0.0.1' });
    expect(port?.published).toBeGreaterThan(0);
    const answer = await eventually(() => httpGet(`http://127.0.0.1:${port?.published}/`).then((r) => (r.status === 200 ? r : undefined)), { timeoutMs: 5000 });
    expect(answer.body).toBe('hello-from-web\n');
    const raw = await rawEngine<{ HostConfig: { PortBindings: Record<string, { HostIp: string; HostPort: string }[]> } }>('GET', `/containers/${web.id}/json`);
    expect(raw.json.HostConfig.PortBindings['8080/tcp']).toEqual([{ HostIp: '127.0.0.1', HostPort: '' }]);
  });

  it('execs with stdout, stderr, exit code, env and workdir', async () => {
    const result = await runtime.exec(web.id, ['sh', '-c', 'echo "$GREETING|$EXTRA|$(pwd)"; echo to-err >&2; exit 3'], { env: { EXTRA: 'x' }, workdir: '/www' });
    expect(result).toEqual({ exitCode: 3, stdout: 'hi there|x|/www\n', stderr: 'to-err\n' });
    expect((await runtime.exec(web.id, ['true'])).exitCode).toBe(0);
  });

  it('cuts an exec off after timeoutMs', async () => {
    const result = await runtime.exec(web.id, ['sleep', '7'], { timeoutMs: 200 });
    expect(result.exitCode).toBe(EXEC_TIMEOUT_EXIT_CODE);
    expect(result.stderr).toContain('timed out');
    // The engine runs here, so the timed-out command is killed, not left running (within a bound
    // shorter than its own 7 s: one the engine started late is killed once it runs)
    await eventually(async () => ((await runtime.exec(web.id, ['ps'])).stdout.includes('sleep 7') ? undefined : true), { timeoutMs: 5000 });
  });

  it('kills a command whose timeout fires before the engine has started it', async () => {
    // a timeout of a few ms fires while the start is on its way: the command starts after it
    for (const timeoutMs of [2, 5, 10]) {
      const result = await runtime.exec(web.id, ['sleep', '8'], { timeoutMs });
      expect(result.exitCode).toBe(EXEC_TIMEOUT_EXIT_CODE);
    }
    await eventually(async () => ((await runtime.exec(web.id, ['ps'])).stdout.includes('sleep 8') ? undefined : true), { timeoutMs: 5000 });
  });

  it('mounts secrets read-only at /run/secrets/NAME, volumes and binds', async () => {
    expect((await runtime.exec(web.id, ['cat', '/run/secrets/token'])).stdout).toBe('s3cret-value\n');
    const write = await runtime.exec(web.id, ['sh', '-c', 'echo x > /run/secrets/token']);
    expect(write.exitCode).not.toBe(0);
    expect((await runtime.exec(web.id, ['cat', '/etc/app/config.txt'])).stdout).toBe('from-bind\n');
    expect((await runtime.exec(web.id, ['sh', '-c', 'echo x > /etc/app/config.txt'])).exitCode).not.toBe(0);
    expect((await runtime.exec(web.id, ['sh', '-c', 'echo kept > /data/file && cat /data/file'])).stdout).toBe('kept\n');
    const mounts = await rawEngine<{ Mounts: { Type: string; Name?: string; Destination: string; RW: boolean }[] }>('GET', `/containers/${web.id}/json`);
    expect(mounts.json.Mounts.find((m) => m.Destination === '/data')).toMatchObject({ Type: 'volume', Name: `${project}_data`, RW: true });
  });

  it('joins every network with the service name as alias', async () => {
    const raw = await rawEngine<{ NetworkSettings: { Networks: Record<string, { Aliases: string[] | null }> } }>('GET', `/containers/${web.id}/json`);
    const networks = raw.json.NetworkSettings.Networks;
    expect(Object.keys(networks).sort()).toEqual([`${project}_default`, `${project}_side`]);
    expect(networks[`${project}_default`]?.Aliases).toContain('web');
    expect(networks[`${project}_side`]?.Aliases).toContain('web');
    const client = await runtime.createContainer(
      containerRequest(project, 'client', { command: ['sh', '-c', 'wget -qO- http://web:8080/'] }, { networks: [`${project}_side`] }),
    );
    await runtime.startContainer(client.id);
    const done = await eventually(async () => {
      const info = await runtime.inspectContainer(client.id);
      return info.state === 'exited' ? info : undefined;
    });
    expect(done.exitCode).toBe(0);
    const lines: string[] = [];
    for await (const line of runtime.logs(client.id)) lines.push(line.text);
    expect(lines).toEqual(['hello-from-web']);
    await runtime.removeContainer(client.id, { force: true });
  });

  it('probes the healthcheck through exec, now', async () => {
    const before = await runtime.probeHealth(web.id);
    expect(before).toMatchObject({ healthy: false, exitCode: 1 });
    await runtime.exec(web.id, ['touch', '/tmp/ready']);
    expect(await runtime.probeHealth(web.id)).toEqual({ healthy: true, exitCode: 0, output: '' });
    const raw = await rawEngine<{ Config: { Healthcheck: Record<string, unknown> } }>('GET', `/containers/${web.id}/json`);
    expect(raw.json.Config.Healthcheck).toEqual({ Test: ['CMD-SHELL', 'test -f /tmp/ready'], Interval: 30e9, Timeout: 5e9, Retries: 3, StartPeriod: 1e9 });
  });
});

describe('logs', () => {
  const collect = async (options: Parameters<typeof runtime.logs>[1] = {}): Promise<LogLine[]> => {
    const lines: LogLine[] = [];
    for await (const line of runtime.logs(web.id, options)) lines.push(line);
    return lines;
  };

  it('demultiplexes stdout and stderr, with timestamps', async () => {
    const lines = await eventually(async () => {
      const got = await collect();
      return got.length >= 2 ? got : undefined;
    });
    expect(lines.map((l) => [l.stream, l.text]).sort()).toEqual([
      ['stderr', 'warning'],
      ['stdout', 'started'],
    ]);
    for (const line of lines) {
      expect(line.timestamp.getTime()).toBeGreaterThanOrEqual(startedAt.getTime() - 2000);
      expect(line.timestamp.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
    }
  });

  it('honours tail and since', async () => {
    expect(await collect({ tail: 1 })).toHaveLength(1);
    expect(await collect({ tail: 0 })).toHaveLength(0);
    expect(await collect({ since: new Date(Date.now() + 60_000) })).toEqual([]);
    const all = await collect();
    const last = all.at(-1);
    const since = await collect({ since: last?.timestamp });
    expect(since.at(-1)?.text).toBe(last?.text);
    expect(since.every((l) => l.timestamp.getTime() >= (last?.timestamp.getTime() ?? 0))).toBe(true);
    expect((await collect({ since: new Date(startedAt.getTime() - 60_000) })).length).toBe(all.length);
  });

  it('follows new output until the signal aborts', async () => {
    const controller = new AbortController();
    const seen: string[] = [];
    const reading = (async () => {
      for await (const line of runtime.logs(web.id, { follow: true, tail: 0, signal: controller.signal })) {
        seen.push(line.text);
        if (line.text === 'marker-2') controller.abort();
      }
    })();
    await runtime.exec(web.id, ['sh', '-c', 'echo marker-1 > /proc/1/fd/1; echo marker-2 > /proc/1/fd/1']);
    await reading;
    expect(seen).toEqual(['marker-1', 'marker-2']);
  });
});

describe('replicas and listing', () => {
  it('creates what it is asked, and lists every container of the project sorted', async () => {
    const replicas = [];
    for (const replica of [2, 1]) {
      replicas.push(await runtime.createContainer(containerRequest(project, 'worker', { command: ['sleep', '30'] }, { replica })));
    }
    const listed = await runtime.listContainers(project);
    const workers = listed.filter((c) => c.service === 'worker');
    expect(workers.map((c) => [c.name, c.replica, c.state])).toEqual([
      [`${project}_worker_1`, 1, 'created'],
      [`${project}_worker_2`, 2, 'created'],
    ]);
    expect((await runtime.listContainers(project, { all: false })).map((c) => c.service)).not.toContain('worker');
    for (const c of replicas) await runtime.removeContainer(c.id);
    expect((await runtime.listContainers(project)).filter((c) => c.service === 'worker')).toEqual([]);
  });

  it('reports a missing container as ContainerNotFoundError, and removing one is not an error', async () => {
    await expect(runtime.inspectContainer('selur-no-such-container')).rejects.toSatisfy(isContainerNotFoundError);
    await expect(runtime.startContainer('selur-no-such-container')).rejects.toSatisfy(isContainerNotFoundError);
    await expect(runtime.exec('selur-no-such-container', ['true'])).rejects.toSatisfy(isContainerNotFoundError);
    await expect(runtime.removeContainer('selur-no-such-container', { force: true })).resolves.toBeUndefined();
  });

  it('refuses to probe a container without a healthcheck', async () => {
    const plain = await runtime.createContainer(containerRequest(project, 'plain', { command: ['sleep', '30'] }));
    await expect(runtime.probeHealth(plain.id)).rejects.toSatisfy(isInvalidArgumentError);
    await runtime.removeContainer(plain.id, { force: true });
  });
});
