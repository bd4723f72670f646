/**
 * Scaling benchmark on the process runtime (issue 14, "cost grows with the stack, not faster"):
 * `up` then `down` of N `sleep` services — a tenth of them roots, every other depending on one
 * root — for N from 50 to 2,000. Prints, per size, the cost per service of `up` and of `down`,
 * each against the 50-service cost of the same run (target: flat within 1.3×), the longest
 * silence between two events of `down` and of `up` (a stall shows there: the issue measured
 * ~2 s in `down` at 400 services), the heap held while the stack is up, and the CPU time this process spent per
 * service (far less noisy than wall time on a shared machine: an O(n²) step shows there first).
 *
 * Honesty: an untimed up and down of the smallest size runs first, so that the baseline does not
 * carry the one-time costs (the zygote's start, module loading, JIT warm-up) that would make
 * every larger size look cheaper per service. Sizes run `BENCH_SCALE_ROUNDS` times (default 2),
 * interleaved (every size once per round, smallest first; a small size several times, about 400 services'
 * worth, up to 8), and each figure is the median over its samples (the longest silence: the worst), so a slow minute of a shared machine does not
 * land on one size only.
 *
 * Run: `node --expose-gc --import tsx bench/scale.bench.ts` (`BENCH_SCALE_SIZES=50,400` picks sizes).
 * A bench runner can import {@link runScaleBench} instead.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Project } from '../packages/compose/src/project.js';
import { processRuntime } from '../packages/compose/src/adapters/process/process-runtime.js';
import { findProgram } from '../packages/compose/src/adapters/process/spawn/program-path.js';
import type { ComposeEvent } from '../packages/compose/src/engine/events.js';
import { findGc, median } from './stats.js';

/** One size's figures (milliseconds, megabytes). */
export interface ScalePoint {
  readonly services: number;
  readonly upMs: number;
  readonly downMs: number;
  readonly upPerServiceMs: number;
  readonly downPerServiceMs: number;
  /** upPerServiceMs over the smallest size's. */
  readonly upRatio: number;
  /** downPerServiceMs over the smallest size's. */
  readonly downRatio: number;
  /** Longest time without an event during `down` (ms). */
  readonly downLongestSilenceMs: number;
  /** Longest time without an event during `up` (ms). */
  readonly upLongestSilenceMs: number;
  /** Heap used while the stack is up, over the heap before (MB; after a GC when exposed). */
  readonly heapHeldMb: number;
  /** CPU time (user + system) of this process per service, for `up` and for `down` (ms). */
  readonly upCpuPerServiceMs: number;
  readonly downCpuPerServiceMs: number;
  /** How many samples the medians are over. */
  readonly rounds: number;
}

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

function project(name: string, n: number, sleep: string): Project {
  const roots = Math.max(1, Math.floor(n / 10));
  let p = new Project(name);
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
  readonly upMs: number;
  readonly downMs: number;
  readonly upCpuMs: number;
  readonly downCpuMs: number;
  readonly silenceMs: number;
  readonly upSilenceMs: number;
  readonly heapHeldMb: number;
}

const cpuMs = (since: NodeJS.CpuUsage): number => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};

async function sample(name: string, n: number, sleep: string, runtime: ReturnType<typeof processRuntime>, gc: (() => void) | undefined): Promise<Sample> {
  const p = project(name, n, sleep);
  gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  let cpu = process.cpuUsage();
  let t = performance.now();
  let last = t;
  let longest = 0;
  const onEvent = (_e: ComposeEvent) => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  };
  const stack = await p.up({ runtime, wait: true, onEvent });
  const upMs = performance.now() - t;
  const upSilenceMs = Math.max(longest, performance.now() - last);
  const upCpuMs = cpuMs(cpu);
  gc?.();
  const heapHeldMb = (process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024;
  longest = 0;
  cpu = process.cpuUsage();
  t = performance.now();
  last = t;
  await stack.down({ onEvent });
  const downMs = performance.now() - t;
  const downCpuMs = cpuMs(cpu);
  longest = Math.max(longest, performance.now() - last);
  return { upMs, downMs, upCpuMs, downCpuMs, silenceMs: longest, upSilenceMs, heapHeldMb };
}

/** Samples of size `n` per round: about 400 services' worth, 1 to 8. */
function repeats(n: number): number {
  return Math.max(1, Math.min(8, Math.round(400 / n)));
}

function rounds(): number {
  const n = Number(process.env['BENCH_SCALE_ROUNDS'] ?? 2);
  return Number.isInteger(n) && n >= 1 ? n : 2;
}

/**
 * Runs an untimed warm-up of the smallest size, then every size `BENCH_SCALE_ROUNDS` times,
 * interleaved; the smallest size's per-service cost is the baseline.
 */
