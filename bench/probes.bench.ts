/**
 * Probe-rate benchmark on the process runtime (issue 14: "command healthchecks on a 40-service DAG
 * take 1.9× the time of a hand-written starter that polls sockets, while the same graph with
 * `Wait.forPort` takes 1.09×"; target ≤ 1.3×).
 *
 * A 40-service graph in 5 levels (each service depending on 1–2 services of the level above,
 * `service_healthy`). Each service sleeps {@link SLEEP_MS}, then works {@link WORK_MS} of its own
 * CPU time (a server initialising: it competes for the CPU with whatever else runs), then listens
 * on `$PORT`. Three ways to bring the graph up, interleaved, {@link ROUNDS} rounds, medians:
 *
 * - baseline: a hand-written starter that spawns the same processes in dependency order and polls
 *   each one's socket (a TCP connect every {@link STARTER_POLL_MS} ms) until it accepts;
 * - `up` with a command healthcheck on every service (`["CMD", probe]`: one process per probe,
 *   which exits 0 once `127.0.0.1:$PORT` accepts a connection);
 * - `up` with `Wait.forPort` on every service (the engine connects itself).
 *
 * The probe is native (`fixtures/port-probe.c`, compiled with the host's C compiler: the price of
 * an exec) and, when Perl is installed, also a Perl one-liner with IO::Socket (an interpreter and
 * a module to load: what `pg_isready`, `redis-cli ping` or `curl` cost, roughly), reported beside.
 * Without a C compiler the services and the probe are Perl; without either the bench fails.
 *
 * Each round's three runs share the machine's load of the moment: the ratios of each round to its
 * own starter are reported beside the ratios of the medians. `BENCH_PROBES_TRACE=1` also reports
 * where the healthcheck runs' time goes, per service, and their CPU time (see {@link ProbesTrace}).
 *
 * Run: `node --import tsx bench/probes.bench.ts`; a bench runner imports {@link runProbesBench}.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Project } from '../packages/compose/src/project.js';
import { processRuntime } from '../packages/compose/src/adapters/process/process-runtime.js';
import { Wait } from '../packages/compose/src/model/wait.js';
import { findGc, median } from './stats.js';

const LEVELS = [4, 8, 12, 10, 6]; // 40 services, depth 5
const SLEEP_MS = 100;
const WORK_MS = 20;
const STARTER_POLL_MS = 10;
const ROUNDS = Number(process.env.BENCH_PROBES_ROUNDS ?? 5);
/** `BENCH_PROBES_TRACE=1`: where a healthcheck run's time goes, per service (see {@link ProbesTrace}). */
const TRACE = process.env.BENCH_PROBES_TRACE === '1';

/** The probes this machine can run, by name. */
export type ProbeKind = 'native' | 'perl';

/** Figures of one {@link runProbesBench} run (milliseconds). */
export interface ProbesBenchResult {
  readonly services: number;
  readonly depth: number;
  readonly rounds: number;
  /** What the services are (`native` or `perl`). */
  readonly service: ProbeKind;
  /** The hand-written starter polling sockets: median. */
  readonly starterMs: number;
  /** `up` with `Wait.forPort`: median and its ratio to the starter. */
  readonly portMs: number;
  readonly portRatio: number;
  /** Ratios of `Wait.forPort` to the starter of the same round: lowest, median, highest. */
  readonly portRounds: Spread;
  /**
   * `up` with a command healthcheck, per probe kind: median, ratio to the starter, the ratios of
   * each round to the starter of that round (lowest, median, highest), probes run per service
   * (median), a probe's duration (median).
   */
  readonly healthchecks: readonly { readonly probe: ProbeKind; readonly upMs: number; readonly ratio: number; readonly rounds: Spread; readonly probesPerService: number; readonly probeMs: number }[];
  /** With `BENCH_PROBES_TRACE=1` and native services: the healthcheck runs (first probe kind) traced. */
  readonly trace?: ProbesTrace | undefined;
}

/** Lowest, median and highest of a few figures. */
export interface Spread {
  readonly min: number;
  readonly median: number;
  readonly max: number;
}

