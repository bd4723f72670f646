/**
 * Real-stack benchmark (issue 14): examples/real-stack — Debian's PostgreSQL (a one-shot initdb,
 * then the server, as user postgres), Redis, nginx and a Node app using `pg` and `redis` — brought
 * up until a request through nginx → app → PostgreSQL + Redis answers, then taken down, three ways
 * in the same run, interleaved round by round (each round another order of the three):
 *
 * - SDK: `loadProject` + `up` on one `processRuntime` (its defaults: no tuned polling), `down`;
 * - CLI: `node packages/cli/dist/cli.js up -d --wait`, then `down -v` (needs `pnpm build`);
 * - script: bench/fixtures/realstack-sequential.sh, which starts the same servers with the same
 *   commands one after another, polling each every 50 ms, and stops them in reverse order.
 *
 * Goal: the SDK's `up` at most 1.0× the script's. Stage times (from the engine's events, and the
 * script's own stamps) show where the time goes. Needs root and
 * `apt-get install postgresql redis-server nginx` (.ci/run installs them).
 *
 *   pnpm bench realstack            (BENCH_ROUNDS=N for more rounds; default 6: every order once)
 *
 * `BENCH_REALSTACK_COMPARE=/path/to/another/checkout` (built, with its node_modules) adds that
 * checkout's SDK and CLI as two more ways, interleaved with the others: a before/after comparison
 * within one run. The SDK is then loaded from each checkout's built ESM entry (dist), both of them.
 *
 * The CLI's progress lines (`--progress plain`) are stamped as they arrive, which splits its time
 * into phases: until the first event (Node's start, module loading, project loading, the lock, the
 * state read and the first listing), the stops, the volumes' removal, and the exit after the last
 * line. `--import bench/fixtures/cli-phases.mjs` adds when Node had started (before our modules).
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pathToFileURL } from 'node:url';
import * as compose from '@selur/compose';
import type { ComposeEvent } from '@selur/compose';
import { formatMs, median } from './stats.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const FILE = join(root, 'examples/real-stack/compose.toml');
const CLI = join(root, 'packages/cli/dist/cli.js');
const SCRIPT = join(root, 'bench/fixtures/realstack-sequential.sh');
const CLI_PHASES = join(root, 'bench/fixtures/cli-phases.mjs');
const COMPARE = process.env.BENCH_REALSTACK_COMPARE;
const STAGES = ['pg-init', 'db', 'cache', 'app', 'web'] as const;
type Stage = (typeof STAGES)[number];

export type Way = 'sdk' | 'cli' | 'script' | 'sdk-base' | 'cli-base';
/** The ways whose stage times are kept. */
export type StagedWay = 'sdk' | 'cli' | 'cli-base' | 'script';
/** Per CLI run, ms from its spawn: Node started (before our modules), first event, first stop, last container removed, last volume removed, last line, exit. */
export interface CliStamps {
  readonly node?: number | undefined;
  readonly firstEvent?: number | undefined;
  readonly firstStop?: number | undefined;
  readonly lastRemoved?: number | undefined;
  readonly lastVolume?: number | undefined;
  readonly lastLine?: number | undefined;
  readonly exit: number;
  /** CPU time of the CLI process (user + system, ms). */
  readonly cpu?: number | undefined;
}
export interface RealStackBench {
  readonly rounds: number;
  readonly ways: readonly Way[];
  /** Per CLI way, the stamps of each `up` and `down -v`. */
  readonly cliStamps: Partial<Record<Way, { up: CliStamps[]; down: CliStamps[] }>>;
  readonly upMs: Record<Way, number[]>;
  readonly downMs: Record<Way, number[]>;
  /**
   * Per stage, ms from the start of `up` until that service was ready (SDK: its event; CLI: its
   * progress line, from the spawn; script: its stamp).
   */
  readonly stagesMs: Record<StagedWay, Record<Stage, number[]>>;
  /** Requests that failed right after `up` returned (each way retries, bounded, and counts them). */
  readonly retries: Record<Way, number>;
  /** CPU time of this process (user + system, ms) per SDK `up` and `down`: what the engine itself costs. */
  readonly sdkCpuMs: Partial<Record<Way, { up: number[]; down: number[]; tail: number[] }>>;
}

