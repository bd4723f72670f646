/**
 * Scaling benchmark on the process runtime (issue 14, "cost grows with the stack, not faster"):
 * `up` then `down` of N `sleep` services — a tenth of them roots, every other depending on one
 * root — for N from 50 to 2,000. Prints, per size, the cost per service of `up` and of `down`,
 * each against the smallest size's cost of the same run (target: flat within 1.3×), the longest
 * silence between two events of `down` and of `up` (a stall shows there: the issue measured
 * ~2 s in `down` at 400 services), the heap held while the stack is up, and CPU time per service:
 * of this process, and of every process the runtime uses (this one, the zygote, and the
 * children until the stack is up; Linux, from /proc). CPU is far less noisy than wall time on a
 * shared machine: an O(n²) step shows there first.
 *
 * The longest silence of each size is printed with what bordered and filled it (silence.ts): the
 * events before and after it, how long this process's main thread and the zygote ran then and how
 * long they waited, runnable, for a CPU (Linux schedstat), and the load average. The target stays
 * the silence as measured; the verdict adds whether the silences over it were mostly waits for a
 * CPU (a loaded machine) or remain over it less those waits (a stall of ours).
 *
 * Honesty: an untimed up and down of the smallest size runs first (per way), so that the
 * baseline does not carry the one-time costs (the zygote's start, module loading, JIT warm-up)
 * that would make every larger size look cheaper per service. Sizes run `BENCH_SCALE_ROUNDS`
 * times (default 2), interleaved (every size once per round, smallest first), and a smaller size
 * several times a round, so that every size measures about as many services a round as the
 * largest (`BENCH_SCALE_SERVICES_PER_ROUND`, default the largest size; at most 40 samples a
 * round): one up of 50 services is a fraction of a second, too small a sample to be a baseline.
 * Each figure is the median over its samples (the longest silence: the worst), and each ratio is
 * also given per round (that round's median against that round's baseline) as a spread, so a
 * slow minute of a shared machine does not land on one size only, and shows when it does.
 *
 * `BENCH_SCALE_COMPARE=/path/to/another/checkout` (built, with its node_modules) adds that
 * checkout as a second way, interleaved sample by sample with this one: a before/after
 * comparison within one run. Both are then loaded from their built ESM entry (dist), each with
 * its own zygote.
 *
 * Run: `node --expose-gc --import tsx bench/scale.bench.ts` (`BENCH_SCALE_SIZES=50,400` picks sizes).
 * A bench runner can import {@link runScaleBench} instead.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Project } from '../packages/compose/src/project.js';
import { processRuntime } from '../packages/compose/src/adapters/process/process-runtime.js';
import { findProgram } from '../packages/compose/src/adapters/process/spawn/program-path.js';
import type { ComposeEvent } from '../packages/compose/src/engine/events.js';
import { findGc, median } from './stats.js';
import { SilenceWatch, type Silence } from './silence.js';

/** One size's figures for one way (milliseconds, megabytes). */
export interface ScalePoint {
  /** `this` (this checkout), or `base` (the one of BENCH_SCALE_COMPARE). */
  readonly way: Way;
  readonly services: number;
  readonly upMs: number;
  readonly downMs: number;
  readonly upPerServiceMs: number;
  readonly downPerServiceMs: number;
  /** upPerServiceMs over the smallest size's. */
  readonly upRatio: number;
  /** downPerServiceMs over the smallest size's. */
  readonly downRatio: number;
  /** Per round: that round's median cost per service (ms). */
  readonly upPerServiceByRoundMs: readonly number[];
  readonly downPerServiceByRoundMs: readonly number[];
  /** Per round: that round's cost per service over that round's smallest size's. */
  readonly upRatioByRound: readonly number[];
  readonly downRatioByRound: readonly number[];
  /** Longest time without an event during `down` (ms). */
  readonly downLongestSilenceMs: number;
  /** Longest time without an event during `up` (ms). */
  readonly upLongestSilenceMs: number;
  /** The longest silences themselves: their events, the CPU this process and the zygote got then, the load (see silence.ts). */
  readonly upSilence: Silence;
  readonly downSilence: Silence;
  /** Heap used while the stack is up, over the heap before (MB; after a GC when exposed). */
  readonly heapHeldMb: number;
  /** CPU time (user + system) of this process per service, for `up` and for `down` (ms). */
  readonly upCpuPerServiceMs: number;
  readonly downCpuPerServiceMs: number;
  /**
   * CPU time per service of this process, the zygotes and the stack's children (up: until the
   * stack is up; down: this process and the zygotes), from /proc; undefined where unreadable.
   */
  readonly upCpuAllPerServiceMs: number | undefined;
  readonly downCpuAllPerServiceMs: number | undefined;
  /** How many samples the medians are over. */
  readonly rounds: number;
}