function spread(values: readonly number[]): Spread {
  return { min: Math.min(...values), median: median(values), max: Math.max(...values) };
}

/** Each run's ratio to the starter of its own round. */
function perRound(runs: readonly number[], starters: readonly number[]): Spread {
  return spread(runs.map((ms, i) => ms / (starters[i] as number)));
}

interface Node {
  readonly name: string;
  readonly deps: readonly string[];
}

function graph(): Node[] {
  let seed = 7;
  const random = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32);
  const levels = LEVELS.map((w, l) => Array.from({ length: w }, (_, i) => `p${l}-${i}`));
  return levels.flatMap((level, l) =>
    level.map((name) => {
      const above = levels[l - 1] ?? [];
      const deps = new Set<string>();
      const count = above.length === 0 ? 0 : 1 + Math.floor(random() * 2);
      while (deps.size < count) deps.add(above[Math.floor(random() * above.length)] as string);
      return { name, deps: [...deps] };
    }),
  );
}

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

interface Commands {
  readonly service: ProbeKind;
  readonly server: readonly string[];
  readonly probes: Partial<Record<ProbeKind, readonly string[]>>;
}

const PERL_SERVER = `select(undef, undef, undef, ${SLEEP_MS / 1000}); my $t = times; 1 while times - $t < ${WORK_MS / 1000}; use IO::Socket::INET; my $s = IO::Socket::INET->new(LocalAddr => "127.0.0.1:$ENV{PORT}", Listen => 64, ReuseAddr => 1) or exit 3; while (my $c = $s->accept) { close $c }`;
const PERL_PROBE = `use IO::Socket::INET; exit(IO::Socket::INET->new(PeerAddr => "127.0.0.1:$ENV{PORT}") ? 0 : 1)`;

function commands(dir: string): Commands {
  const perl = spawnSync('perl', ['-e', '1'], { stdio: 'ignore' }).status === 0;
  const compiled = (name: string): string | undefined => {
    const binary = join(dir, name);
    for (const compiler of ['cc', 'gcc', 'clang']) {
      if ([['-static'], []].some((extra) => spawnSync(compiler, ['-O2', ...extra, '-o', binary, join(FIXTURES, `${name}.c`)], { stdio: 'ignore' }).status === 0)) return binary;
    }
    return undefined;
  };
  const server = compiled('listen-after');
  const probe = compiled('port-probe');
  const probes: Partial<Record<ProbeKind, readonly string[]>> = {};
  if (probe) probes.native = [probe];
  if (perl) probes.perl = ['perl', '-e', PERL_PROBE];
  if (server) return { service: 'native', server: [server, String(SLEEP_MS), String(WORK_MS)], probes };
  if (perl) return { service: 'perl', server: ['perl', '-e', PERL_SERVER], probes };
  throw new Error('probes bench: needs a C compiler (cc, gcc or clang) or Perl to run its services');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/** The baseline: spawn each service once its dependencies accept connections; poll its socket. */
async function starter(nodes: readonly Node[], server: readonly string[]): Promise<number> {
  const ports = new Map<string, number>();
  for (const n of nodes) ports.set(n.name, await freePort());
  const [program, ...args] = server as [string, ...string[]];
  const children: ChildProcess[] = [];
  const ready = new Map<string, Promise<void>>();
  collectGarbage();
  const begin = performance.now();
  try {
    for (const node of nodes) {
      ready.set(node.name, (async () => {
        await Promise.all(node.deps.map((d) => ready.get(d)));
        const port = ports.get(node.name) as number;
        const child = spawn(program, args, { detached: true, stdio: 'ignore', env: { ...process.env, PORT: String(port) } });
        children.push(child);
        for (let i = 0; i < 6_000; i++) {
          if (await accepts(port)) return;
          if (child.exitCode !== null) throw new Error(`probes bench: starter service ${node.name} exited ${child.exitCode}`);
          await new Promise((r) => setTimeout(r, STARTER_POLL_MS));
        }
        throw new Error(`probes bench: starter service ${node.name} did not listen within a minute`);
      })());
    }
    await Promise.all(ready.values());
    return performance.now() - begin;
  } finally {
    for (const child of children) {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // gone already
      }
    }
  }
}

