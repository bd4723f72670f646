/**
 * Engine benchmark on the process runtime (real host processes).
 *
 * 1. A 200-service dependency graph (10 levels of mixed width, each service depending on 1–3
 *    services of the level above, `service_healthy`), each service ready a fixed 100 ms after it
 *    starts, with a log wait. Reports `up` wall time (median of {@link ROUNDS} rounds) against the
 *    critical path (depth × 100 ms; target ≤ 1.15×), and, in the same run:
 *    - the floor: the same graph and services run by a bare script that does nothing but spawn
 *      each service once its dependencies printed their line (no state, no files, no events): what
 *      process creation alone costs on this machine;
 *    - the strictly sequential baseline (each service started only once the previous one is
 *      ready, as the older Rust CLI does), with the speed-up.
 *    The service is one process that becomes ready 100 ms after it starts and starts no process
 *    of its own. The main one is native (`fixtures/ready-after.c`, compiled with the host's C
 *    compiler): what it costs to start is the machine's exec, as for a compiled service. The
 *    up and floor ratios of the other services are reported in the same run: `perl -e` sleeping
 *    in-process (an interpreter to load: 1–2 ms of CPU per start, 36 at once in the widest
 *    level), and a shell that forks `sleep` and `date`. Without a C compiler the Perl service is
 *    the main one, without Perl the shell one; `BENCH_FIXTURE=native|perl|shell` picks it.
 * 2. Readiness detection latency: 20 node servers that start listening 100 ms after start and
 *    print the time they did; median delay from listening to the `service.healthy` event of a
 *    port wait (target < 50 ms).
 *
 * Run: `node --import tsx bench/engine.bench.ts` (add `--quick` to skip the sequential baseline).
 * A bench runner can import {@link runEngineBench} instead.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, openSync, readSync, closeSync, rmSync, watch } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Project } from '../packages/compose/src/project.js';
import { processRuntime } from '../packages/compose/src/adapters/process/process-runtime.js';
import { inlineSpawner, type HeldChild } from '../packages/compose/src/adapters/process/spawn/child-spawner.js';
import { findProgram } from '../packages/compose/src/adapters/process/spawn/program-path.js';
import { ZygoteSpawner } from '../packages/compose/src/adapters/process/spawn/zygote.js';
import { Wait } from '../packages/compose/src/model/wait.js';
import type { ComposeEvent } from '../packages/compose/src/engine/events.js';
import type { Runtime } from '../packages/compose/src/runtime/types.js';
import { MemoryRuntime } from '../packages/compose/test/support/memory-runtime.js';
import { findGc } from './stats.js';

/** Figures of one {@link runEngineBench} run (milliseconds). */
export interface EngineBenchResult {
  readonly runtime: string;
  /** The service used for the main figures (see {@link Fixture}). */
  readonly fixture: Fixture;
  readonly rounds: number;
  readonly services: number;
  readonly depth: number;
  readonly readyAfterMs: number;
  /** `up` of the whole graph, wall time. */
  readonly upMs: number;
  /** depth × readyAfterMs. */
  readonly criticalPathMs: number;
  /** upMs / criticalPathMs. Target ≤ 1.15. */
  readonly ratio: number;
  /** Every round's `up` (ms). */
  readonly upRoundsMs: readonly number[];
  /** The same graph run by a bare spawn loop (see bareRun): median of 3 (ms). */
  readonly floorMs: number;
  /** floorMs / criticalPathMs. */
  readonly floorRatio: number;
  /**
   * The held-child floor: the graph run by the process runtime's own start mechanism alone. Every
   * service is a held child of the zygote before the clock starts; each is released once its
   * dependencies wrote their line to their output file (seen through `fs.watch`). No state, no
   * events, no engine: what `up` costs beyond this is its bookkeeping. Undefined without Perl.
   */
  readonly heldFloorMs: number | undefined;
  /** heldFloorMs / criticalPathMs. */
  readonly heldFloorRatio: number | undefined;
  /** The other services this machine can run: `up` and floor ratios of each, median of 3. */
  readonly others: readonly { readonly fixture: Fixture; readonly ratio: number; readonly floorRatio: number }[];
  /** The same graph started strictly one service after another (undefined with `sequential: false`). */
  readonly sequentialMs: number | undefined;
  /** sequentialMs / upMs. */
  readonly speedup: number | undefined;
  /** `down` of the whole graph. */
  readonly downMs: number;
  /** Median delay from a `ready <time>` line (native and shell services) to `service.healthy` (log wait). */
  readonly logReadinessMedianMs: number;
  /**
   * The same graph on the in-memory test runtime (real timers, each service logging "ready"
   * 100 ms after start, runtime operations instant): the engine's own overhead, without the
   * process runtime's cost per operation.
   */
  readonly engineOnlyUpMs: number;
  /** engineOnlyUpMs / criticalPathMs. */
  readonly engineOnlyRatio: number;
  /** Median / p90 delay from a server listening to its `service.healthy` event (port wait). Target median < 50. */
  readonly portReadinessMedianMs: number;
  readonly portReadinessP90Ms: number;
  readonly portReadinessSamples: number;
}

