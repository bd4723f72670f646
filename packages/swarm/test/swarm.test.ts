import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isServiceStartError, LABEL_CONFIG_HASH, LABEL_PROJECT, LABEL_SERVICE, parseProject, type ContainerInfo, type Stack } from '@selur/compose';
import { dockerRuntime } from '@selur/compose-docker';
import { EngineClient, resolveEngineAddress } from '@selur/compose-docker/engine';
import { isSwarmDeployError, swarmRuntime, type SwarmDeployError } from '@selur/compose-swarm';
import { ensureTestImage, TEST_IMAGE, uniqueProject } from '../../docker/test/support/engine.js';
import { runCli } from '../../cli/test/support/cli.js';

/**
 * The real suite, on a single-node swarm that scripts/swarm-suite.mjs makes (and leaves) around it,
 * driven by the engine: `project.up({ runtime: swarmRuntime() })`, the stack's ps, exec, logs,
 * scale and down. Host-mode ports and endpoint_mode dnsrr only: the ingress routing mesh and VIPs
 * need IPVS, which this machine has not (the mapping tests cover those paths).
 */

const swarm = swarmRuntime({ convergeTimeoutMs: 60_000, pollIntervalMs: 250, stableMs: 1000 });
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

function stackProject(options: { workerEnv?: string; replicas?: number } = {}) {
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

interface RawService {
  ID: string;
  Version: { Index: number };
  Spec: { Name: string; Labels: Record<string, string>; EndpointSpec: { Mode: string }; RollbackConfig?: unknown; UpdateConfig?: unknown };
  UpdateStatus?: { State?: string; Message?: string };
}

/** Text of a stack's logs of one service (not followed: it ends). */
async function logText(stack: Stack, service: string): Promise<string[]> {
  const lines: string[] = [];
  for await (const line of stack.logs(service)) lines.push(line.text);
  return lines;
}

let stack: Stack | undefined;

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
  await stack?.down().catch(() => undefined);
  await byName(project).down({ runtime: swarm }).catch(() => undefined);
  await swarm.close();
  raw.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** A project by name only (what `down` needs from another process). */
function byName(name: string) {
  return parseProject(`name: ${name}\nservices: {}\n`, { format: 'yaml', cwd: dir || tmpdir() });
}

describe('swarmRuntime driven by the engine on a single-node swarm', () => {
  it('project.up deploys a stack: replicas reached, healthy, host-mode port answers, secret and config inside a task', async () => {
    stack = await stackProject({}).up({ runtime: swarm });
    const tasks = await stack.ps();
    const web = byService(tasks, 'web');
    const workers = byService(tasks, 'worker');
    expect(web).toHaveLength(1);
    expect(workers.map((w) => w.replica).sort()).toEqual([1, 2]);
    for (const task of tasks) {
      expect(task.state).toBe('running');
      expect(task.health).toBe('healthy');
      expect(task.project).toBe(project);
      expect(task.labels[LABEL_SERVICE]).toBe(task.service);
      expect(task.configHash).not.toBe('');
      expect(task.labels[LABEL_CONFIG_HASH]).toBe(task.configHash);
    }
    expect(web[0]?.ports).toEqual([{ target: 8080, protocol: 'tcp', host: '127.0.0.1', published: port }]);

    const response = await fetch(`http://127.0.0.1:${port}/index.html`, { signal: AbortSignal.timeout(5000) });
    expect((await response.text()).trim()).toBe('hello-from-web');

    expect(await stack.exec('worker', ['cat', '/run/secrets/token'], { replica: 2 })).toEqual({ exitCode: 0, stdout: 's3cret-1\n', stderr: '' });
    expect((await stack.exec('worker', ['cat', '/etc/app.conf'])).stdout).toBe('greeting=hi');
    expect((await swarm.probeHealth((workers[0] as ContainerInfo).id)).healthy).toBe(true);

    // Swarm objects are labelled as the project's, with versioned names.
    const services = (await labelled('services')) as RawService[];
    expect(services.map((s) => s.Spec.Name).sort()).toEqual([`${project}_web`, `${project}_worker`]);
    expect(services.find((s) => s.Spec.Name.endsWith('_worker'))?.Spec.Labels['tier']).toBe('back');
    expect(services.every((s) => s.Spec.EndpointSpec.Mode === 'dnsrr')).toBe(true);
    const secrets = (await labelled('secrets')) as { Spec: { Name: string } }[];
    expect(secrets.map((s) => s.Spec.Name)).toEqual([expect.stringMatching(new RegExp(`^${project}_token_[0-9a-f]{10}$`))]);
    const networks = (await labelled('networks')) as { Name: string; Driver: string; Attachable: boolean }[];
    expect(networks.map((n) => [n.Name, n.Driver, n.Attachable])).toEqual([[`${project}_default`, 'overlay', true]]);

    expect(await logText(stack, 'web')).toContain('web up');
    expect((await logText(stack, 'worker')).filter((l) => l === 'worker up')).toHaveLength(2);
  });

  it('a second up plans nothing and changes nothing', async () => {
    const before = (await swarm.listContainers(project)).map((t) => t.id).sort();
    const versions = ((await labelled('services')) as RawService[]).map((s) => s.Version.Index).sort();
    const plan = await stackProject({}).plan(swarm);
    expect(plan.services.map((s) => [s.name, s.action])).toEqual([['web', 'unchanged'], ['worker', 'unchanged']]);
    stack = await stackProject({}).up({ runtime: swarm });
    expect((await swarm.listContainers(project)).map((t) => t.id).sort()).toEqual(before);
    expect(((await labelled('services')) as RawService[]).map((s) => s.Version.Index).sort()).toEqual(versions);
  });

  it('updates a changed service alone, through a Swarm update, and drops the secret it no longer uses', async () => {
    const before = await swarm.listContainers(project);
    const oldSecrets = ((await labelled('secrets')) as { Spec: { Name: string } }[]).map((s) => s.Spec.Name);
    await writeFile(path.join(dir, 'token.txt'), 's3cret-2\n');
    const plan = await stackProject({ workerEnv: 'two' }).plan(swarm);
    expect(plan.services.map((s) => [s.name, s.action])).toEqual([['web', 'unchanged'], ['worker', 'recreate']]);
    expect(plan.services[1]?.rollout).toMatchObject({ order: 'stop-first', parallelism: 2, failureAction: 'pause' });
    stack = await stackProject({ workerEnv: 'two' }).up({ runtime: swarm });

    const after = await swarm.listContainers(project);
    expect(byService(after, 'web').map((t) => t.id)).toEqual(byService(before, 'web').map((t) => t.id));
    const workers = byService(after, 'worker');
    expect(workers).toHaveLength(2);
    expect(workers.every((w) => w.configHash === plan.services[1]?.configHash && w.health === 'healthy')).toBe(true);
    expect(workers.some((w) => byService(before, 'worker').some((b) => b.id === w.id))).toBe(false);
    expect((await stack.exec('worker', ['cat', '/run/secrets/token'])).stdout).toBe('s3cret-2\n');
    const secrets = ((await labelled('secrets')) as { Spec: { Name: string } }[]).map((s) => s.Spec.Name);
    expect(secrets).toHaveLength(1);
    expect(oldSecrets.some((o) => secrets.includes(o))).toBe(false);

    const service = await raw.json<RawService>('GET', `/services/${project}_worker`);
    expect(service.UpdateStatus?.State).toBe('completed');
  });

  it('stack.scale scales the Swarm service without replacing tasks', async () => {
    const before = byService(await swarm.listContainers(project), 'worker');
    await (stack as Stack).scale('worker', 3);
    const workers = byService(await swarm.listContainers(project), 'worker');
    expect(workers.map((w) => w.replica).sort()).toEqual([1, 2, 3]);
    expect(workers.every((w) => w.state === 'running' && w.configHash === before[0]?.configHash)).toBe(true);
    for (const old of before) expect(workers.map((w) => w.id)).toContain(old.id);
  });

  it('stack.down leaves nothing with the project label', async () => {
    await (stack as Stack).down();
    stack = undefined;
    for (const kind of ['services', 'networks', 'secrets', 'configs', 'containers/json'] as const) expect(await labelled(kind)).toEqual([]);
    expect(await swarm.listContainers(project)).toEqual([]);
  });

  it('rollback_config: an update whose new tasks turn unhealthy is rolled back by Swarm; up fails typed, with the task error, and the old replicas keep serving', async () => {
    const name = uniqueProject('swarm-rollback');
    const yaml = (version: string, ready: string) => `
name: ${name}
services:
  api:
    image: ${TEST_IMAGE}
    command: ["sh", "-c", "echo ${version} > /tmp/index.html; ${ready} exec httpd -f -p 8080 -h /tmp"]
    ports:
      - { target: 8080, protocol: tcp, mode: host }
    healthcheck:
      test: ["CMD-SHELL", "test -f /tmp/ready"]
      interval: 1s
      timeout: 1s
      retries: 1
    stop_grace_period: 1s
    deploy:
      replicas: 2
      endpoint_mode: dnsrr
      update_config: { parallelism: 1, delay: 1s, order: start-first, failure_action: rollback, monitor: 2s, max_failure_ratio: 0 }
      rollback_config: { parallelism: 0, delay: 1s, order: stop-first, failure_action: pause, monitor: 1s, max_failure_ratio: 0.5 }
`;
    const good = parseProject(yaml('v1', 'touch /tmp/ready;'), { format: 'yaml', cwd: dir });
    const v1 = await good.up({ runtime: swarm });
    try {
      const old = await v1.ps();
      expect(old.map((t) => [t.replica, t.state, t.health])).toEqual([[1, 'running', 'healthy'], [2, 'running', 'healthy']]);
      const serving = async (tasks: readonly ContainerInfo[]) =>
        Promise.all(tasks.map(async (t) => (await (await fetch(`http://127.0.0.1:${t.ports[0]?.published}/index.html`, { signal: AbortSignal.timeout(3000) })).text()).trim()));
      expect(await serving(old)).toEqual(['v1', 'v1']);
      const service = await raw.json<RawService>('GET', `/services/${name}_api`);
      // (the engine API leaves zero values out)
      expect(service.Spec.RollbackConfig).toMatchObject({ Parallelism: 0, Delay: 1e9, FailureAction: 'pause', Monitor: 1e9, MaxFailureRatio: 0.5, Order: 'stop-first' });
      expect(service.Spec.UpdateConfig).toMatchObject({ Parallelism: 1, Delay: 1e9, FailureAction: 'rollback', Monitor: 2e9, Order: 'start-first' });

      // v2 never becomes ready: its healthcheck fails, Swarm fails the task and rolls back.
      const error = await parseProject(yaml('v2', ''), { format: 'yaml', cwd: dir }).up({ runtime: swarm }).then(() => undefined, (e: unknown) => e);
      expect(isServiceStartError(error), String(error)).toBe(true);
      const cause = (error as { cause?: unknown }).cause;
      expect(isSwarmDeployError(cause)).toBe(true);
      const deploy = cause as SwarmDeployError;
      expect(deploy.reason).toBe('rolled-back');
      expect(deploy.service).toBe('api');
      expect(deploy.tasks.length).toBeGreaterThan(0);
      expect(deploy.tasks[0]?.error).toMatch(/unhealthy/);
      expect(String(error)).toMatch(/unhealthy/);

      const after = await raw.json<RawService>('GET', `/services/${name}_api`);
      expect(after.UpdateStatus?.State).toBe('rollback_completed');
      expect(after.Spec.Labels[LABEL_CONFIG_HASH]).toBe(service.Spec.Labels[LABEL_CONFIG_HASH]);
      const now = await v1.ps();
      // start-first: the old tasks were never stopped, and serve v1 still
      expect(now.map((t) => t.id).sort()).toEqual(old.map((t) => t.id).sort());
      expect(now.every((t) => t.state === 'running')).toBe(true);
      expect(await serving(now)).toEqual(['v1', 'v1']);
    } finally {
      await v1.down();
    }
    expect(await labelled('services', name)).toEqual([]);
  });

  it('reports a failing task (its error, node, last log lines) as the cause of the typed error, and removes the service it created', async () => {
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
    const error = await parseProject(yaml, { format: 'yaml', cwd: dir }).up({ runtime: swarm }).then(() => undefined, (e: unknown) => e);
    expect(isServiceStartError(error), String(error)).toBe(true);
    const deploy = (error as { cause?: unknown }).cause as SwarmDeployError;
    expect(isSwarmDeployError(deploy)).toBe(true);
    expect(deploy.reason).toBe('failed');
    expect(deploy.service).toBe('broken');
    expect(deploy.tasks[0]?.state).toBe('failed');
    expect(deploy.tasks[0]?.error).toMatch(/non-zero exit \(3\)/);
    expect(deploy.tasks[0]?.node).not.toBe('');
    expect(deploy.tasks[0]?.logs).toEqual(expect.arrayContaining(['about to fail', 'cannot open config']));
    // the engine rolled back what the run created
    expect(await labelled('services', failing)).toEqual([]);
    expect(await labelled('networks', failing)).toEqual([]);
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
      expect(await labelled('services', name)).toHaveLength(1);
      const ps = await runCli(['ps'], { cwd: cliDir, env: { SELUR_COMPOSE_RUNTIME: 'swarm' }, timeoutMs: 30_000 });
      expect(ps.code, ps.stderr).toBe(0);
      expect(ps.stdout.match(new RegExp(`${name}_idle\\.[12]`, 'g'))?.length).toBe(2);
      const ls = await runCli(['--runtime', 'swarm', 'ls', '--format', 'json'], { cwd: tmpdir(), timeoutMs: 30_000 });
      expect(ls.code, ls.stderr).toBe(0);
      expect((JSON.parse(ls.stdout) as { name: string }[]).find((p) => p.name === name)).toEqual({ name, containers: 2, states: { running: 2 } });
      const down = await runCli(['--runtime', 'swarm', 'down'], { cwd: cliDir, timeoutMs: 60_000 });
      expect(down.code, down.stderr).toBe(0);
      expect(await labelled('services', name)).toEqual([]);
      expect(await labelled('networks', name)).toEqual([]);
      expect((await swarm.listProjects()).map((p) => p.name)).not.toContain(name);
    } finally {
      await parseProject(`name: ${name}\nservices: {}\n`, { format: 'yaml', cwd: cliDir }).down({ runtime: swarm }).catch(() => undefined);
      await rm(cliDir, { recursive: true, force: true });
    }
  });
});
