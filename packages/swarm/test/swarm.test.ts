import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LABEL_CONFIG_HASH, LABEL_PROJECT, LABEL_SERVICE, parseProject, type ContainerInfo } from '@selur/compose';
import { dockerRuntime } from '@selur/compose-docker';
import { EngineClient, resolveEngineAddress } from '@selur/compose-docker/engine';
import { isSwarmDeployError, swarmRuntime, type SwarmDeployError } from '@selur/compose-swarm';
import { ensureTestImage, TEST_IMAGE, uniqueProject } from '../../docker/test/support/engine.js';
import { runCli } from '../../cli/test/support/cli.js';

/**
 * The real suite, on a single-node swarm that scripts/swarm-suite.mjs makes (and leaves) around it.
 * Host-mode ports and endpoint_mode dnsrr only: the ingress routing mesh and VIPs need IPVS, which
 * this machine has not (the mapping tests cover those paths).
 */

const swarm = swarmRuntime({ convergeTimeoutMs: 60_000, pollIntervalMs: 250 });
const raw = new EngineClient(resolveEngineAddress(undefined), undefined);
const project = uniqueProject('swarm');
let dir = '';
let port = 0;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function stack(options: { workerEnv?: string; replicas?: number } = {}) {
  const yaml = `
name: ${project}
services:
  web:
    image: ${TEST_IMAGE}
    command: ["sh", "-c", "echo hello-from-web > /tmp/index.html; echo web up; touch /tmp/ready; exec httpd -f -p 8080 -h /tmp"]
    ports:
      - { target: 8080, published: ${port}, protocol: tcp, mode: host }
    healthcheck:
      test: ["CMD-SHELL", "test -f /tmp/ready"]
      interval: 1s
      timeout: 2s
      retries: 3
    stop_grace_period: 1s
    deploy:
      endpoint_mode: dnsrr
  worker:
    image: ${TEST_IMAGE}
    command: ["sh", "-c", "echo worker up; touch /tmp/ready; exec sleep 3600"]
    environment:
      MODE: ${options.workerEnv ?? 'one'}
    secrets:
      - source: token
    configs:
      - source: app
        target: /etc/app.conf
    healthcheck:
      test: ["CMD-SHELL", "test -f /tmp/ready"]
      interval: 1s
      timeout: 2s
      retries: 3
    stop_grace_period: 1s
    depends_on:
      web: { condition: service_healthy }
    deploy:
      replicas: ${options.replicas ?? 2}
      endpoint_mode: dnsrr
      update_config: { parallelism: 2, delay: 0s, order: stop-first, failure_action: pause, monitor: 1s }
      restart_policy: { condition: any, delay: 1s }
      labels: { tier: back }
secrets:
  token:
    file: ./token.txt
configs:
  app:
    content: "greeting=hi"
`;
  return parseProject(yaml, { format: 'yaml', cwd: dir });
}

const byService = (infos: readonly ContainerInfo[], service: string) => infos.filter((i) => i.service === service);

async function labelled(kind: 'services' | 'networks' | 'secrets' | 'configs' | 'containers/json', name = project): Promise<unknown[]> {
  const query = { filters: { label: [`${LABEL_PROJECT}=${name}`] }, ...(kind === 'containers/json' ? { all: true } : {}) };
  return raw.json<unknown[]>('GET', `/${kind}`, { query });
}

beforeAll(async () => {
  const docker = dockerRuntime();
  try {
    await ensureTestImage(docker);
  } finally {
    await docker.close();
  }
  dir = await mkdtemp(path.join(tmpdir(), 'selur-swarm-'));
  await writeFile(path.join(dir, 'token.txt'), 's3cret-1\n');
  port = await freePort();
});