const WIDTHS = [4, 10, 18, 26, 32, 36, 30, 22, 14, 8]; // 200 services, depth 10
const READY_MS = 100;
/** Rounds of the main measurement (the median is reported: this machine's timing noise is ±5 %). */
const ROUNDS = 5;

/** A service ready {@link READY_MS} after it starts, printing `ready` (native and shell ones add the epoch ms). */
export type Fixture = 'native' | 'perl' | 'shell';

/** The command of each service this machine can run (see {@link fixtures}). */
type Fixtures = Partial<Record<Fixture, readonly string[]>>;

const FIXTURE_SOURCE = fileURLToPath(new URL('./fixtures/ready-after.c', import.meta.url));

/**
 * The services this machine can run. Native: `fixtures/ready-after.c` compiled into `dir` with the
 * first C compiler found (static when the C library allows it, which makes its start cheapest).
 * Perl: one process that sleeps in-process, then prints its line (loading Time::HiRes to print
 * the time would cost it more than the orchestrator's whole share, so its lines carry no time).
 * Shell: forks `sleep`, then `date`, then execs `sleep`.
 */
export function fixtures(dir: string): Fixtures {
  const out: Fixtures = { shell: ['sh', '-c', `sleep ${READY_MS / 1000}; echo ready $(date +%s%3N); exec sleep 3600`] };
  if (spawnSync('perl', ['-e', '1'], { stdio: 'ignore' }).status === 0)
    out.perl = ['perl', '-e', `select(undef, undef, undef, ${READY_MS / 1000}); $| = 1; print "ready\\n"; sleep 3600`];
  const binary = join(dir, 'ready-after');
  for (const compiler of ['cc', 'gcc', 'clang']) {
    const built = [['-static'], []].some((extra) => spawnSync(compiler, ['-O2', ...extra, '-o', binary, FIXTURE_SOURCE], { stdio: 'ignore' }).status === 0);
    if (built) {
      out.native = [binary, String(READY_MS)];
      break;
    }
  }
  return out;
}

/** The main service: the one picked by `BENCH_FIXTURE`, else native, else Perl, else shell. */
function mainFixture(available: Fixtures): Fixture {
  const picked = process.env.BENCH_FIXTURE as Fixture | undefined;
  if (picked !== undefined) {
    if (!available[picked]) throw new Error(`BENCH_FIXTURE=${picked}: this machine cannot run that service (native needs a C compiler, perl needs Perl)`);
    return picked;
  }
  return available.native ? 'native' : available.perl ? 'perl' : 'shell';
}

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

interface GraphNode {
  readonly name: string;
  readonly deps: readonly string[];
}

/** The benchmark graph: levels of {@link WIDTHS}, each node depending on 1–3 nodes of the level above. */
export function benchGraph(): GraphNode[] {
  const random = prng(42);
  const levels: string[][] = WIDTHS.map((w, l) => Array.from({ length: w }, (_, i) => `s${l}-${i}`));
  const nodes: GraphNode[] = [];
  for (const [l, level] of levels.entries()) {
    for (const name of level) {
      const above = levels[l - 1] ?? [];
      const count = above.length === 0 ? 0 : 1 + Math.floor(random() * 3);
      const deps = new Set<string>();
      while (deps.size < Math.min(count, above.length)) deps.add(above[Math.floor(random() * above.length)] as string);
      nodes.push({ name, deps: [...deps] });
    }
  }
  return nodes;
}

/** Every project the bench starts, so that `finally` can take down what an interrupted run left. */
const started: Project[] = [];