/** What the bench needs on the host, or the reason it cannot run. */
export function realStackMissing(): string | undefined {
  const need = ['setpriv', 'pg_isready', 'redis-server', 'nginx'];
  try {
    execFileSync('sh', ['-c', `for p in ${need.join(' ')}; do command -v $p >/dev/null || test -x /usr/sbin/$p || exit 1; done; ls /usr/lib/postgresql/*/bin/initdb >/dev/null`], { stdio: 'ignore' });
  } catch {
    return 'needs Debian\'s PostgreSQL, Redis and nginx: run `bash .ci/run` or `apt-get install postgresql redis-server nginx`';
  }
  if (process.getuid?.() !== 0) return 'needs root (PostgreSQL runs as user postgres, which only root can switch to)';
  try {
    execFileSync(process.execPath, [CLI, 'version'], { stdio: 'ignore' });
  } catch {
    return 'needs the built CLI: run `pnpm build`';
  }
  return undefined;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Runs a CLI with `--progress plain`, stamping each line of its output as it arrives (ms from the spawn). */
function runStamped(args: readonly string[], env: NodeJS.ProcessEnv): Promise<{ stdout: string; lines: { at: number; text: string }[]; exit: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    const lines: { at: number; text: string }[] = [];
    let stdout = '';
    let stderr = '';
    let rest = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      const at = performance.now() - t0;
      stderr += d;
      const parts = (rest + d).split('\n');
      rest = parts.pop() ?? '';
      for (const text of parts) lines.push({ at, text });
    });
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) reject(new Error(`${args.join(' ')} exited ${code}\n${stderr}`));
      else resolve({ stdout, lines, exit: performance.now() - t0 });
    });
  });
}

/** The phases of one CLI run from its stamped lines (see {@link CliStamps}). */
function stampsOf(lines: readonly { at: number; text: string }[], exit: number): CliStamps {
  const first = (test: (t: string) => boolean) => lines.find((l) => test(l.text))?.at;
  const last = (test: (t: string) => boolean) => [...lines].reverse().find((l) => test(l.text))?.at;
  const node = lines.find((l) => l.text.startsWith('cli-phases node-started '));
  const cpu = lines.find((l) => l.text.startsWith('cli-phases cpu '));
  const progress = lines.filter((l) => !l.text.startsWith('cli-phases '));
  return {
    node: node ? Number(node.text.split(' ')[2]) : undefined,
    firstEvent: progress[0]?.at,
    firstStop: first((t) => / stopping$/.test(t)),
    lastRemoved: last((t) => / removed$/.test(t) && !t.startsWith('volume ') && !t.startsWith('network ')),
    lastVolume: last((t) => t.startsWith('volume ') && t.endsWith(' removed')),
    lastLine: progress.at(-1)?.at,
    exit,
    cpu: cpu ? Number(cpu.text.split(' ')[2]) : undefined,
  };
}

function run(file: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { cwd: root, env, encoding: 'utf8', timeout: 120_000, killSignal: 'SIGKILL' }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${file} ${args.join(' ')} failed: ${error.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

/** The first answer of the chain: at most 100 tries, 20 ms apart (counted in `retries`). */
async function firstAnswer(url: string): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
      const body = await response.text();
      if (response.ok && body.includes('"visits":1')) return attempt;
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`realstack bench: ${url} did not answer`);
}