const collectGarbage: () => void = findGc() ?? (() => undefined);

/** `up` of the graph, each service ready by `ready` (a healthcheck command, or its port). */
async function engineUp(nodes: readonly Node[], server: readonly string[], ready: { readonly probe: readonly string[] } | 'port', stateDir: string, trace?: ProbesTrace): Promise<{ upMs: number; probes: number; probeMs: number }> {
  const project = new Project();
  for (const node of nodes) {
    project.service(node.name, (s) => {
      s.command([...server]).port('0:8080');
      if (trace) s.env({ LISTEN_TRACE: '1' });
      if (ready === 'port') s.waitFor(Wait.forPort(8080).withTimeout(60_000));
      else s.healthcheck({ test: ['CMD', ...ready.probe], interval: '30s', timeout: '5s', retries: 3 });
      for (const d of node.deps) s.dependsOn(d, { condition: 'healthy' });
      return s;
    });
  }
  const runtime = processRuntime({ stateDir });
  const probeOf = runtime.probeHealth.bind(runtime);
  let probes = 0;
  const durations: number[] = [];
  const seen = trace ? new TraceRun() : undefined;
  runtime.probeHealth = async (id, options) => {
    probes++;
    const at = performance.now();
    const monoAt = monotonicMs();
    let healthy = false;
    try {
      const result = await probeOf(id, options);
      healthy = result.healthy;
      return result;
    } finally {
      durations.push(performance.now() - at);
      seen?.probe(id, monoAt, monotonicMs(), healthy);
    }
  };
  if (seen) {
    const startOf = runtime.startContainer.bind(runtime);
    runtime.startContainer = async (id) => {
      const at = monotonicMs();
      const info = await startOf(id);
      seen.started(id, info.service, at, info.pid);
      return info;
    };
  }
  collectGarbage();
  const cpuBefore = seen ? cpuNow() : undefined;
  const begin = performance.now();
  const monoBegin = monotonicMs();
  try {
    const stack = await project.up({ runtime });
    const upMs = performance.now() - begin;
    if (seen && trace && cpuBefore) seen.finish(trace, nodes, monoBegin, stateDir, cpuBefore);
    await stack.down({ timeout: 2_000 });
    return { upMs, probes, probeMs: median(durations) };
  } catch (error) {
    await project.down({ runtime, timeout: 1_000 }).catch(() => undefined);
    throw error;
  } finally {
    await runtime.close();
  }
}

const monotonicMs = (): number => Number(process.hrtime.bigint()) / 1e6;

/** CPU time (ms) of this process, of the runtime's zygote, and of the children either has reaped (the probes, during an `up`). */
interface CpuSample {
  readonly node: number;
  readonly zygote: number;
  readonly reaped: number;
}

const TICK_MS = 10; // USER_HZ = 100 on Linux

function zygotePid(): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = procStat(Number(entry));
    if (stat && stat.ppid === process.pid && stat.comm === 'perl') return Number(entry);
  }
  return undefined;
}

function procStat(pid: number): { comm: string; ppid: number; cpu: number; reaped: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { comm: text.slice(text.indexOf('(') + 1, text.lastIndexOf(')')), ppid: Number(fields[1]), cpu: (Number(fields[11]) + Number(fields[12])) * TICK_MS, reaped: (Number(fields[13]) + Number(fields[14])) * TICK_MS };
  } catch {
    return undefined;
  }
}

function cpuNow(): CpuSample {
  const usage = process.cpuUsage();
  const zygote = zygotePid();
  const stat = zygote === undefined ? undefined : procStat(zygote);
  // probes are reaped by the zygote, or by this process where it spawns them itself
  return { node: (usage.user + usage.system) / 1_000, zygote: stat?.cpu ?? 0, reaped: (stat?.reaped ?? 0) + (procStat(process.pid)?.reaped ?? 0) };
}

