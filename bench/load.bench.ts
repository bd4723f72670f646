/**
 * Load benchmark: a generated 1,000-service compose.toml (ports, environment, volumes, a
 * healthcheck and one dependency each) is read, parsed, validated and turned into a Project.
 *
 * Run: `node --import tsx bench/load.bench.ts` (add --expose-gc if your Node refuses to enable gc at
 * run time). A bench runner can import {@link runLoadBench} instead.
 *
 * Targets: total < 100 ms median; validation + model <= TOML parse; retained heap < 30 MB.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { findGc } from './stats.js';
import { parseProject } from '../packages/compose/src/load.js';
import { Project } from '../packages/compose/src/project.js';
import { warmSchema } from '../packages/compose/src/spec/schema-validator.js';
import { parseComposeTexts, specFromDocument } from '../packages/compose/src/toml/load-spec.js';

/** Figures of one {@link runLoadBench} run (milliseconds and megabytes). */
export interface LoadBenchResult {
  readonly services: number;
  readonly runs: number;
  readonly fileBytes: number;
  /** read + parse + validate + model, end to end (parseProject), median. */
  readonly totalMedianMs: number;
  /** TOML parse alone, median. */
  readonly parseMedianMs: number;
  /** Interpolation, normalisation, schema + semantic validation and model building, median. */
  readonly validateAndModelMedianMs: number;
  /** validateAndModel / parse. Target <= 1. */
  readonly ratio: number;
  /** Heap retained by the resulting project (needs --expose-gc; otherwise undefined). */
  readonly retainedMb: number | undefined;
  /** One-off cost of compiling the JSON Schema (first use only), ms. */
  readonly schemaCompileMs: number;
}

/** Generates the benchmark's compose.toml text. */
export function generateCompose(services: number): string {
  const lines = ['version = "1.0"', 'name = "bench"', ''];
  for (let i = 0; i < services; i++) {
    lines.push(
      `[services.svc-${i}]`,
      `image = "ghcr.io/bench/svc-${i}:v1.2.3.ctp"`,
      `ports = ["${10_000 + i}:8080"]`,
      `environment = { SERVICE = "svc-${i}", LOG_LEVEL = "info", DATABASE_URL = "postgres://db:5432/app_${i}", WORKERS = "4" }`,
      `volumes = ["./data/svc-${i}:/data", "shared:/shared:ro"]`,
      i > 0 ? `depends_on = ["svc-${i - 1}"]` : 'depends_on = []',
      'restart = "on-failure"',
      '',
      `[services.svc-${i}.healthcheck]`,
      `test = "curl -f http://localhost:8080/health"`,
      'interval = "10s"',
      'timeout = "3s"',
      'retries = 5',
      'start_period = "1m30s"',
      '',
    );
  }
  lines.push('[volumes.shared]', 'driver = "local"', '');
  return lines.join('\n');
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};


/**
 * Runs the load benchmark and returns its figures.
 *
 * @param options.services - number of generated services. @default 1000
 * @param options.runs - measured runs per figure (after 3 warm-up runs). @default 15
 */
export function runLoadBench(options: { services?: number; runs?: number } = {}): LoadBenchResult {
  const services = options.services ?? 1000;
  const runs = Math.max(15, options.runs ?? 15);
  const dir = mkdtempSync(join(tmpdir(), 'selur-load-bench-'));
  try {
    const file = join(dir, 'compose.toml');
    const text = generateCompose(services);
    writeFileSync(file, text);
    const compileStart = performance.now();
    warmSchema();
    const schemaCompileMs = performance.now() - compileStart;
    const lookup = (name: string) => process.env[name];
    const input = { texts: [{ text, file }], lookup, workingDir: dir, fallbackName: 'bench' };

    const gc = findGc();
    const total: number[] = [];
    const parse: number[] = [];
    const rest: number[] = [];
    // steady state: runs follow each other without forced collections (a forced full GC shrinks
    // the heap and makes the next parse ~3x slower while it regrows, which measures V8, not us)
    for (let run = 0; run < runs + 3; run++) {
      const t0 = performance.now();
      const project = parseProject(readFileSync(file, 'utf8'), { file, env: {} });
      const t1 = performance.now();
      const document = parseComposeTexts(input.texts);
      const t2 = performance.now();
      const spec = specFromDocument(document, input);
      const model = new Project(spec.name, { workingDir: dir, files: [file] });
      model.adoptSpec(spec);
      const t3 = performance.now();
      if (project.serviceNames().length !== services || model.serviceNames().length !== services) throw new Error('bench: wrong service count');
      if (run >= 3) {
        total.push(t1 - t0);
        parse.push(t2 - t1);
        rest.push(t3 - t2);
      }
    }

    let retainedMb: number | undefined;
    if (gc) {
      gc();
      gc();
      const before = process.memoryUsage().heapUsed;
      let held: Project | undefined = parseProject(readFileSync(file, 'utf8'), { file, env: {} });
      gc();
      gc();
      const after = process.memoryUsage().heapUsed;
      retainedMb = (after - before) / 1024 / 1024;
      if (held.serviceNames().length !== services) throw new Error('bench: wrong service count');
      held = undefined;
    }
    const parseMedianMs = median(parse);
    const validateAndModelMedianMs = median(rest);
    return {
      services,
      runs,
      fileBytes: Buffer.byteLength(text),
      totalMedianMs: median(total),
      parseMedianMs,
      validateAndModelMedianMs,
      ratio: validateAndModelMedianMs / parseMedianMs,
      retainedMb,
      schemaCompileMs,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const r = runLoadBench();
  const f = (n: number | undefined) => (n === undefined ? 'n/a (run with --expose-gc)' : n.toFixed(2));
  console.log(`load bench: ${r.services} services, ${(r.fileBytes / 1024).toFixed(0)} KiB, ${r.runs} runs (medians)`);
  console.log(`  total (read+parse+validate+model): ${f(r.totalMedianMs)} ms   target < 100 ms   ${r.totalMedianMs < 100 ? 'OK' : 'MISS'}`);
  console.log(`  TOML parse:                        ${f(r.parseMedianMs)} ms`);
  console.log(`  validation + model:                ${f(r.validateAndModelMedianMs)} ms   ratio ${r.ratio.toFixed(2)} (target <= 1)   ${r.ratio <= 1 ? 'OK' : 'MISS'}`);
  console.log(`  retained heap:                     ${f(r.retainedMb)} MB   target < 30 MB   ${r.retainedMb === undefined ? '' : r.retainedMb < 30 ? 'OK' : 'MISS'}`);
  console.log(`  schema compile (once, first use):  ${f(r.schemaCompileMs)} ms`);
}