export async function runScaleBench(): Promise<ScalePoint[]> {
  const sleep = findProgram('sleep', process.env['PATH']) ?? '/bin/sleep';
  const gc = findGc();
  const list = sizes().sort((a, b) => a - b);
  const count = rounds();
  const samples = new Map<number, Sample[]>(list.map((n) => [n, []]));
  const stateDir = mkdtempSync(join(tmpdir(), 'selur-bench-scale-'));
  const runtime = processRuntime({ stateDir });
  try {
    if (list[0] !== undefined) await sample('scale-warmup', list[0], sleep, runtime, gc);
    for (let round = 0; round < count; round++) {
      for (const n of list) {
        // Small sizes are cheap and the baseline must be steady: they run more often (up to 8 times a round).
        for (let k = 0; k < repeats(n); k++) samples.get(n)?.push(await sample(`scale-${n}-${round}-${k}`, n, sleep, runtime, gc));
      }
    }
  } finally {
    await runtime.close();
    rmSync(stateDir, { recursive: true, force: true });
  }
  const points: ScalePoint[] = [];
  for (const n of list) {
    const got = samples.get(n) ?? [];
    const of = (pick: (s: Sample) => number) => median(got.map(pick));
    const upMs = of((s) => s.upMs);
    const downMs = of((s) => s.downMs);
    const base = points[0];
    const upPer = upMs / n;
    const downPer = downMs / n;
    points.push({
      services: n,
      upMs,
      downMs,
      upPerServiceMs: upPer,
      downPerServiceMs: downPer,
      upRatio: base ? upPer / base.upPerServiceMs : 1,
      downRatio: base ? downPer / base.downPerServiceMs : 1,
      downLongestSilenceMs: Math.max(...got.map((s) => s.silenceMs)),
      upLongestSilenceMs: Math.max(...got.map((s) => s.upSilenceMs)),
      heapHeldMb: of((s) => s.heapHeldMb),
      upCpuPerServiceMs: of((s) => s.upCpuMs) / n,
      downCpuPerServiceMs: of((s) => s.downCpuMs) / n,
      rounds: got.length,
    });
  }
  return points;
}

/** Prints {@link runScaleBench}'s figures, one line per size, then the verdict against the target. */
export function printScaleBench(points: readonly ScalePoint[]): void {
  const base = points[0];
  console.log(`scale: up then down of N sleep services (a tenth roots, the rest each depending on one), process runtime; after an untimed warm-up, medians over interleaved rounds (${points.map((p) => `${p.rounds}× N=${p.services}`).join(', ')}); cost per service against N=${base?.services ?? '?'} of this run (target ≤ ${FLAT_TARGET}×, no silence in up or down over ${STALL_MS} ms)`);
  for (const p of points) {
    const flat = p.upRatio <= FLAT_TARGET && p.downRatio <= FLAT_TARGET;
    const stall = p.downLongestSilenceMs > STALL_MS || p.upLongestSilenceMs > STALL_MS;
    const cpuUp = base ? p.upCpuPerServiceMs / base.upCpuPerServiceMs : 1;
    const cpuDown = base ? p.downCpuPerServiceMs / base.downCpuPerServiceMs : 1;
    console.log(
      `  N=${String(p.services).padStart(4)}: up ${p.upMs.toFixed(0)} ms (${p.upPerServiceMs.toFixed(2)} ms/service, ${p.upRatio.toFixed(2)}×), down ${p.downMs.toFixed(0)} ms (${p.downPerServiceMs.toFixed(2)} ms/service, ${p.downRatio.toFixed(2)}×), longest silence in up ${p.upLongestSilenceMs.toFixed(0)} ms, in down ${p.downLongestSilenceMs.toFixed(0)} ms${stall ? ' (STALL)' : ''}, heap held ${p.heapHeldMb.toFixed(1)} MB (${((p.heapHeldMb * 1024) / p.services).toFixed(1)} KB/service); CPU of this process per service: up ${p.upCpuPerServiceMs.toFixed(2)} ms (${cpuUp.toFixed(2)}×), down ${p.downCpuPerServiceMs.toFixed(2)} ms (${cpuDown.toFixed(2)}×): ${flat && !stall ? 'meets target' : 'MISSES target'}`,
    );
  }
  const worstUp = Math.max(...points.map((p) => p.upRatio));
  const worstDown = Math.max(...points.map((p) => p.downRatio));
  const worstSilence = Math.max(...points.map((p) => Math.max(p.downLongestSilenceMs, p.upLongestSilenceMs)));
  const ok = worstUp <= FLAT_TARGET && worstDown <= FLAT_TARGET && worstSilence <= STALL_MS;
  console.log(`  verdict: worst up ${worstUp.toFixed(2)}×, worst down ${worstDown.toFixed(2)}× (target ≤ ${FLAT_TARGET}×), worst silence ${worstSilence.toFixed(0)} ms (target ≤ ${STALL_MS} ms): ${ok ? 'meets target' : 'MISSES target'}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) printScaleBench(await runScaleBench());
