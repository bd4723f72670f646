/**
 * Docker benchmark: a 10-service stack with dependencies and healthchecks, brought up (until every
 * service is healthy) and torn down by @selur/compose on the Docker runtime and by Debian's
 * `docker-compose` with the equivalent compose YAML, on the same engine, in the same run.
 *
 * Target: ours at most 0.7× docker-compose's time for `up` and for `down`, through the SDK and
 * through the CLI (`selur-compose --runtime docker up --wait` / `down`, built: needs `pnpm build`,
 * timed from spawn to exit as docker-compose is).
 *
 * `BENCH_DOCKER_COMPARE=/path/to/another/checkout` (built) adds that checkout's CLI as one more
 * way, run in the same rounds (before or after this one's CLI, alternately), to compare two builds
 * on the same load.
 *
 * Run: `node --import tsx bench/docker.bench.ts` (needs a Docker engine and `docker-compose`).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile, copyFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Project } from '@selur/compose';
import { dockerRuntime } from '@selur/compose-docker';
import { median, formatMs } from './stats.js';

const run = promisify(execFile);
const IMAGE = 'selur-compose-bench/busybox:latest';

/** Services and their dependencies: five levels, mixed width. */
const GRAPH: Record<string, string[]> = {
  s0: [], s1: [], s2: [],
  s3: ['s0'], s4: ['s1', 's2'],
  s5: ['s3'], s6: ['s3', 's4'],
  s7: ['s5'], s8: ['s6'],
  s9: ['s7', 's8'],
};
/** Ready 200 ms after start; a TERM trap so `down` is graceful and prompt for both tools. */
const COMMAND = ['sh', '-c', "trap 'exit 0' TERM; sleep 0.2; touch /tmp/ready; while :; do sleep 0.1; done"];
const HEALTH = { test: 'test -f /tmp/ready', interval: '1s', timeout: '1s', retries: 5, start_period: '0s' };

function composeYaml(): string {
  const lines = ["version: '2.4'", 'services:'];
  for (const [name, deps] of Object.entries(GRAPH)) {
    lines.push(`  ${name}:`, `    image: ${IMAGE}`, `    command: ${JSON.stringify(COMMAND)}`);
    lines.push('    healthcheck:', `      test: ["CMD-SHELL", ${JSON.stringify(HEALTH.test)}]`);
    lines.push(`      interval: ${HEALTH.interval}`, `      timeout: ${HEALTH.timeout}`, `      retries: ${HEALTH.retries}`, `      start_period: ${HEALTH.start_period}`);
    if (deps.length > 0) {
      lines.push('    depends_on:');
      for (const dep of deps) lines.push(`      ${dep}:`, '        condition: service_healthy');
    }
  }
  return `${lines.join('\n')}\n`;
}

function selurProject(name: string): Project {
  const project = new Project(name);
  for (const [service, deps] of Object.entries(GRAPH)) {
    project.service(service, (s) => {
      s.image(IMAGE).command(COMMAND).healthcheck(HEALTH);
      for (const dep of deps) s.dependsOn(dep, { condition: 'healthy' });
    });
  }
  return project;
}

async function ensureImage(): Promise<void> {
  try {
    await run('docker', ['image', 'inspect', IMAGE]);
    return;
  } catch {
    const dir = await mkdtemp(join(tmpdir(), 'selur-bench-image-'));
    await copyFile('/usr/bin/busybox', join(dir, 'busybox'));
    await writeFile(join(dir, 'Dockerfile'), 'FROM scratch\nCOPY busybox /bin/busybox\nRUN ["/bin/busybox","--install","-s","/bin"]\nRUN ["/bin/mkdir","-p","/tmp"]\n');
    await run('docker', ['build', '-q', '-t', IMAGE, dir]);
    await rm(dir, { recursive: true, force: true });
  }
}

async function allHealthy(project: string): Promise<boolean> {
  const { stdout } = await run('docker', ['ps', '-q', '--filter', `label=com.docker.compose.project=${project}`]);
  const ids = stdout.split('\n').filter(Boolean);
  if (ids.length < Object.keys(GRAPH).length) return false;
  const { stdout: states } = await run('docker', ['inspect', '--format', '{{.State.Health.Status}}', ...ids]);
  return states.split('\n').filter(Boolean).every((s) => s === 'healthy');
}

async function composeRound(dir: string, project: string): Promise<{ up: number; down: number }> {
  const file = join(dir, 'docker-compose.yml');
  const t0 = performance.now();
  try {
    await run('docker-compose', ['-p', project, '-f', file, 'up', '-d'], { env: { ...process.env, COMPOSE_PARALLEL_LIMIT: '64' } });
    const deadline = Date.now() + 120_000;
    while (!(await allHealthy(project))) {
      if (Date.now() > deadline) throw new Error('docker-compose stack did not become healthy in 120 s');
      await new Promise((r) => setTimeout(r, 50));
    }
  } catch (error) {
    await run('docker-compose', ['-p', project, '-f', file, 'down']).catch(() => undefined);
    throw error;
  }
  const up = performance.now() - t0;
  const t1 = performance.now();
  await run('docker-compose', ['-p', project, '-f', file, 'down']);
  return { up, down: performance.now() - t1 };
}

const CLI = fileURLToPath(new URL('../packages/cli/dist/cli.js', import.meta.url));
const COMPARE = process.env.BENCH_DOCKER_COMPARE;
const COMPARE_CLI = COMPARE === undefined ? undefined : join(COMPARE, 'packages/cli/dist/cli.js');

