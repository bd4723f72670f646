/**
 * YAML load benchmark: the load benchmark's 1,000 services written as a compose.yaml (ports,
 * environment, volumes, a healthcheck and one dependency each), loaded and validated into a
 * Project, against the raw `yaml` parse of the same text measured in the same run.
 *
 * Run: `pnpm bench yaml` (or `node --import tsx bench/yaml.bench.ts`).
 *
 * Target: total < 100 ms median. The ratio to the raw parse says what the loader costs against
 * the `yaml` library alone. The loader parses with js-yaml when the text uses no tag, anchor,
 * alias or merge key (this file), and builds the `yaml` package's located Document only when a
 * problem needs a line and column; the raw js-yaml parse (same schema, same run) is the floor.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { load, CORE_SCHEMA } from 'js-yaml';
import { parse } from 'yaml';
import { parseProject } from '../packages/compose/src/load.js';
import { Project } from '../packages/compose/src/project.js';
import { mergeComposeFiles } from '../packages/compose/src/spec/merge.js';
import { warmSchema } from '../packages/compose/src/spec/schema-validator.js';
import { specFromDocument } from '../packages/compose/src/toml/load-spec.js';
import { parseYamlFile } from '../packages/compose/src/yaml/parse.js';
import { median } from './stats.js';

/** Figures of one {@link runYamlBench} run (milliseconds). */
export interface YamlBenchResult {
  readonly services: number;
  readonly runs: number;
  readonly fileBytes: number;
  /** read + parse + validate + model, end to end (parseProject with format yaml), median. */
  readonly totalMedianMs: number;
  /** `YAML.parse(text)` alone (the library, no positions kept), median. */
  readonly rawParseMedianMs: number;
  /** `jsyaml.load(text)` alone (core schema), median: the floor of the fast path. */
  readonly rawJsYamlMedianMs: number;
  /** parseYamlFile: the fast path here (js-yaml, no Document built), version and empty entries; median. */
  readonly loaderParseMedianMs: number;
  /** Interpolation, normalisation, schema + semantic validation and model building, median. */
  readonly validateAndModelMedianMs: number;
  /** total / raw parse. */
  readonly ratioToRawParse: number;
  /** total / raw js-yaml parse. */
  readonly ratioToRawJsYaml: number;
}

/** Generates the benchmark's compose.yaml text (the same project as the TOML load bench). */
export function generateComposeYaml(services: number): string {
  const lines = ['name: bench', 'services:'];
  for (let i = 0; i < services; i++) {
    lines.push(
      `  svc-${i}:`,
      `    image: ghcr.io/bench/svc-${i}:v1.2.3.ctp`,
      `    ports: ["${10_000 + i}:8080"]`,
      '    environment:',
      `      SERVICE: svc-${i}`,
      '      LOG_LEVEL: info',
      `      DATABASE_URL: postgres://db:5432/app_${i}`,
      '      WORKERS: "4"',
      '    volumes:',
      `      - ./data/svc-${i}:/data`,
      '      - shared:/shared:ro',
      `    depends_on: [${i > 0 ? `svc-${i - 1}` : ''}]`,
      '    restart: on-failure',
      '    healthcheck:',
      '      test: curl -f http://localhost:8080/health',
      '      interval: 10s',
      '      timeout: 3s',
      '      retries: 5',
      '      start_period: 1m30s',
    );
  }
  lines.push('volumes:', '  shared:', '    driver: local', '');
  return lines.join('\n');
}

/**
 * Runs the YAML load benchmark and returns its figures.
 *
 * @param options.services - number of generated services. @default 1000
 * @param options.runs - measured runs per figure (after 3 warm-up runs). @default 15
 */
export function runYamlBench(options: { services?: number; runs?: number } = {}): YamlBenchResult {
  const services = options.services ?? 1000;
  const runs = Math.max(5, options.runs ?? 15);
  const dir = mkdtempSync(join(tmpdir(), 'selur-yaml-bench-'));
  try {
    const file = join(dir, 'compose.yaml');
    const text = generateComposeYaml(services);
    writeFileSync(file, text);
    warmSchema();
    const input = { texts: [{ text, file }], lookup: (name: string) => process.env[name], workingDir: dir, fallbackName: 'bench' };
    const total: number[] = [];
    const raw: number[] = [];
    const loaderParse: number[] = [];
    const rest: number[] = [];
    const rawJs: number[] = [];
    for (let run = 0; run < runs + 3; run++) {
      const t0 = performance.now();
      const project = parseProject(readFileSync(file, 'utf8'), { file, env: {} });
      const t1 = performance.now();
      const plain = parse(text) as { services: Record<string, unknown> };
      const t2 = performance.now();
      const parsed = parseYamlFile(text, file);
      const t3 = performance.now();
      const spec = specFromDocument(mergeComposeFiles([parsed]), input, [parsed]);
      const model = new Project(spec.name, { workingDir: dir, files: [file] });
      model.adoptSpec(spec);
      const t4 = performance.now();
      const plainJs = load(text, { schema: CORE_SCHEMA }) as { services: Record<string, unknown> };
      const t5 = performance.now();
      if (project.serviceNames().length !== services || model.serviceNames().length !== services || Object.keys(plain.services).length !== services || Object.keys(plainJs.services).length !== services)
        throw new Error('bench: wrong service count');
      if (run >= 3) {
        total.push(t1 - t0);
        raw.push(t2 - t1);
        loaderParse.push(t3 - t2);
        rest.push(t4 - t3);
        rawJs.push(t5 - t4);
      }
    }
    const totalMedianMs = median(total);
    const rawParseMedianMs = median(raw);
    const rawJsYamlMedianMs = median(rawJs);
    return {
      services,
      runs,
      fileBytes: Buffer.byteLength(text),
      totalMedianMs,
      rawParseMedianMs,
      rawJsYamlMedianMs,
      loaderParseMedianMs: median(loaderParse),
      validateAndModelMedianMs: median(rest),
      ratioToRawParse: totalMedianMs / rawParseMedianMs,
      ratioToRawJsYaml: totalMedianMs / rawJsYamlMedianMs,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Prints the figures of {@link runYamlBench}. */
export function printYamlBench(r: YamlBenchResult): void {
  const ms = (n: number) => `${n.toFixed(1)} ms`;
  console.log(`yaml: ${r.services} services (${(r.fileBytes / 1024).toFixed(0)} KiB compose.yaml), median of ${r.runs} runs`);
  console.log(`  total read+parse+validate+model ${ms(r.totalMedianMs)} (target < 100 ms: ${r.totalMedianMs < 100 ? 'meets target' : 'MISSES target'})`);
  console.log(`  raw yaml parse (YAML.parse, same run) ${ms(r.rawParseMedianMs)}: total is ${r.ratioToRawParse.toFixed(2)}× the raw parse`);
  console.log(`  raw js-yaml parse (same run) ${ms(r.rawJsYamlMedianMs)}: total is ${r.ratioToRawJsYaml.toFixed(2)}× it`);
  console.log(`  loader parse (fast path: js-yaml, no Document) ${ms(r.loaderParseMedianMs)}, validation+model ${ms(r.validateAndModelMedianMs)}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) printYamlBench(runYamlBench());