function graphProject(nodes: readonly GraphNode[], sequential: boolean, command: readonly string[]): Project {
  const project = new Project();
  started.push(project);
  nodes.forEach((node, i) => {
    // Sequential baseline: each service waits for the one before it (and nothing else).
    const deps = sequential ? (i === 0 ? [] : [(nodes[i - 1] as GraphNode).name]) : node.deps;
    project.service(node.name, (s) => {
      s.command([...command]).waitFor(Wait.forLog(/^ready/).withTimeout(60_000));
      for (const d of deps) s.dependsOn(d, { condition: 'healthy' });
      return s;
    });
  });
  return project;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : (sorted[Math.floor((sorted.length - 1) / 2)] as number);
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : (sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number);
}

/**
 * The floor: the graph run by nothing but `spawn()` (stdout piped, each service started once its
 * dependencies printed their line). No state, no files, no events, no checks.
 */
async function bareRun(nodes: readonly GraphNode[], command: readonly string[]): Promise<number> {
  const [program, ...args] = command as [string, ...string[]];
  const ready = new Map<string, Promise<void>>();
  const pids: number[] = [];
  collectGarbage();
  const begin = performance.now();
  try {
    for (const node of nodes) {
      ready.set(node.name, (async () => {
        await Promise.all(node.deps.map((d) => ready.get(d)));
        await new Promise<void>((resolve, reject) => {
          const child = spawn(program, args, { detached: true, stdio: ['ignore', 'pipe', 'ignore'] });
          if (child.pid !== undefined) pids.push(child.pid);
          child.once('error', reject);
          child.stdout?.on('data', (chunk: Buffer) => {
            if (chunk.includes('ready')) resolve();
          });
        });
      })());
    }
    await Promise.all(ready.values());
    return performance.now() - begin;
  } finally {
    for (const pid of pids) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // gone already
      }
    }
  }
}

/** See {@link EngineBenchResult.heldFloorMs}. Undefined when the zygote cannot run here (no Perl). */
async function heldRun(spawner: ZygoteSpawner, nodes: readonly GraphNode[], command: readonly string[], dir: string): Promise<number | undefined> {
  if (!findProgram('perl', process.env.PATH)) return undefined;
  const [program, ...args] = command as [string, ...string[]];
  const path = program.includes('/') ? program : (findProgram(program, process.env.PATH) ?? program);
  const held = new Map<string, { child: HeldChild; out: string }>();
  try {
    for (const [i, node] of nodes.entries()) {
      const out = join(dir, `held-${i}.out`);
      const child = await spawner.spawnHeld({ program: path, argv0: program, args, cwd: dir, env: { ...process.env }, stdout: out, stderr: join(dir, `held-${i}.err`) });
      held.set(node.name, { child, out });
    }
    const ready = new Map<string, Promise<void>>();
    collectGarbage();
    const begin = performance.now();
    for (const node of nodes) {
      ready.set(node.name, (async () => {
        await Promise.all(node.deps.map((d) => ready.get(d)));
        const { child, out } = held.get(node.name) as { child: HeldChild; out: string };
        child.release();
        await lineIn(out, 'ready');
      })());
    }
    await Promise.all(ready.values());
    return performance.now() - begin;
  } finally {
    for (const { child } of held.values()) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // gone already
      }
    }
    await Promise.all([...held.values()].map(({ child }) => child.exited));
  }
}

/** Resolves once `file` holds `text` (watched, with a 100 ms poll behind the watcher). */
function lineIn(file: string, text: string): Promise<void> {
  return new Promise((resolve) => {
    const fd = openSync(file, 'r');
    const buffer = Buffer.alloc(256);
    const check = () => {
      const length = readSync(fd, buffer, 0, buffer.length, 0);
      if (!buffer.subarray(0, length).includes(text)) return;
      watcher.close();
      clearInterval(poll);
      closeSync(fd);
      resolve();
    };
    const watcher = watch(file, check);
    const poll = setInterval(check, 100);
    check();
  });
}

/**
 * Collects the garbage of the runs before, so that each timed run starts from the same heap (a
 * collection of what the previous round left would otherwise land in the next one's time).
 */
const collectGarbage: () => void = findGc() ?? (() => undefined);