export async function runRealStackBench(rounds = Number(process.env.BENCH_ROUNDS ?? 6)): Promise<RealStackBench> {
  const work = await mkdtemp(join(tmpdir(), 'selur-bench-realstack-'));
  await chmod(work, 0o711); // user postgres reaches its volumes under the state folders
  const cliHome = join(work, 'cli-home'); // the CLI's state: $XDG_STATE_HOME/selur-compose
  await mkdir(join(cliHome, 'selur-compose'), { recursive: true, mode: 0o711 });
  await chmod(cliHome, 0o711);
  await chmod(join(cliHome, 'selur-compose'), 0o711);
  const cliEnv = { ...process.env, XDG_STATE_HOME: cliHome, NO_COLOR: '1' };
  const upMs: Record<Way, number[]> = { sdk: [], cli: [], script: [], 'sdk-base': [], 'cli-base': [] };
  const downMs: Record<Way, number[]> = { sdk: [], cli: [], script: [], 'sdk-base': [], 'cli-base': [] };
  const stage = (): Record<Stage, number[]> => ({ 'pg-init': [], db: [], cache: [], app: [], web: [] });
  const stagesMs: Record<StagedWay, Record<Stage, number[]>> = { sdk: stage(), cli: stage(), 'cli-base': stage(), script: stage() };
  const retries: Record<Way, number> = { sdk: 0, cli: 0, script: 0, 'sdk-base': 0, 'cli-base': 0 };

  type Sdk = Pick<typeof compose, 'loadProject' | 'processRuntime'>;
  // With a checkout to compare against, both SDKs come from their built entries (same footing).
  const sdkOf = async (checkout: string): Promise<Sdk> => (await import(pathToFileURL(join(checkout, 'packages/compose/dist/index.js')).href)) as Sdk;
  const sdks: Partial<Record<Way, Sdk>> = COMPARE ? { sdk: await sdkOf(root), 'sdk-base': await sdkOf(COMPARE) } : { sdk: compose };
  const runtimes: compose.Runtime[] = [];
  const sdkWay = (way: Way, sdk: Sdk) => {
    const state = join(work, `${way}-state`);
    let runtime: compose.Runtime | undefined;
    return async (round: number) => {
      if (!runtime) {
        await mkdir(state, { mode: 0o711 });
        await chmod(state, 0o711);
        runtime = sdk.processRuntime({ stateDir: state });
        runtimes.push(runtime);
      }
      const seen: Partial<Record<Stage, number>> = {};
      const cpu = (sdkCpuMs[way] ??= { up: [], down: [], tail: [] });
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      const onEvent = (e: ComposeEvent): void => {
        if ((e.type === 'service.healthy' || e.type === 'service.exited') && (STAGES as readonly string[]).includes(e.service)) seen[e.service as Stage] ??= performance.now() - t0;
      };
      const project = await sdk.loadProject(FILE, { projectName: `benchreal-${way}-${round}` });
      const stack = await project.up({ runtime, onEvent });
      retries[way] += await firstAnswer(stack.service('web').endpoint(8080).url);
      upMs[way].push(performance.now() - t0);
      const c1 = process.cpuUsage(c0);
      if (round >= 0) cpu.up.push((c1.user + c1.system) / 1000);
      if (round >= 0 && seen.web !== undefined) cpu.tail.push(upMs[way].at(-1)! - seen.web);
      if (way === 'sdk') for (const s of STAGES) if (seen[s] !== undefined) stagesMs.sdk[s].push(seen[s]);
      const t1 = performance.now();
      const c2 = process.cpuUsage();
      await stack.down({ volumes: true });
      downMs[way].push(performance.now() - t1);
      const c3 = process.cpuUsage(c2);
      if (round >= 0) cpu.down.push((c3.user + c3.system) / 1000);
    };
  };
  const cliWay = (way: Way, cli: string) => {
    const stamps = (cliStamps[way] = { up: [] as CliStamps[], down: [] as CliStamps[] });
    return async (round: number) => {
      const name = `benchreal-${way}-${round}`;
      const t0 = performance.now();
      const up = await runStamped(['--import', CLI_PHASES, cli, '-f', FILE, '-p', name, '--progress', 'plain', 'up', '-d', '--wait'], cliEnv);
      const upDone = performance.now();
      stamps.up.push(stampsOf(up.lines, up.exit));
      // each service's readiness line (`db  healthy`, `pg-init  completed (0)`), ms from the spawn
      if (way === 'cli' || way === 'cli-base') {
        for (const s of STAGES) {
          const at = up.lines.find((l) => l.text.startsWith(`${s}  healthy`) || l.text.startsWith(`${s}  completed`))?.at;
          if (at !== undefined) stagesMs[way][s].push(at);
        }
      }
      // `ps` is how a script learns the port: not part of `up`, so its time is left out.
      const ps = JSON.parse(await run(process.execPath, [cli, '-f', FILE, '-p', name, 'ps', '--format', 'json'], cliEnv)) as { service: string; ports: { published: number }[] }[];
      const web = ps.find((c) => c.service === 'web')?.ports[0]?.published;
      const t = performance.now();
      retries[way] += await firstAnswer(`http://127.0.0.1:${web}`);
      upMs[way].push(upDone - t0 + (performance.now() - t));
      const t1 = performance.now();
      const down = await runStamped(['--import', CLI_PHASES, cli, '-f', FILE, '-p', name, '--progress', 'plain', 'down', '-v'], cliEnv);
      downMs[way].push(performance.now() - t1);
      stamps.down.push(stampsOf(down.lines, down.exit));
    };
  };
  const cliStamps: RealStackBench['cliStamps'] = {};
  const sdkCpuMs: RealStackBench['sdkCpuMs'] = {};

  const ways: Partial<Record<Way, (round: number) => Promise<void>>> = {
    sdk: sdkWay('sdk', sdks.sdk as Sdk),
    cli: cliWay('cli', CLI),
    ...(COMPARE ? { 'sdk-base': sdkWay('sdk-base', sdks['sdk-base'] as Sdk), 'cli-base': cliWay('cli-base', join(COMPARE, 'packages/cli/dist/cli.js')) } : {}),
    async script() {
      const dir = await mkdtemp(join(work, 'script-'));
      const ports = [await freePort(), await freePort(), await freePort(), await freePort()];
      const t0 = performance.now();
      const startedAtUs = Date.now() * 1000;
      const out = await run('bash', [SCRIPT, 'up', dir, ...ports.map(String)]);
      retries.script += await firstAnswer(`http://127.0.0.1:${ports[3]}`);
      upMs.script.push(performance.now() - t0);
      for (const line of out.split('\n')) {
        const [word, name, at] = line.split(' ');
        if (word === 'stage' && (STAGES as readonly string[]).includes(name ?? '')) stagesMs.script[name as Stage].push((Number(at) - startedAtUs) / 1000);
      }
      const t1 = performance.now();
      await run('bash', [SCRIPT, 'down', dir]);
      downMs.script.push(performance.now() - t1);
      await rm(dir, { recursive: true, force: true });
    },
  };

  const present = Object.keys(ways) as Way[];
  try {
    // Every order of the three in turn, so that each way comes first, second and third, and after
    // each other way, as often (initdb writes ~40 MB: what the previous way left to the disk counts).
    // With five ways (a comparison), each round rotates them by one, every other round reversed.
    const orders: Way[][] = present.length === 3
      ? [['sdk', 'cli', 'script'], ['script', 'cli', 'sdk'], ['cli', 'script', 'sdk'], ['sdk', 'script', 'cli'], ['script', 'sdk', 'cli'], ['cli', 'sdk', 'script']]
      : present.map((_, r) => {
          const rotated = [...present.slice(r), ...present.slice(0, r)];
          return r % 2 === 1 ? rotated.reverse() : rotated;
        });
    const settle = () => execFileSync('sync'); // each way starts with the previous one's writes on disk (not timed)
    // warm-up: the page cache, the zygote, the modules (not counted)
    for (const way of present) if (way !== 'script' && way !== 'cli' && way !== 'cli-base') await ways[way]?.(-1);
    for (const way of present) {
      upMs[way].length = 0;
      downMs[way].length = 0;
      retries[way] = 0;
    }
    for (const s of STAGES) stagesMs.sdk[s].length = 0;
    for (let round = 0; round < rounds; round++) {
      for (const way of orders[round % orders.length] as Way[]) {
        settle();
        await ways[way]?.(round);
      }
    }
  } finally {
    await Promise.all(runtimes.map((r) => r.close?.()));
    await rm(work, { recursive: true, force: true });
  }
  return { rounds, ways: present, cliStamps, sdkCpuMs, upMs, downMs, stagesMs, retries };
}

