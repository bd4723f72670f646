/**
 * Measures create → start → stop → remove of one busybox container through dockerRuntime().
 * Run: `cd /work/main && npx tsx --tsconfig tsconfig.json packages/docker/scripts/measure-lifecycle.ts [runs]`
 */
import { dockerRuntime } from '../src/index.js';
import { containerRequest, ensureTestImage, sweep, uniqueProject } from '../test/support/engine.js';

const runs = Number(process.argv[2] ?? 20);
const runtime = dockerRuntime();
const project = uniqueProject('measure');
await ensureTestImage(runtime);
const phases = { create: [] as number[], start: [] as number[], stop: [] as number[], remove: [] as number[], total: [] as number[] };
try {
  for (let i = 0; i < runs + 2; i++) {
    const t0 = performance.now();
    const created = await runtime.createContainer(
      containerRequest(project, 'bench', { command: ['sh', '-c', 'trap "exit 0" TERM; while true; do sleep 0.05; done'] }, { replica: i + 1 }),
    );
    const t1 = performance.now();
    await runtime.startContainer(created.id);
    const t2 = performance.now();
    await runtime.stopContainer(created.id, { timeoutMs: 10_000 });
    const t3 = performance.now();
    await runtime.removeContainer(created.id);
    const t4 = performance.now();
    if (i < 2) continue; // warm-up
    phases.create.push(t1 - t0);
    phases.start.push(t2 - t1);
    phases.stop.push(t3 - t2);
    phases.remove.push(t4 - t3);
    phases.total.push(t4 - t0);
  }
} finally {
  await sweep(runtime, project);
  await runtime.close();
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
const version = await dockerRuntime().version();
console.log(`engine ${version.version} (API ${version.apiVersion}), ${runs} runs, medians in ms:`);
for (const [phase, values] of Object.entries(phases)) console.log(`  ${phase.padEnd(7)} ${median(values).toFixed(1)}  (min ${Math.min(...values).toFixed(1)}, max ${Math.max(...values).toFixed(1)})`);