async function timedUp(project: Project, stateDir: string | undefined): Promise<{ upMs: number; downMs: number; logLatencies: number[] }> {
  const runtime: Runtime = stateDir === undefined ? memoryBenchRuntime(project) : processRuntime({ stateDir });
  const healthyAt = new Map<string, number>();
  collectGarbage();
  const started = performance.now();
  const stack = await project.up({
    runtime,
    onEvent: (e: ComposeEvent) => {
      if (process.env.BENCH_DEBUG) console.error(Math.round(performance.now() - started), e.type, "service" in e ? e.service : "");
      if (e.type === 'service.healthy') healthyAt.set(e.service, e.time.getTime());
    },
  });
  const upMs = performance.now() - started;
  const logLatencies: number[] = [];
  for await (const line of stack.logs()) {
    const m = /^ready (\d+)/.exec(line.text);
    const at = healthyAt.get(line.service);
    if (m && at !== undefined) logLatencies.push(at - Number(m[1]));
  }
  const downStarted = performance.now();
  await stack.down({ timeout: 2_000 });
  const downMs = performance.now() - downStarted;
  await runtime.close?.();
  return { upMs, downMs, logLatencies };
}

function memoryBenchRuntime(project: Project): MemoryRuntime {
  const runtime = new MemoryRuntime();
  for (const name of Object.keys(project.toJSON().services)) runtime.behaviours.set(name, { lateLogs: ['ready NOW'], logAfterMs: READY_MS });
  // Stamp the real time into the "ready" line when it is written.
  const write = runtime.write.bind(runtime);
  runtime.write = (id, text, stream) => write(id, text.replace('NOW', String(Date.now())), stream);
  return runtime;
}

async function portReadiness(stateDir: string, count = 20): Promise<number[]> {
  const runtime = processRuntime({ stateDir });
  const project = new Project();
  started.push(project);
  const server = `setTimeout(() => require('net').createServer((s) => s.end()).listen(+process.env.PORT, '127.0.0.1', () => console.log('listening ' + Date.now())), ${READY_MS})`;
  for (let i = 0; i < count; i++) project.service(`web${i}`, (s) => s.command([process.execPath, '-e', server]).port('0:8080').waitFor(Wait.forPort(8080)));
  const healthyAt = new Map<string, number>();
  const stack = await project.up({ runtime, onEvent: (e) => (e.type === 'service.healthy' ? void healthyAt.set(e.service, e.time.getTime()) : undefined) });
  const latencies: number[] = [];
  for await (const line of stack.logs()) {
    const m = /^listening (\d+)/.exec(line.text);
    const at = healthyAt.get(line.service);
    if (m && at !== undefined) latencies.push(at - Number(m[1]));
  }
  await stack.down({ timeout: 2_000 });
  await runtime.close();
  return latencies;
}

/**
 * Runs the engine benchmark and returns its figures.
 *
 * @example
 * ```ts
 * const r = await runEngineBench();
 * console.log(r.ratio <= 1.15, r.portReadinessMedianMs < 50);
 * ```
 */
