/**
 * `pnpm bench`: every benchmark, each reporting its figures and ratios against a baseline measured
 * in the same run (never a timed test). `pnpm bench -- load engine docker` picks some.
 *
 * - load:   a generated 1,000-service compose.toml → Project (parse vs validation+model, heap)
 * - yaml:   the same 1,000 services as compose.yaml → Project, against the raw `yaml` parse
 * - engine: a 200-service graph on processRuntime vs its critical path and a sequential start;
 *           readiness detection latency
 * - probes: a 40-service graph, each service ready on its port, brought up with command
 *           healthchecks (a process per probe) and with Wait.forPort, against a hand-written
 *           starter polling sockets
 * - docker: a 10-service stack on Docker vs Debian's docker-compose (needs an engine + docker-compose)
 * - startup: cold import of @selur/compose and the CLI's version/ps, against `node -e 0`: wall and CPU time,
 *           with the environment as is and without Node's NODE_* variables (needs `pnpm build`)
 * - scale:  up then down of 50 → 2,000 sleep services on processRuntime, cost per service against
 *           the 50-service cost of the same run (and its spread over rounds), the longest silences,
 *           the heap held, CPU per service; BENCH_SCALE_COMPARE=<checkout> runs another build alternately
 * - realstack: Debian's PostgreSQL (initdb + server), Redis, nginx and a pg+redis Node app
 *           (examples/real-stack), up until a request through nginx answers, and down: the SDK
 *           and the CLI against a script starting the same servers one after another, polling
 *           every 50 ms, interleaved (needs root, the servers from .ci/run, and `pnpm build`)
 * - swarm:  a 10-service stack on a single-node swarm, swarmRuntime().up vs `docker stack deploy`
 *           + polling, until healthy; and a rolling update of a 4-replica service under a client's
 *           request stream, `up` vs `docker service update` + polling: time and failed requests
 *           (only when named: it puts the engine into Swarm mode and leaves it; run under the Docker lock)
 */
import { execFileSync } from 'node:child_process';
import { runLoadBench } from './load.bench.js';
import { printYamlBench, runYamlBench } from './yaml.bench.js';
import { runEngineBench } from './engine.bench.js';
import { runDockerBench, printDockerBench } from './docker.bench.js';
import { printProbesBench, runProbesBench } from './probes.bench.js';
import { printStartupBench, runStartupBench } from './startup.bench.js';
import { printScaleBench, runScaleBench } from './scale.bench.js';
import { printSwarmBench, runSwarmBench } from './swarm.bench.js';
import { printRealStackBench, realStackMissing, runRealStackBench } from './realstack.bench.js';
import { formatMs } from './stats.js';

const picked = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const wants = (name: string) => picked.length === 0 || picked.includes(name);
const verdict = (ok: boolean) => (ok ? 'meets target' : 'MISSES target');

if (wants('load')) {
  const r = runLoadBench();
  console.log(`load: ${r.services} services (${(r.fileBytes / 1024).toFixed(0)} KiB), median of ${r.runs} runs`);
  console.log(`  total read+parse+validate+model ${formatMs(r.totalMedianMs)} (target < 100 ms: ${verdict(r.totalMedianMs < 100)})`);
  console.log(`  TOML parse ${formatMs(r.parseMedianMs)}, validation+model ${formatMs(r.validateAndModelMedianMs)}, ratio ${r.ratio.toFixed(2)} (target ≤ 1: ${verdict(r.ratio <= 1)})`);
  console.log(`  retained heap ${r.retainedMb === undefined ? 'n/a (run with --expose-gc)' : `${r.retainedMb.toFixed(2)} MB`} (target < 30 MB), schema compile once ${formatMs(r.schemaCompileMs)}`);
}

if (wants('yaml')) printYamlBench(runYamlBench());

if (wants('engine')) {
  const r = await runEngineBench();
  console.log(`engine: ${r.services} services, depth ${r.depth}, each ready ${r.readyAfterMs} ms after start (${r.fixture} service), on ${r.runtime}`);
  console.log(`  up ${formatMs(r.upMs)} (median of ${r.rounds}: ${r.upRoundsMs.join(', ')} ms) vs critical path ${formatMs(r.criticalPathMs)}: ${r.ratio.toFixed(3)}× (target ≤ 1.15×: ${verdict(r.ratio <= 1.15)})`);
  console.log(`  floor, same graph run by a bare spawn loop (no state, no files, no events): ${formatMs(r.floorMs)} = ${r.floorRatio.toFixed(3)}×; up over the floor: ${(r.upMs / r.floorMs).toFixed(3)}×`);
  if (r.heldFloorMs !== undefined && r.heldFloorRatio !== undefined) console.log(`  held-child floor, same graph released from the zygote's held children (no state, no events, no engine): ${formatMs(r.heldFloorMs)} = ${r.heldFloorRatio.toFixed(3)}×; up over it: ${(r.upMs / r.heldFloorMs).toFixed(3)}×`);
  const described = { native: 'a native service', perl: 'a Perl service (an interpreter to load)', shell: 'a shell service (forks sleep and date)' } as const;
  for (const o of r.others) console.log(`  with ${described[o.fixture]}: up ${o.ratio.toFixed(3)}×, floor ${o.floorRatio.toFixed(3)}×`);
  if (r.sequentialMs !== undefined) console.log(`  sequential baseline (one service after another) ${formatMs(r.sequentialMs)}: speed-up ${r.speedup?.toFixed(1)}×`);
  console.log(`  engine alone (in-memory runtime, real timers) ${formatMs(r.engineOnlyUpMs)}: ${r.engineOnlyRatio.toFixed(3)}× the critical path`);
  console.log(`  down ${formatMs(r.downMs)}`);
  console.log(`  readiness: listening → service.healthy median ${formatMs(r.portReadinessMedianMs)}, p90 ${formatMs(r.portReadinessP90Ms)} over ${r.portReadinessSamples} samples (target median < 50 ms: ${verdict(r.portReadinessMedianMs < 50)}); log line → healthy median ${formatMs(r.logReadinessMedianMs)}`);
}

if (wants('probes')) printProbesBench(await runProbesBench(), formatMs);

if (wants('docker')) {
  let available = true;
  try {
    execFileSync('docker', ['info'], { stdio: 'ignore' });
    execFileSync('docker-compose', ['version'], { stdio: 'ignore' });
  } catch {
    available = false;
  }
  if (available) printDockerBench(await runDockerBench(Number(process.env.BENCH_ROUNDS ?? 3)));
  else console.log('docker: not run (needs a Docker engine and docker-compose: apt-get install docker.io docker-compose busybox-static)');
}

if (wants('startup')) {
  printStartupBench(runStartupBench(), formatMs);
}

if (wants('scale')) printScaleBench(await runScaleBench());

if (wants('realstack')) {
  const missing = realStackMissing();
  if (missing !== undefined) {
    console.log(`realstack: not run (${missing})`);
    if (picked.includes('realstack')) process.exitCode = 1; // asked for by name: a missing piece is a failure
  } else printRealStackBench(await runRealStackBench());
}

// Only when asked by name: it puts the engine into Swarm mode (and always leaves it).
if (picked.includes('swarm')) printSwarmBench(await runSwarmBench(Number(process.env.BENCH_ROUNDS ?? 2)));