async function cliRound(dir: string, project: string, cliPath = CLI): Promise<{ up: number; down: number }> {
  const cli = (...args: string[]) => run(process.execPath, [cliPath, '--runtime', 'docker', '--progress', 'plain', '-p', project, '-f', join(dir, 'docker-compose.yml'), ...args]);
  const t0 = performance.now();
  try {
    await cli('up', '--wait');
  } catch (error) {
    await cli('down').catch(() => undefined);
    throw error;
  }
  const up = performance.now() - t0;
  const t1 = performance.now();
  await cli('down');
  return { up, down: performance.now() - t1 };
}

async function selurRound(project: string): Promise<{ up: number; down: number }> {
  const runtime = dockerRuntime();
  const t0 = performance.now();
  const stack = await selurProject(project).up({ runtime, wait: true });
  const up = performance.now() - t0;
  const t1 = performance.now();
  await stack.down();
  const down = performance.now() - t1;
  await runtime.close?.();
  return { up, down };
}

/** Figures of one benchmark run. */
export interface DockerBenchResult {
  readonly rounds: number;
  readonly ours: { readonly upMs: number; readonly downMs: number };
  /** The same through the built CLI (spawn to exit). */
  readonly cli: { readonly upMs: number; readonly downMs: number };
  readonly cliUpRatio: number;
  readonly cliDownRatio: number;
  /** The CLI of BENCH_DOCKER_COMPARE's checkout, when given. */
  readonly cliBase?: { readonly upMs: number; readonly downMs: number; readonly upRatio: number; readonly downRatio: number };
  readonly dockerCompose: { readonly upMs: number; readonly downMs: number };
  readonly upRatio: number;
  readonly downRatio: number;
}

/** Runs both tools `rounds` times, alternating, and reports medians and ratios. */
export async function runDockerBench(rounds = 3): Promise<DockerBenchResult> {
  if (!existsSync(CLI)) throw new Error(`docker bench: ${CLI} is missing; run \`pnpm build\` first`);
  if (COMPARE_CLI !== undefined && !existsSync(COMPARE_CLI)) throw new Error(`docker bench: ${COMPARE_CLI} is missing; build that checkout first`);
  await ensureImage();
  const dir = await mkdtemp(join(tmpdir(), 'selur-bench-compose-'));
  await writeFile(join(dir, 'docker-compose.yml'), composeYaml());
  const ours: { up: number; down: number }[] = [];
  const theirs: { up: number; down: number }[] = [];
  const cli: { up: number; down: number }[] = [];
  const cliBase: { up: number; down: number }[] = [];
  try {
    for (let i = 0; i < rounds; i++) {
      theirs.push(await composeRound(dir, `benchdc${i}`));
      ours.push(await selurRound(`benchsc${i}`));
      if (COMPARE_CLI !== undefined && i % 2 === 1) cliBase.push(await cliRound(dir, `benchclib${i}`, COMPARE_CLI));
      cli.push(await cliRound(dir, `benchcli${i}`));
      if (COMPARE_CLI !== undefined && i % 2 === 0) cliBase.push(await cliRound(dir, `benchclib${i}`, COMPARE_CLI));
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const result = {
    rounds,
    ours: { upMs: median(ours.map((r) => r.up)), downMs: median(ours.map((r) => r.down)) },
    dockerCompose: { upMs: median(theirs.map((r) => r.up)), downMs: median(theirs.map((r) => r.down)) },
    cli: { upMs: median(cli.map((r) => r.up)), downMs: median(cli.map((r) => r.down)) },
  };
  const base = cliBase.length === 0 ? undefined : { upMs: median(cliBase.map((r) => r.up)), downMs: median(cliBase.map((r) => r.down)) };
  return {
    ...result,
    ...(base ? { cliBase: { ...base, upRatio: base.upMs / result.dockerCompose.upMs, downRatio: base.downMs / result.dockerCompose.downMs } } : {}),
    upRatio: result.ours.upMs / result.dockerCompose.upMs,
    downRatio: result.ours.downMs / result.dockerCompose.downMs,
    cliUpRatio: result.cli.upMs / result.dockerCompose.upMs,
    cliDownRatio: result.cli.downMs / result.dockerCompose.downMs,
  };
}

export function printDockerBench(r: DockerBenchResult): void {
  console.log(`docker: 10 services, 5 levels, healthchecks; median of ${r.rounds} rounds (same engine, same run)`);
  console.log(`  up (until all healthy): ours ${formatMs(r.ours.upMs)}  docker-compose ${formatMs(r.dockerCompose.upMs)}  ratio ${r.upRatio.toFixed(2)}× (target ≤ 0.70×)`);
  console.log(`  down:                   ours ${formatMs(r.ours.downMs)}  docker-compose ${formatMs(r.dockerCompose.downMs)}  ratio ${r.downRatio.toFixed(2)}× (target ≤ 0.70×)`);
  console.log(`  CLI up --wait:          ${formatMs(r.cli.upMs)}  ratio ${r.cliUpRatio.toFixed(2)}× (target ≤ 0.70×)`);
  console.log(`  CLI down:               ${formatMs(r.cli.downMs)}  ratio ${r.cliDownRatio.toFixed(2)}× (target ≤ 0.70×)`);
  if (r.cliBase) {
    console.log(`  compare CLI up --wait:  ${formatMs(r.cliBase.upMs)}  ratio ${r.cliBase.upRatio.toFixed(2)}×  (${COMPARE})`);
    console.log(`  compare CLI down:       ${formatMs(r.cliBase.downMs)}  ratio ${r.cliBase.downRatio.toFixed(2)}×`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  printDockerBench(await runDockerBench(Number(process.env.BENCH_ROUNDS ?? 3)));
}