export type Way = 'this' | 'base';

/** Per-service cost within this factor of the smallest size's: the issue's target. */
export const FLAT_TARGET = 1.3;
/** A silence in `down` longer than this is a stall (the issue measured ~2 s ones), ms. */
export const STALL_MS = 1_000;

const DEFAULT_SIZES = [50, 200, 400, 800, 2000];

function sizes(): number[] {
  const text = process.env['BENCH_SCALE_SIZES'];
  if (!text) return DEFAULT_SIZES;
  return text.split(',').map(Number).filter((n) => Number.isInteger(n) && n >= 10);
}

type Sdk = { readonly Project: typeof Project; readonly processRuntime: typeof processRuntime };

function project(sdk: Sdk, name: string, n: number, sleep: string): Project {
  const roots = Math.max(1, Math.floor(n / 10));
  let p = new sdk.Project(name);
  for (let i = 0; i < n; i++) {
    const service = `s${i}`;
    p = p.service(service, (s) => {
      s.command([sleep, '3600']);
      if (i >= roots) s.dependsOn(`s${i % roots}`);
      return s;
    });
  }
  return p;
}

interface Sample {
  readonly round: number;
  readonly upMs: number;
  readonly downMs: number;
  readonly upCpuMs: number;
  readonly downCpuMs: number;
  readonly upCpuAllMs: number | undefined;
  readonly downCpuAllMs: number | undefined;
  readonly silence: Silence;
  readonly upSilence: Silence;
  readonly heapHeldMb: number;
}

const cpuMs = (since: NodeJS.CpuUsage): number => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};

/** Clock ticks per second of /proc's times (USER_HZ: 100 on Linux). */
const TICKS = 100;

/** The children of `pid` (Linux, /proc), none where unreadable. */
function childrenOf(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((task) => {
      try {
        return readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').split(' ').filter(Boolean).map(Number);
      } catch {
        return [];
      }
    });
  } catch {
    return [];
  }
}

/** User + system CPU time of process `pid` itself (ms), undefined where unreadable. */
function cpuOfPid(pid: number): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS;
  } catch {
    return undefined;
  }
}

/** The zygotes: the Perl children of this process. */
function zygotePids(): number[] {
  return childrenOf(process.pid).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'perl';
    } catch {
      return false;
    }
  });
}

/** The zygotes: CPU of their own, and of their children alive now (ms). */
function helperCpu(): { readonly zygotes: number; readonly children: number } | undefined {
  let zygotes = 0;
  let children = 0;
  for (const pid of zygotePids()) {
    zygotes += cpuOfPid(pid) ?? 0;
    for (const child of childrenOf(pid)) children += cpuOfPid(child) ?? 0;
  }
  return process.platform === 'linux' ? { zygotes, children } : undefined;
}

