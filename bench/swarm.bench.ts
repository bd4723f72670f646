/**
 * Swarm benchmark: a 10-service stack (each with a healthcheck) brought up until every task is
 * running and healthy, by `project.up({ runtime: swarmRuntime() })` and by `docker stack deploy` followed by
 * polling the engine (every 100 ms, as ours polls), on the same single-node swarm, in the same run,
 * interleaved. Each round is torn down (ours: `stack.down()`; theirs: `docker stack rm`, waited until the
 * containers are gone) before the next; only the `up` until healthy is timed.
 *
 * The engine must NOT be in Swarm mode already: this puts it into Swarm mode on 127.0.0.1 and
 * always leaves afterwards (and removes docker_gwbridge). Hold the Docker lock around it:
 *
 *   flock /tmp/docker.lock pnpm bench swarm     (BENCH_ROUNDS=3 for more rounds; default 2)
 */
import { execFile, execFileSync } from 'node:child_process';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Project } from '@selur/compose';
import { swarmRuntime } from '@selur/compose-swarm';
import { formatMs, median } from './stats.js';

const run = promisify(execFile);
const IMAGE = 'selur-compose-bench/busybox:latest';
const SERVICES = Array.from({ length: 10 }, (_, i) => `s${i}`);
const COMMAND = ['sh', '-c', "trap 'exit 0' TERM; sleep 0.2; touch /tmp/ready; while :; do sleep 0.1; done"];

async function ensureImage(): Promise<void> {
  try {
    await run('docker', ['image', 'inspect', IMAGE]);
  } catch {
    const dir = await mkdtemp(join(tmpdir(), 'selur-bench-image-'));
    await copyFile('/usr/bin/busybox', join(dir, 'busybox'));
    await writeFile(join(dir, 'Dockerfile'), 'FROM scratch\nCOPY busybox /bin/busybox\nRUN ["/bin/busybox","--install","-s","/bin"]\nRUN ["/bin/mkdir","-p","/tmp"]\n');
    await run('docker', ['build', '-q', '-t', IMAGE, dir]);
    await rm(dir, { recursive: true, force: true });
  }
}

function stackYaml(): string {
  const lines = ["version: '3.8'", 'services:'];
  for (const name of SERVICES) {
    lines.push(`  ${name}:`, `    image: ${IMAGE}`, `    command: ${JSON.stringify(COMMAND)}`);
    lines.push('    healthcheck:', '      test: ["CMD-SHELL", "test -f /tmp/ready"]', '      interval: 1s', '      timeout: 1s', '      retries: 5');
    lines.push('    stop_grace_period: 2s', '    deploy:', '      endpoint_mode: dnsrr');
  }
  return `${lines.join('\n')}\n`;
}

function project(name: string): Project {
  const p = new Project(name);
  for (const s of SERVICES) {
    p.service(s, (svc) => {
      svc.image(IMAGE).command(COMMAND).healthcheck({ test: 'test -f /tmp/ready', interval: '1s', timeout: '1s', retries: 5 });
      svc.stopGracePeriod('2s').deploy({ endpoint_mode: 'dnsrr' });
    });
  }
  return p;
}

async function count(label: string, healthy: boolean): Promise<number> {
  const { stdout } = await run('docker', ['ps', '-q', '--filter', `label=${label}`, ...(healthy ? ['--filter', 'health=healthy'] : [])]);
  return stdout.split('\n').filter(Boolean).length;
}

async function until(check: () => Promise<boolean>, what: string, limitMs = 120_000): Promise<void> {
  const end = Date.now() + limitMs;
  for (let i = 0; Date.now() < end && i < limitMs / 100; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`swarm bench: ${what} did not happen within ${limitMs} ms`);
}

export async function runSwarmBench(rounds: number): Promise<{ oursMs: number[]; stackMs: number[] }> {
  await ensureImage();
  execFileSync('docker', ['swarm', 'init', '--advertise-addr', '127.0.0.1'], { stdio: 'ignore' });
  const swarm = swarmRuntime({ pollIntervalMs: 100 });
  const dir = await mkdtemp(join(tmpdir(), 'selur-bench-swarm-'));
  const oursMs: number[] = [];
  const stackMs: number[] = [];
  try {
    await writeFile(join(dir, 'stack.yml'), stackYaml());
    for (let round = 0; round < rounds; round++) {
      const ours = `benchswarm-ours-${round}`;
      let t = performance.now();
      const stack = await project(ours).up({ runtime: swarm });
      oursMs.push(performance.now() - t);
      await stack.down();

      const theirs = `benchswarm-stack-${round}`;
      const label = `com.docker.stack.namespace=${theirs}`;
      t = performance.now();
      await run('docker', ['stack', 'deploy', '--resolve-image', 'never', '-c', join(dir, 'stack.yml'), theirs]);
      await until(async () => (await count(label, true)) >= SERVICES.length, 'docker stack deploy healthy');
      stackMs.push(performance.now() - t);
      await run('docker', ['stack', 'rm', theirs]);
      await until(async () => (await count(label, false)) === 0, 'docker stack rm');
    }
  } finally {
    await swarm.close();
    await rm(dir, { recursive: true, force: true });
    try {
      execFileSync('docker', ['swarm', 'leave', '--force'], { stdio: 'ignore' });
    } finally {
      execFileSync('docker', ['network', 'rm', 'docker_gwbridge'], { stdio: 'ignore' });
    }
  }
  return { oursMs, stackMs };
}

export function printSwarmBench(r: { oursMs: number[]; stackMs: number[] }): void {
  const ours = median(r.oursMs);
  const stack = median(r.stackMs);
  console.log(`swarm: ${SERVICES.length} services with healthchecks on a single-node swarm, up until all healthy, median of ${r.oursMs.length} interleaved rounds`);
  console.log(`  project.up({ runtime: swarmRuntime() }) ${formatMs(ours)} (${r.oursMs.map((m) => m.toFixed(0)).join(', ')} ms)`);
  console.log(`  docker stack deploy + polling ${formatMs(stack)} (${r.stackMs.map((m) => m.toFixed(0)).join(', ')} ms)`);
  console.log(`  ratio ours / stack deploy: ${(ours / stack).toFixed(2)}×`);
}