export async function runEngineBench(options: { readonly sequential?: boolean; readonly rounds?: number } = {}): Promise<EngineBenchResult> {
  const stateDir = mkdtempSync(join(tmpdir(), 'engine-bench-'));
  // Keep the event loop alive: the process runtime unrefs its own timers and children.
  const keepAlive = setInterval(() => undefined, 1_000);
  const binDir = mkdtempSync(join(tmpdir(), 'engine-bench-bin-'));
  const rounds = options.rounds ?? ROUNDS;
  try {
    const available = fixtures(binDir);
    const fixture = mainFixture(available);
    const command = available[fixture] as readonly string[];
    const nodes = benchGraph();
    const criticalPathMs = WIDTHS.length * READY_MS;
    // Warm-up (module loading, JIT) on the same graph, not measured: on the memory runtime,
    // then a small graph on the process runtime.
    await timedUp(graphProject(nodes, false, command), undefined);
    await timedUp(graphProject(nodes.slice(0, 4), false, command), stateDir);
    const runs: Awaited<ReturnType<typeof timedUp>>[] = [];
    const floors: number[] = [];
    const heldFloors: number[] = [];
    const heldSpawner = new ZygoteSpawner(inlineSpawner); // its own zygote, as a process runtime has
    for (let i = 0; i < rounds; i++) {
      runs.push(await timedUp(graphProject(nodes, false, command), stateDir));
      if (i < 3) floors.push(await bareRun(nodes, command));
      if (i < 3) {
        const held = await heldRun(heldSpawner, nodes, command, mkdtempSync(join(binDir, 'held-')));
        if (held !== undefined) heldFloors.push(held);
      }
    }
    const graph = [...runs].sort((a, b) => a.upMs - b.upMs)[Math.floor((runs.length - 1) / 2)] as (typeof runs)[number];
    const logLatencies = runs.flatMap((r) => r.logLatencies); // native and shell lines carry their time
    const others: { fixture: Fixture; ratio: number; floorRatio: number }[] = [];
    for (const other of (['native', 'perl', 'shell'] as const).filter((f) => f !== fixture)) {
      const otherCommand = available[other];
      if (!otherCommand) continue;
      const ups: Awaited<ReturnType<typeof timedUp>>[] = [];
      const otherFloors: number[] = [];
      for (let i = 0; i < 3; i++) {
        ups.push(await timedUp(graphProject(nodes, false, otherCommand), stateDir));
        otherFloors.push(await bareRun(nodes, otherCommand));
      }
      others.push({ fixture: other, ratio: Number((median(ups.map((u) => u.upMs)) / criticalPathMs).toFixed(3)), floorRatio: Number((median(otherFloors) / criticalPathMs).toFixed(3)) });
      logLatencies.push(...ups.flatMap((u) => u.logLatencies));
    }
    const sequential = options.sequential === false ? undefined : await timedUp(graphProject(nodes, true, command), stateDir);
    const port = await portReadiness(stateDir);
    const engineOnly = await timedUp(graphProject(nodes, false, command), undefined);
    const floorMs = median(floors);
    return {
      runtime: 'process',
      fixture,
      rounds,
      services: nodes.length,
      depth: WIDTHS.length,
      readyAfterMs: READY_MS,
      upMs: Math.round(graph.upMs),
      upRoundsMs: runs.map((r) => Math.round(r.upMs)),
      criticalPathMs,
      ratio: Number((graph.upMs / criticalPathMs).toFixed(3)),
      floorMs: Math.round(floorMs),
      floorRatio: Number((floorMs / criticalPathMs).toFixed(3)),
      heldFloorMs: heldFloors.length > 0 ? Math.round(median(heldFloors)) : undefined,
      heldFloorRatio: heldFloors.length > 0 ? Number((median(heldFloors) / criticalPathMs).toFixed(3)) : undefined,
      others,
      sequentialMs: sequential ? Math.round(sequential.upMs) : undefined,
      speedup: sequential ? Number((sequential.upMs / graph.upMs).toFixed(2)) : undefined,
      downMs: Math.round(graph.downMs),
      engineOnlyUpMs: Math.round(engineOnly.upMs),
      engineOnlyRatio: Number((engineOnly.upMs / criticalPathMs).toFixed(3)),
      logReadinessMedianMs: median(logLatencies),
      portReadinessMedianMs: median(port),
      portReadinessP90Ms: percentile(port, 0.9),
      portReadinessSamples: port.length,
    };
  } finally {
    const cleanup = processRuntime({ stateDir });
    for (const project of started.splice(0)) await project.down({ runtime: cleanup, timeout: 1_000 }).catch(() => undefined);
    await cleanup.close();
    clearInterval(keepAlive);
    rmSync(stateDir, { recursive: true, force: true });
    rmSync(binDir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = await runEngineBench({ sequential: !process.argv.includes('--quick') });
  console.log(JSON.stringify(result, null, 2));
  console.log(`up ${result.upMs} ms (median of ${result.rounds}, ${result.fixture} service) vs critical path ${result.criticalPathMs} ms: ${result.ratio}× (target ≤ 1.15); floor (bare spawn loop) ${result.floorRatio}×`);
  for (const o of result.others) console.log(`  ${o.fixture} service: up ${o.ratio}×, floor ${o.floorRatio}×`);
  if (result.sequentialMs !== undefined) console.log(`sequential baseline ${result.sequentialMs} ms: speed-up ${result.speedup}×`);
  console.log(`engine only (memory runtime, real timers): up ${result.engineOnlyUpMs} ms: ${result.engineOnlyRatio}×`);
  console.log(`readiness (port) median ${result.portReadinessMedianMs} ms, p90 ${result.portReadinessP90Ms} ms (target median < 50)`);
}