export function printRealStackBench(r: RealStackBench): void {
  const list = (values: readonly number[]) => values.map((v) => v.toFixed(0)).join(', ');
  const verdict = (ok: boolean) => (ok ? 'meets target' : 'MISSES target');
  console.log(`realstack: PostgreSQL (initdb, then the server, as postgres), Redis, nginx and a pg+redis Node app, up until a request through nginx answers; median of ${r.rounds} interleaved rounds`);
  // Each round runs the ways back to back: the ratio within a round is less touched by the
  // machine's load drifting over the run than the ratio of the medians; its spread is printed too.
  const rounds = (way: Way, of: Record<Way, number[]>, to: Way = 'script') => of[way].map((v, i) => v / (of[to][i] ?? Number.NaN));
  const spread = (values: readonly number[]) => `${median(values).toFixed(2)}×, ${Math.min(...values).toFixed(2)}–${Math.max(...values).toFixed(2)}`;
  const line = (label: string, way: Way, upLabel: string) => {
    const up = median(r.upMs[way]);
    const down = median(r.downMs[way]);
    const vsScript = (of: Record<Way, number[]>) => (of[way].length ? `${(median(of[way]) / median(of.script)).toFixed(2)}× the script (rounds ${spread(rounds(way, of))})` : '');
    return `  ${label} ${upLabel} ${formatMs(up)} (${list(r.upMs[way])} ms) = ${vsScript(r.upMs)}; down ${formatMs(down)} (${list(r.downMs[way])} ms) = ${vsScript(r.downMs)}`;
  };
  console.log(`  script (one after another, polling every 50 ms) up ${formatMs(median(r.upMs.script))} (${list(r.upMs.script)} ms), down ${formatMs(median(r.downMs.script))} (${list(r.downMs.script)} ms)`);
  console.log(`${line('SDK', 'sdk', 'up')} — target for up ≤ 1.0×: ${verdict(median(r.upMs.sdk) <= median(r.upMs.script))}`);
  console.log(line('CLI', 'cli', 'up -d --wait'));
  if (r.ways.includes('sdk-base')) {
    console.log(line('SDK (compared checkout)', 'sdk-base', 'up'));
    console.log(line('CLI (compared checkout)', 'cli-base', 'up -d --wait'));
    console.log(`  this checkout over the compared one, per round: SDK up ${spread(rounds('sdk', r.upMs, 'sdk-base'))}, down ${spread(rounds('sdk', r.downMs, 'sdk-base'))}; CLI up ${spread(rounds('cli', r.upMs, 'cli-base'))}, down -v ${spread(rounds('cli', r.downMs, 'cli-base'))}`);
  }
  for (const way of ['cli', 'cli-base'] as const) {
    const stamps = r.cliStamps[way];
    if (!stamps) continue;
    const m = (of: readonly CliStamps[], pick: (s: CliStamps) => number | undefined) => median(of.map(pick).filter((v): v is number => v !== undefined)).toFixed(0);
    const d = stamps.down;
    console.log(
      `  ${way} down -v phases (ms from spawn, medians): Node started ${m(d, (s) => s.node)}, first event ${m(d, (s) => s.firstEvent)} (modules, project, lock, state, listing), first stop ${m(d, (s) => s.firstStop)}, ` +
        `containers gone ${m(d, (s) => s.lastRemoved)}, volumes gone ${m(d, (s) => s.lastVolume)}, last line ${m(d, (s) => s.lastLine)}, exit ${m(d, (s) => s.exit)}; ` +
        `up -d --wait: Node started ${m(stamps.up, (s) => s.node)}, first event ${m(stamps.up, (s) => s.firstEvent)}, last line ${m(stamps.up, (s) => s.lastLine)}, exit ${m(stamps.up, (s) => s.exit)}`,
    );
    console.log(`  ${way} CPU time of the process (user + system, ms, medians): up -d --wait ${m(stamps.up, (s) => s.cpu)} (${list(stamps.up.map((s) => s.cpu ?? Number.NaN))}), down -v ${m(stamps.down, (s) => s.cpu)} (${list(stamps.down.map((s) => s.cpu ?? Number.NaN))})`);
  }
  for (const way of ['sdk', 'sdk-base'] as const) {
    const cpu = r.sdkCpuMs[way];
    if (cpu) console.log(`  ${way} CPU time of the bench process (user + system, ms, medians): up ${median(cpu.up).toFixed(0)} (${list(cpu.up)}), down ${median(cpu.down).toFixed(0)} (${list(cpu.down)}); from web ready to the first answer after up returned ${median(cpu.tail).toFixed(0)} ms (${list(cpu.tail)})`);
  }
  const stageLine = (way: StagedWay) => STAGES.map((s) => `${s} ${median(r.stagesMs[way][s]).toFixed(0)}`).join(', ');
  const cliLines = (['cli', 'cli-base'] as const).filter((w) => r.stagesMs[w].web.length > 0).map((w) => `; ${w === 'cli' ? 'CLI' : 'CLI (compared checkout)'} (from its spawn) ${stageLine(w)}`).join('');
  console.log(`  ready at (ms from the start, medians): SDK ${stageLine('sdk')}${cliLines}; script ${stageLine('script')}`);
  // What each stage took from the moment it could begin (its dependencies ready), per round:
  // where the engine's own cost shows against the script's (the servers' start is the same).
  const stack: Record<Stage, readonly Stage[]> = { 'pg-init': [], db: ['pg-init'], cache: [], app: ['db', 'cache'], web: ['app'] };
  const after: Record<StagedWay, Record<Stage, readonly Stage[]>> = {
    sdk: stack,
    cli: stack,
    'cli-base': stack,
    script: { 'pg-init': [], db: ['pg-init'], cache: ['db'], app: ['cache'], web: ['app'] },
  };
  const took = (way: StagedWay) =>
    STAGES.map((s) => {
      const spans = r.stagesMs[way][s].map((at, i) => at - Math.max(0, ...after[way][s].map((d) => r.stagesMs[way][d][i] ?? Number.NaN)));
      return `${s} ${median(spans).toFixed(0)}`;
    }).join(', ');
  const cliTook = (['cli', 'cli-base'] as const).filter((w) => r.stagesMs[w].web.length > 0).map((w) => `; ${w === 'cli' ? 'CLI' : 'CLI (compared checkout)'} ${took(w)}`).join('');
  console.log(`  each stage from its start (ms, medians; the CLI's pg-init from its spawn): SDK ${took('sdk')}${cliTook}; script ${took('script')}`);
  console.log(`  requests retried after up returned: SDK ${r.retries.sdk}, CLI ${r.retries.cli}, script ${r.retries.script}`);
}
