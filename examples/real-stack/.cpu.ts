import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session } from 'node:inspector/promises';
import { loadProject, processRuntime } from '@selur/compose';
const stateDir = await mkdtemp(join(tmpdir(), 'rs-cpu-'));
await chmod(stateDir, 0o711);
const runtime = processRuntime({ stateDir });
const warm = await (await loadProject('/work/wt/realstack/examples/real-stack/compose.toml', { projectName: 'warm' })).up({ runtime });
await warm.down({ volumes: true });
const session = new Session(); session.connect();
await session.post('Profiler.enable'); await session.post('Profiler.setSamplingInterval', { interval: 200 }); await session.post('Profiler.start');
const phase = process.argv[2];
const c0 = process.cpuUsage();
let upCpu = 0;
for (let round = 0; round < 3; round++) {
  const a = process.cpuUsage();
  const stack = await (await loadProject('/work/wt/realstack/examples/real-stack/compose.toml', { projectName: `c${round}` })).up({ runtime });
  upCpu += process.cpuUsage(a).user + process.cpuUsage(a).system;
  await stack.down({ volumes: true });
}
const c1 = process.cpuUsage(c0);
const { profile } = await session.post('Profiler.stop');
console.log('cpu total', ((c1.user + c1.system) / 3000).toFixed(0), 'ms/round; up', (upCpu / 3000).toFixed(0), 'ms/round');
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const dt = profile.timeDeltas ?? [];
const agg = new Map<string, number>();
(profile.samples ?? []).forEach((id, i) => {
  const n = byId.get(id)!;
  if (!['readFileUtf8', 'spawn', 'open', 'readFileSync'].includes(n.callFrame.functionName)) return;
  const chain: string[] = [];
  for (let p = parent.get(id), k = 0; p !== undefined && k < 6; p = parent.get(p), k++) { const f = byId.get(p)!.callFrame; chain.push(`${f.functionName}@${f.url.split('/').slice(-2).join('/')}`); }
  const key = `${n.callFrame.functionName} <- ${chain.join(' <- ')}`;
  agg.set(key, (agg.get(key) ?? 0) + (dt[i] ?? 0) / 1000);
});
for (const [k, v] of [...agg].sort((a, b) => b[1] - a[1]).slice(0, 12)) console.log(v.toFixed(1).padStart(8), k);
await runtime.close();
await rm(stateDir, { recursive: true, force: true });