afterAll(async () => {
  await swarm.down(project).catch(() => undefined);
  await swarm.close();
  raw.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('swarmRuntime on a single-node swarm', () => {
  it('deploys a stack: replicas reached, healthy, host-mode port answers, secret and config inside a task', async () => {
    const result = await swarm.up(stack());
    expect(result.services.map((s) => [s.service, s.action])).toEqual([['web', 'create'], ['worker', 'create']]);

    const tasks = await swarm.ps(project);
    const web = byService(tasks, 'web');
    const workers = byService(tasks, 'worker');
    expect(web).toHaveLength(1);
    expect(workers.map((w) => w.replica).sort()).toEqual([1, 2]);
    for (const task of tasks) {
      expect(task.state).toBe('running');
      expect(task.health).toBe('healthy');
      expect(task.project).toBe(project);
      expect(task.labels[LABEL_SERVICE]).toBe(task.service);
      expect(task.configHash).toMatch(/^[0-9a-f]{32}$/);
      expect(task.labels[LABEL_CONFIG_HASH]).toBe(task.configHash);
    }
    expect(web[0]?.ports).toEqual([{ target: 8080, protocol: 'tcp', host: '127.0.0.1', published: port }]);

    const response = await fetch(`http://127.0.0.1:${port}/index.html`, { signal: AbortSignal.timeout(5000) });
    expect((await response.text()).trim()).toBe('hello-from-web');

    const worker = workers[0] as ContainerInfo;
    const secret = await swarm.exec(worker.id, ['cat', '/run/secrets/token']);
    expect(secret).toEqual({ exitCode: 0, stdout: 's3cret-1\n', stderr: '' });
    const config = await swarm.exec(worker.id, ['cat', '/etc/app.conf']);
    expect(config.stdout).toBe('greeting=hi');
    expect((await swarm.probeHealth(worker.id)).healthy).toBe(true);

    // Swarm objects are labelled as the project's, with versioned names.
    const services = (await labelled('services')) as { Spec: { Name: string; Labels: Record<string, string>; EndpointSpec: { Mode: string } } }[];
    expect(services.map((s) => s.Spec.Name).sort()).toEqual([`${project}_web`, `${project}_worker`]);
    expect(services.find((s) => s.Spec.Name.endsWith('_worker'))?.Spec.Labels['tier']).toBe('back');
    expect(services.every((s) => s.Spec.EndpointSpec.Mode === 'dnsrr')).toBe(true);
    const secrets = (await labelled('secrets')) as { Spec: { Name: string } }[];
    expect(secrets.map((s) => s.Spec.Name)).toEqual([expect.stringMatching(new RegExp(`^${project}_token_[0-9a-f]{10}$`))]);
    const networks = (await labelled('networks')) as { Name: string; Driver: string; Attachable: boolean }[];
    expect(networks.map((n) => [n.Name, n.Driver, n.Attachable])).toEqual([[`${project}_default`, 'overlay', true]]);

    const lines: string[] = [];
    for await (const line of swarm.serviceLogs(project, 'web', { signal: AbortSignal.timeout(10_000) })) lines.push(line.text);
    expect(lines.some((l) => l.includes('web up'))).toBe(true);
    const taskLines: string[] = [];
    for await (const line of swarm.logs(worker.id, { tail: 10 })) taskLines.push(line.text);
    expect(taskLines).toContain('worker up');
  });

  it('a second up changes nothing', async () => {
    const before = (await swarm.ps(project)).map((t) => t.id).sort();
    const result = await swarm.up(stack());
    expect(result.services.map((s) => s.action)).toEqual(['unchanged', 'unchanged']);
    expect(result.removedSecrets).toEqual([]);
    expect((await swarm.ps(project)).map((t) => t.id).sort()).toEqual(before);
  });

  it('updates a changed service alone, through a Swarm update, and drops the secret it no longer uses', async () => {
    const before = await swarm.ps(project);
    const oldSecrets = ((await labelled('secrets')) as { Spec: { Name: string } }[]).map((s) => s.Spec.Name);
    await writeFile(path.join(dir, 'token.txt'), 's3cret-2\n');
    const result = await swarm.up(stack({ workerEnv: 'two' }));
    expect(result.services.map((s) => [s.service, s.action])).toEqual([['web', 'unchanged'], ['worker', 'update']]);
    expect(result.removedSecrets).toEqual(oldSecrets);

    const after = await swarm.ps(project);
    expect(byService(after, 'web').map((t) => t.id)).toEqual(byService(before, 'web').map((t) => t.id));
    const workers = byService(after, 'worker');
    expect(workers).toHaveLength(2);
    expect(workers.every((w) => w.configHash === result.services[1]?.configHash && w.health === 'healthy')).toBe(true);
    expect(workers.some((w) => byService(before, 'worker').some((b) => b.id === w.id))).toBe(false);
    expect((await swarm.exec(workers[0]?.id as string, ['cat', '/run/secrets/token'])).stdout).toBe('s3cret-2\n');

    const service = await raw.json<{ UpdateStatus?: { State?: string } }>('GET', `/services/${project}_worker`);
    expect(service.UpdateStatus?.State).toBe('completed');
  });

  it('scales without replacing tasks', async () => {
    const before = byService(await swarm.ps(project), 'worker');
    const result = await swarm.up(stack({ workerEnv: 'two', replicas: 3 }));
    expect(result.services.map((s) => s.action)).toEqual(['unchanged', 'scale']);
    const workers = byService(await swarm.ps(project), 'worker');
    expect(workers.map((w) => w.replica).sort()).toEqual([1, 2, 3]);
    expect(workers.every((w) => w.state === 'running' && w.configHash === before[0]?.configHash)).toBe(true);
    for (const old of before) expect(workers.map((w) => w.id)).toContain(old.id);
  });

  it('down leaves nothing with the project label', async () => {
    const removed = await swarm.down(project);
    expect(removed.services).toEqual([`${project}_web`, `${project}_worker`]);
    expect(removed.networks).toEqual([`${project}_default`]);
    for (const kind of ['services', 'networks', 'secrets', 'configs', 'containers/json'] as const) expect(await labelled(kind)).toEqual([]);
    expect(await swarm.ps(project)).toEqual([]);
  });

  it('reports a failing task: its error, its node and its last log lines', async () => {
    const failing = uniqueProject('swarm-fail');
    const yaml = `
name: ${failing}
services:
  broken:
    image: ${TEST_IMAGE}
    command: ["sh", "-c", "echo about to fail; echo cannot open config >&2; exit 3"]
    deploy:
      endpoint_mode: dnsrr
      restart_policy: { condition: none }
`;
    try {
      const error = await swarm.up(parseProject(yaml, { format: 'yaml', cwd: dir })).then(() => undefined, (e: unknown) => e);
      expect(error).toMatchObject({ code: 'E_SWARM_DEPLOY' });
      expect(isSwarmDeployError(error)).toBe(true);
      const deploy = error as SwarmDeployError;
      expect(deploy.reason).toBe('failed');
      expect(deploy.service).toBe('broken');
      expect(deploy.tasks[0]?.state).toBe('failed');
      expect(deploy.tasks[0]?.error).toMatch(/non-zero exit \(3\)/);
      expect(deploy.tasks[0]?.node).not.toBe('');
      expect(deploy.tasks[0]?.logs).toEqual(expect.arrayContaining(['about to fail', 'cannot open config']));
    } finally {
      await swarm.down(failing);
    }
    expect(await labelled('services', failing)).toEqual([]);
  });

  it('the CLI: --runtime swarm up deploys the project, ps lists its tasks, down removes it', async () => {
    const name = uniqueProject('swarm-cli');
    const cliDir = await mkdtemp(path.join(tmpdir(), 'selur-swarm-cli-'));
    try {
      await writeFile(
        path.join(cliDir, 'compose.toml'),
        `version = "1.0"\nname = "${name}"\n\n[services.idle]\nimage = "${TEST_IMAGE}"\ncommand = ["sleep", "3600"]\nstop_grace_period = "1s"\n\n[services.idle.deploy]\nreplicas = 2\nendpoint_mode = "dnsrr"\n`,
      );
      const up = await runCli(['--runtime', 'swarm', 'up', '-d', '--wait'], { cwd: cliDir, timeoutMs: 90_000 });
      expect(up.code, up.stderr).toBe(0);
      expect(up.stdout).toContain(`idle\tcreate\t${name}_idle`);
      const ps = await runCli(['ps'], { cwd: cliDir, env: { SELUR_COMPOSE_RUNTIME: 'swarm' }, timeoutMs: 30_000 });
      expect(ps.code, ps.stderr).toBe(0);
      expect(ps.stdout.match(new RegExp(`${name}_idle\\.[12]`, 'g'))?.length).toBe(2);
      const down = await runCli(['--runtime', 'swarm', 'down'], { cwd: cliDir, timeoutMs: 60_000 });
      expect(down.code, down.stderr).toBe(0);
      expect(await labelled('services', name)).toEqual([]);
      expect(await labelled('networks', name)).toEqual([]);
    } finally {
      await swarm.down(name).catch(() => undefined);
      await rm(cliDir, { recursive: true, force: true });
    }
  });
});