/**
 * Where a healthcheck run's time went (`BENCH_PROBES_TRACE=1`, native services, which then write
 * when they listen): per service, the medians over every service of every round of
 * - `depsReady → start`: its last dependency's passing probe ended → its `startContainer` called;
 * - `start → listening`: the call → its server listens (100 ms + 20 ms of CPU, plus the wait for a CPU);
 * - `listening → passing probe`: → the probe that passed was started;
 * - `passing probe`: that probe's duration (a process started, run and reaped, then the port-owner check);
 * - `probes before`: failed probes before it;
 * and the CPU time of the whole `up`: this process (engine and runtime), the zygote, the probes
 * (children reaped by either), and the services (their own CPU, read before `down`).
 */
export interface ProbesTrace {
  readonly segments: Record<'depsReadyToStart' | 'startToListening' | 'listeningToProbe' | 'passingProbe' | 'probesBefore', number[]>;
  readonly cpu: Record<'node' | 'zygote' | 'probes' | 'services', number[]>;
}

function newTrace(): ProbesTrace {
  return { segments: { depsReadyToStart: [], startToListening: [], listeningToProbe: [], passingProbe: [], probesBefore: [] }, cpu: { node: [], zygote: [], probes: [], services: [] } };
}

class TraceRun {
  readonly #services = new Map<string, { service: string; startAt: number; pid: number | undefined }>();
  readonly #probes: { id: string; at: number; end: number; healthy: boolean }[] = [];

  started(id: string, service: string, at: number, pid: number | undefined): void {
    this.#services.set(id, { service, startAt: at, pid });
  }

  probe(id: string, at: number, end: number, healthy: boolean): void {
    this.#probes.push({ id, at, end, healthy });
  }