async function sample(sdk: Sdk, name: string, n: number, sleep: string, runtime: ReturnType<typeof processRuntime>, gc: (() => void) | undefined, round: number): Promise<Sample> {
  const p = project(sdk, name, n, sleep);
  gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  let helpers = helperCpu();
  let cpu = process.cpuUsage();
  const zygotes = zygotePids();
  let watch = new SilenceWatch(zygotes);
  const onEvent = (e: ComposeEvent) => watch.mark('service' in e && e.service !== undefined ? `${e.type} ${e.service}` : e.type);
  let t = performance.now();
  const stack = await p.up({ runtime, wait: true, onEvent });
  const upMs = performance.now() - t;
  const upSilence = watch.end();
  const upCpuMs = cpuMs(cpu);
  const helpersUp = helperCpu();
  // The children alive now are this stack's (the previous sample's are gone): all their CPU is this up's.
  const upCpuAllMs = helpers && helpersUp ? upCpuMs + helpersUp.zygotes - helpers.zygotes + helpersUp.children : undefined;
  gc?.();
  const heapHeldMb = (process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024;
  helpers = helperCpu();
  cpu = process.cpuUsage();
  watch = new SilenceWatch(zygotes);
  t = performance.now();
  await stack.down({ onEvent });
  const downMs = performance.now() - t;
  const downCpuMs = cpuMs(cpu);
  const helpersDown = helperCpu();
  const downCpuAllMs = helpers && helpersDown ? downCpuMs + helpersDown.zygotes - helpers.zygotes : undefined;
  const silence = watch.end();
  return { round, upMs, downMs, upCpuMs, downCpuMs, upCpuAllMs, downCpuAllMs, silence, upSilence, heapHeldMb };
}

/** The longest of some silences. */
const worst = (list: readonly Silence[]): Silence => list.reduce((a, b) => (b.ms > a.ms ? b : a));

/** Most samples of one size a round. */
const MAX_REPEATS = 40;

/** Samples of size `n` per round: about `perRound` services' worth, 1 to MAX_REPEATS. */
function repeats(n: number, perRound: number): number {
  return Math.max(1, Math.min(MAX_REPEATS, Math.round(perRound / n)));
}

function positive(name: string, fallback: number): number {
  const n = Number(process.env[name] ?? fallback);
  return Number.isInteger(n) && n >= 1 ? n : fallback;
}

/** The root of this checkout. */
const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** With a checkout to compare against, both SDKs come from their built entries (same footing). */
async function sdkOf(checkout: string): Promise<Sdk> {
  return (await import(pathToFileURL(join(checkout, 'packages/compose/dist/index.js')).href)) as Sdk;
}

/**
 * Runs an untimed warm-up of the smallest size (per way), then every size `BENCH_SCALE_ROUNDS`
 * times, interleaved (and the ways sample by sample); the smallest size's per-service cost is the
 * baseline of each way.
 */
export async function runScaleBench(): Promise<ScalePoint[]> {
  const sleep = findProgram('sleep', process.env['PATH']) ?? '/bin/sleep';
  const gc = findGc();
  const list = sizes().sort((a, b) => a - b);
  const count = positive('BENCH_SCALE_ROUNDS', 2);
  const perRound = positive('BENCH_SCALE_SERVICES_PER_ROUND', list[list.length - 1] ?? 400);
  const compare = process.env['BENCH_SCALE_COMPARE'];
  const sdks: [Way, Sdk][] = compare ? [['this', await sdkOf(ROOT)], ['base', await sdkOf(compare)]] : [['this', { Project, processRuntime }]];
  const samples = new Map<string, Sample[]>();
  const key = (way: Way, n: number) => `${way}:${n}`;
  const stateDirs: string[] = [];
  const ways = sdks.map(([way, sdk]) => {
    const stateDir = mkdtempSync(join(tmpdir(), `selur-bench-scale-${way}-`));
    stateDirs.push(stateDir);
    return { way, sdk, runtime: sdk.processRuntime({ stateDir }) };
  });
  try {
    for (const { way, sdk, runtime } of ways) if (list[0] !== undefined) await sample(sdk, `scale-warmup-${way}`, list[0], sleep, runtime, gc, -1);
    for (let round = 0; round < count; round++) {
      for (const n of list) {
        // Small sizes are cheap and the baseline must be steady: they run more often.
        for (let k = 0; k < repeats(n, perRound); k++) {
          for (const { way, sdk, runtime } of ways) {
            const got = samples.get(key(way, n)) ?? [];
            samples.set(key(way, n), got);
            got.push(await sample(sdk, `scale-${way}-${n}-${round}-${k}`, n, sleep, runtime, gc, round));
          }
        }
      }
    }
  } finally {
    for (const { runtime } of ways) await runtime.close();
    for (const dir of stateDirs) rmSync(dir, { recursive: true, force: true });
  }
  const points: ScalePoint[] = [];
  for (const { way } of ways) {
    const baseSamples = samples.get(key(way, list[0] ?? 0)) ?? [];
    const byRound = (got: readonly Sample[], n: number, pick: (s: Sample) => number) =>
      Array.from({ length: count }, (_, round) => median(got.filter((s) => s.round === round).map(pick)) / n);
    const baseUp = byRound(baseSamples, list[0] ?? 1, (s) => s.upMs);
    const baseDown = byRound(baseSamples, list[0] ?? 1, (s) => s.downMs);
    let base: ScalePoint | undefined;
    for (const n of list) {
      const got = samples.get(key(way, n)) ?? [];
      const of = (pick: (s: Sample) => number) => median(got.map(pick));
      const ofAll = (pick: (s: Sample) => number | undefined) => {
        const values = got.map(pick);
        return values.every((v): v is number => v !== undefined) ? median(values) / n : undefined;
      };
      const upMs = of((s) => s.upMs);
      const downMs = of((s) => s.downMs);
      const upPer = upMs / n;
      const downPer = downMs / n;
      const upByRound = byRound(got, n, (s) => s.upMs);
      const downByRound = byRound(got, n, (s) => s.downMs);
      const point: ScalePoint = {
        way,
        services: n,
        upMs,
        downMs,
        upPerServiceMs: upPer,
        downPerServiceMs: downPer,
        upRatio: base ? upPer / base.upPerServiceMs : 1,
        downRatio: base ? downPer / base.downPerServiceMs : 1,
        upPerServiceByRoundMs: upByRound,
        downPerServiceByRoundMs: downByRound,
        upRatioByRound: upByRound.map((v, i) => v / (baseUp[i] ?? Number.NaN)),
        downRatioByRound: downByRound.map((v, i) => v / (baseDown[i] ?? Number.NaN)),
        downLongestSilenceMs: worst(got.map((s) => s.silence)).ms,
        upLongestSilenceMs: worst(got.map((s) => s.upSilence)).ms,
        upSilence: worst(got.map((s) => s.upSilence)),
        downSilence: worst(got.map((s) => s.silence)),
        heapHeldMb: of((s) => s.heapHeldMb),
        upCpuPerServiceMs: of((s) => s.upCpuMs) / n,
        downCpuPerServiceMs: of((s) => s.downCpuMs) / n,
        upCpuAllPerServiceMs: ofAll((s) => s.upCpuAllMs),
        downCpuAllPerServiceMs: ofAll((s) => s.downCpuAllMs),
        rounds: got.length,
      };
      base ??= point;
      points.push(point);
    }
  }
  return points;
}

/**
 * A silence less the longest time one of the processes it waited on (this one, the zygotes) spent
 * runnable without a CPU: about what it would have been on an idle machine. Undefined where the
 * scheduler's figures are unreadable.
 */
function withCpu(q: Silence): number | undefined {
  if (q.waited === undefined) return undefined;
  return Math.max(0, q.ms - Math.max(q.waited, q.zygoteWaited ?? 0));
}

function describeSilence(q: Silence): string {
  const ms = (v: number | undefined) => (v === undefined ? 'n/a' : `${v.toFixed(0)} ms`);
  const less = withCpu(q);
  return `${q.ms.toFixed(0)} ms, after "${q.after}", before "${q.before}": this process ran ${ms(q.ran)} and waited for a CPU ${ms(q.waited)}, the zygote ran ${ms(q.zygoteRan)} and waited ${ms(q.zygoteWaited)}${less === undefined ? '' : ` (less the longer wait: ${less.toFixed(0)} ms)`}, load ${q.load.toFixed(1)}`;
}

const spread = (values: readonly number[]): string => (values.length > 1 ? ` (rounds ${Math.min(...values).toFixed(2)}–${Math.max(...values).toFixed(2)}×)` : '');
const perRound = (values: readonly number[]): string => values.map((v) => v.toFixed(2)).join(', ');
const maybe = (v: number | undefined, digits = 2): string => (v === undefined ? 'n/a' : v.toFixed(digits));

/** Prints {@link runScaleBench}'s figures, one line per size and way, then the verdict against the target (per way) and, with two ways, this one against the base. */
export function printScaleBench(points: readonly ScalePoint[]): void {
  const ways = [...new Set(points.map((p) => p.way))];
  const first = points.filter((p) => p.way === ways[0]);
  console.log(`scale: up then down of N sleep services (a tenth roots, the rest each depending on one), process runtime; after an untimed warm-up, medians over interleaved rounds (${first.map((p) => `${p.rounds}× N=${p.services}`).join(', ')}${ways.length > 1 ? ', per way, the ways alternating sample by sample' : ''}); cost per service against N=${first[0]?.services ?? '?'} of this run (target ≤ ${FLAT_TARGET}×, no silence in up or down over ${STALL_MS} ms); "all": CPU of this process, the zygote and the children`);
  for (const way of ways) {
    const mine = points.filter((p) => p.way === way);
    const base = mine[0];
    if (ways.length > 1) console.log(` ${way === 'this' ? 'this checkout' : `base (${process.env['BENCH_SCALE_COMPARE'] ?? ''})`}:`);
    for (const p of mine) {
      const flat = p.upRatio <= FLAT_TARGET && p.downRatio <= FLAT_TARGET;
      const stall = p.downLongestSilenceMs > STALL_MS || p.upLongestSilenceMs > STALL_MS;
      const cpuUp = base ? p.upCpuPerServiceMs / base.upCpuPerServiceMs : 1;
      const cpuDown = base ? p.downCpuPerServiceMs / base.downCpuPerServiceMs : 1;
      const allUp = base?.upCpuAllPerServiceMs && p.upCpuAllPerServiceMs !== undefined ? p.upCpuAllPerServiceMs / base.upCpuAllPerServiceMs : undefined;
      console.log(
        `  N=${String(p.services).padStart(4)}: up ${p.upMs.toFixed(0)} ms (${p.upPerServiceMs.toFixed(2)} ms/service, ${p.upRatio.toFixed(2)}×${p === base ? '' : spread(p.upRatioByRound)}), down ${p.downMs.toFixed(0)} ms (${p.downPerServiceMs.toFixed(2)} ms/service, ${p.downRatio.toFixed(2)}×${p === base ? '' : spread(p.downRatioByRound)}), longest silence in up ${p.upLongestSilenceMs.toFixed(0)} ms, in down ${p.downLongestSilenceMs.toFixed(0)} ms${stall ? ' (STALL)' : ''}, heap held ${p.heapHeldMb.toFixed(1)} MB (${((p.heapHeldMb * 1024) / p.services).toFixed(1)} KB/service); CPU per service: this process up ${p.upCpuPerServiceMs.toFixed(2)} ms (${cpuUp.toFixed(2)}×), down ${p.downCpuPerServiceMs.toFixed(2)} ms (${cpuDown.toFixed(2)}×), all up ${maybe(p.upCpuAllPerServiceMs)} ms (${maybe(allUp)}×), all down ${maybe(p.downCpuAllPerServiceMs)} ms: ${flat && !stall ? 'meets target' : 'MISSES target'}`,
      );
      console.log(`          per round, ms/service: up ${perRound(p.upPerServiceByRoundMs)}; down ${perRound(p.downPerServiceByRoundMs)}`);
      console.log(`          longest silence in up: ${describeSilence(p.upSilence)}`);
      console.log(`          longest silence in down: ${describeSilence(p.downSilence)}`);
    }
    const worstUp = Math.max(...mine.map((p) => p.upRatio));
    const worstDown = Math.max(...mine.map((p) => p.downRatio));
    const worstSilence = Math.max(...mine.map((p) => Math.max(p.downLongestSilenceMs, p.upLongestSilenceMs)));
    const ok = worstUp <= FLAT_TARGET && worstDown <= FLAT_TARGET && worstSilence <= STALL_MS;
    const stalls = mine.flatMap((p) => [p.upSilence, p.downSilence]).filter((q) => q.ms > STALL_MS);
    // The target stays the silence as measured; this only says what filled the long ones.
    const starved = stalls.length > 0 && stalls.every((q) => withCpu(q) !== undefined && (withCpu(q) as number) <= STALL_MS);
    const why = stalls.length === 0 ? '' : starved ? `; every silence over ${STALL_MS} ms was mostly waiting for a CPU (less that wait, at most ${Math.max(...stalls.map((q) => withCpu(q) ?? 0)).toFixed(0)} ms; load ${Math.max(...stalls.map((q) => q.load)).toFixed(1)} on ${availableParallelism()} CPUs)` : `; a silence over ${STALL_MS} ms remains over it less its waits for a CPU (${Math.max(...stalls.map((q) => withCpu(q) ?? q.ms)).toFixed(0)} ms): a stall of ours`;
    console.log(`  verdict${ways.length > 1 ? ` (${way})` : ''}: worst up ${worstUp.toFixed(2)}×, worst down ${worstDown.toFixed(2)}× (target ≤ ${FLAT_TARGET}×), worst silence ${worstSilence.toFixed(0)} ms (target ≤ ${STALL_MS} ms): ${ok ? 'meets target' : 'MISSES target'}${why}`);
  }
  if (ways.length > 1) {
    console.log('  this against base, per size (medians; below 1 is faster):');
    for (const p of points.filter((q) => q.way === 'this')) {
      const b = points.find((q) => q.way === 'base' && q.services === p.services);
      if (!b) continue;
      const r = (x: number | undefined, y: number | undefined) => (x !== undefined && y ? (x / y).toFixed(2) : 'n/a');
      console.log(`  N=${String(p.services).padStart(4)}: up ${r(p.upPerServiceMs, b.upPerServiceMs)}× (rounds ${perRound(p.upPerServiceByRoundMs.map((v, i) => v / (b.upPerServiceByRoundMs[i] ?? Number.NaN)))}), down ${r(p.downPerServiceMs, b.downPerServiceMs)}×, CPU all up ${r(p.upCpuAllPerServiceMs, b.upCpuAllPerServiceMs)}×, this process up ${r(p.upCpuPerServiceMs, b.upCpuPerServiceMs)}×`);
    }
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) printScaleBench(await runScaleBench());
