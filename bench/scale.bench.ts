/**
 * Scaling benchmark on the process runtime (issue 14, "cost grows with the stack, not faster"):
 * `up` then `down` of N `sleep` services — a tenth of them roots, every other depending on one
 * root — for N from 50 to 2,000. Prints, per size, the cost per service of `up` and of `down`,
 * each against the 50-service cost of the same run (target: flat within 1.3×), the longest
 * silence between two events of `down` (a stall shows there: the issue measured ~2 s at 400
 * services), and the heap held while the stack is up.
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
import { findGc } from './stats.js';

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
  /** Heap used while the stack is up, over the heap before (MB; after a GC when exposed). */
  readonly heapHeldMb: number;
}

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

/** Runs every size once, smallest first (its per-service cost is the baseline). */
export async function runScaleBench(): Promise<ScalePoint[]> {
  const sleep = findProgram('sleep', process.env['PATH']) ?? '/bin/sleep';
  const gc = findGc();
  const points: ScalePoint[] = [];
  const stateDir = mkdtempSync(join(tmpdir(), 'selur-bench-scale-'));
  const runtime = processRuntime({ stateDir });
  try {
    for (const n of sizes().sort((a, b) => a - b)) {
      const p = project(`scale-${n}`, n, sleep);
      gc?.();
      const heapBefore = process.memoryUsage().heapUsed;
      let t = performance.now();
      const stack = await p.up({ runtime, wait: true });
      const upMs = performance.now() - t;
      gc?.();
      const heapHeldMb = (process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024;
      let last = performance.now();
      let longest = 0;
      const onEvent = (_e: ComposeEvent) => {
        const now = performance.now();
        longest = Math.max(longest, now - last);
        last = now;
      };
      t = performance.now();
      last = t;
      await stack.down({ onEvent });
      const downMs = performance.now() - t;
      longest = Math.max(longest, performance.now() - last);
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
        downLongestSilenceMs: longest,
        heapHeldMb,
      });
    }
  } finally {
    await runtime.close();
    rmSync(stateDir, { recursive: true, force: true });
  }
  return points;
}

/** Prints {@link runScaleBench}'s figures, one line per size. */
export function printScaleBench(points: readonly ScalePoint[]): void {
  const base = points[0];
  console.log(`scale: up then down of N sleep services (a tenth roots, the rest each depending on one), process runtime; ratios per service against N=${base?.services ?? '?'} of this run (target ≤ 1.3×)`);
  for (const p of points) {
    const flat = p.upRatio <= 1.3 && p.downRatio <= 1.3 ? 'meets target' : 'MISSES target';
    console.log(
      `  N=${String(p.services).padStart(4)}: up ${p.upMs.toFixed(0)} ms (${p.upPerServiceMs.toFixed(2)} ms/service, ${p.upRatio.toFixed(2)}×), down ${p.downMs.toFixed(0)} ms (${p.downPerServiceMs.toFixed(2)} ms/service, ${p.downRatio.toFixed(2)}×), longest silence in down ${p.downLongestSilenceMs.toFixed(0)} ms, heap held ${p.heapHeldMb.toFixed(1)} MB: ${flat}`,
    );
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) printScaleBench(await runScaleBench());