  /** Adds this run to `trace` (before `down`: the services still run and their output files exist). */
  finish(trace: ProbesTrace, nodes: readonly Node[], begin: number, stateDir: string, before: CpuSample): void {
    const after = cpuNow();
    const listening = new Map<string, number>();
    const walk = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
    for (const file of walk(stateDir).filter((f) => f.endsWith('.err'))) {
      const match = /listening ([\d.]+)/.exec(readFileSync(file, 'utf8'));
      if (match) listening.set((file.split('/').pop() as string).slice(0, -'.err'.length), Number(match[1]));
    }
    const byService = new Map([...this.#services].map(([id, s]) => [s.service, { id, ...s }]));
    const readyAt = new Map<string, number>();
    for (const [service, s] of byService) {
      const pass = this.#probes.find((p) => p.id === s.id && p.healthy);
      if (pass) readyAt.set(service, pass.end);
    }
    let servicesCpu = 0;
    for (const node of nodes) {
      const s = byService.get(node.name);
      if (!s) continue;
      const pass = this.#probes.find((p) => p.id === s.id && p.healthy);
      const listen = listening.get(s.id);
      const depsReady = Math.max(begin, ...node.deps.map((d) => readyAt.get(d) ?? begin));
      trace.segments.depsReadyToStart.push(s.startAt - depsReady);
      if (listen !== undefined) trace.segments.startToListening.push(listen - s.startAt);
      if (pass && listen !== undefined) trace.segments.listeningToProbe.push(pass.at - listen);
      if (pass) trace.segments.passingProbe.push(pass.end - pass.at);
      trace.segments.probesBefore.push(this.#probes.filter((p) => p.id === s.id && !p.healthy).length);
      servicesCpu += s.pid === undefined ? 0 : (procStat(s.pid)?.cpu ?? 0);
    }
    trace.cpu.node.push(after.node - before.node);
    trace.cpu.zygote.push(after.zygote - before.zygote);
    trace.cpu.probes.push(after.reaped - before.reaped);
    trace.cpu.services.push(servicesCpu);
  }
}

/**
 * Runs the probes benchmark.
 *
 * @example
 * ```ts
 * const r = await runProbesBench();
 * console.log(r.healthchecks[0]?.ratio, r.portRatio);
 * ```
 */
export async function runProbesBench(rounds = ROUNDS): Promise<ProbesBenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'probes-bench-'));
  const keepAlive = setInterval(() => undefined, 1_000);
  try {
    const { service, server, probes } = commands(dir);
    const kinds = (['native', 'perl'] as const).filter((k) => probes[k] !== undefined);
    const nodes = graph();
    const trace = TRACE && service === 'native' ? newTrace() : undefined;
    // Warm-up (module loading, JIT, the runtime's zygote), not measured.
    await engineUp(nodes.slice(0, 4), server, 'port', join(dir, 'warm'));
    await engineUp(nodes.slice(0, 4), server, { probe: probes[kinds[0] as ProbeKind] as readonly string[] }, join(dir, 'warm'));
    const starterRuns: number[] = [];
    const portRuns: number[] = [];
    const hcRuns = new Map<ProbeKind, { upMs: number; probes: number; probeMs: number }[]>(kinds.map((k) => [k, []]));
    for (let round = 0; round < rounds; round++) {
      starterRuns.push(await starter(nodes, server));
      portRuns.push((await engineUp(nodes, server, 'port', join(dir, `port-${round}`))).upMs);
      for (const kind of kinds) hcRuns.get(kind)?.push(await engineUp(nodes, server, { probe: probes[kind] as readonly string[] }, join(dir, `${kind}-${round}`), kind === kinds[0] ? trace : undefined));
    }
    const starterMs = median(starterRuns);
    const portMs = median(portRuns);
    return {
      services: nodes.length,
      depth: LEVELS.length,
      rounds,
      service,
      starterMs,
      portMs,
      portRatio: portMs / starterMs,
      portRounds: perRound(portRuns, starterRuns),
      healthchecks: kinds.map((probe) => {
        const runs = hcRuns.get(probe) ?? [];
        const upMs = median(runs.map((r) => r.upMs));
        return { probe, upMs, ratio: upMs / starterMs, rounds: perRound(runs.map((r) => r.upMs), starterRuns), probesPerService: median(runs.map((r) => r.probes)) / nodes.length, probeMs: median(runs.map((r) => r.probeMs)) };
      }),
      trace,
    };
  } finally {
    clearInterval(keepAlive);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Prints a {@link runProbesBench} result. */
export function printProbesBench(r: ProbesBenchResult, formatMs: (ms: number) => string = (ms) => `${ms.toFixed(1)} ms`): void {
  const verdict = (ok: boolean) => (ok ? 'meets target' : 'MISSES target');
  console.log(`probes: ${r.services} services, depth ${r.depth}, each listening ${SLEEP_MS} ms + ${WORK_MS} ms of CPU after start (${r.service} service), median of ${r.rounds}, interleaved`);
  console.log(`  baseline, hand-written starter polling sockets every ${STARTER_POLL_MS} ms: ${formatMs(r.starterMs)}`);
  const rounds = (s: Spread) => `per round ${s.median.toFixed(2)}× (${s.min.toFixed(2)}–${s.max.toFixed(2)})`;
  console.log(`  Wait.forPort: ${formatMs(r.portMs)} = ${r.portRatio.toFixed(2)}× the starter; ${rounds(r.portRounds)}`);
  for (const h of r.healthchecks) {
    const target = h.probe === 'native' ? ` (target ≤ 1.3×: ${verdict(h.ratio <= 1.3)})` : '';
    console.log(`  command healthcheck, ${h.probe} probe: ${formatMs(h.upMs)} = ${h.ratio.toFixed(2)}× the starter${target}; ${rounds(h.rounds)}; ${h.probesPerService.toFixed(1)} probes per service, each ${formatMs(h.probeMs)} (median)`);
  }
  const t = r.trace;
  if (t) {
    const m = (xs: readonly number[]) => median(xs).toFixed(1);
    const seg = t.segments;
    console.log(`  trace (${r.healthchecks[0]?.probe} probe, per service, medians over ${r.rounds} rounds): depsReady → start ${m(seg.depsReadyToStart)} ms, start → listening ${m(seg.startToListening)} ms, listening → passing probe ${m(seg.listeningToProbe)} ms, passing probe ${m(seg.passingProbe)} ms, ${m(seg.probesBefore)} probes before it`);
    console.log(`  trace CPU per up (medians): this process ${m(t.cpu.node)} ms, zygote ${m(t.cpu.zygote)} ms, probes ${m(t.cpu.probes)} ms, services ${m(t.cpu.services)} ms`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) printProbesBench(await runProbesBench());
