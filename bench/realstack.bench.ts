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
 */
import { execFile, execFileSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadProject, processRuntime, type ComposeEvent } from '@selur/compose';
import { formatMs, median } from './stats.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const FILE = join(root, 'examples/real-stack/compose.toml');
const CLI = join(root, 'packages/cli/dist/cli.js');
const SCRIPT = join(root, 'bench/fixtures/realstack-sequential.sh');
const STAGES = ['pg-init', 'db', 'cache', 'app', 'web'] as const;
type Stage = (typeof STAGES)[number];

export type Way = 'sdk' | 'cli' | 'script';
export interface RealStackBench {
  readonly rounds: number;
  readonly upMs: Record<Way, number[]>;
  readonly downMs: Record<Way, number[]>;
  /** Per stage, ms from the start of `up` until that service was ready (SDK: its event; script: its stamp). */
  readonly stagesMs: Record<'sdk' | 'script', Record<Stage, number[]>>;
  /** Requests that failed right after `up` returned (each way retries, bounded, and counts them). */
  readonly retries: Record<Way, number>;
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
  const sdkState = join(work, 'sdk-state');
  const cliHome = join(work, 'cli-home'); // the CLI's state: $XDG_STATE_HOME/selur-compose
  await mkdir(join(cliHome, 'selur-compose'), { recursive: true, mode: 0o711 });
  await chmod(cliHome, 0o711);
  await chmod(join(cliHome, 'selur-compose'), 0o711);
  await mkdir(sdkState, { mode: 0o711 });
  await chmod(sdkState, 0o711);
  const cliEnv = { ...process.env, XDG_STATE_HOME: cliHome, NO_COLOR: '1' };
  const runtime = processRuntime({ stateDir: sdkState });
  const upMs: Record<Way, number[]> = { sdk: [], cli: [], script: [] };
  const downMs: Record<Way, number[]> = { sdk: [], cli: [], script: [] };
  const stage = (): Record<Stage, number[]> => ({ 'pg-init': [], db: [], cache: [], app: [], web: [] });
  const stagesMs = { sdk: stage(), script: stage() };
  const retries: Record<Way, number> = { sdk: 0, cli: 0, script: 0 };

  const ways: Record<Way, (round: number) => Promise<void>> = {
    async sdk(round) {
      const seen: Partial<Record<Stage, number>> = {};
      const t0 = performance.now();
      const onEvent = (e: ComposeEvent): void => {
        if ((e.type === 'service.healthy' || e.type === 'service.exited') && (STAGES as readonly string[]).includes(e.service)) seen[e.service as Stage] ??= performance.now() - t0;
      };
      const project = await loadProject(FILE, { projectName: `benchreal-sdk-${round}` });
      const stack = await project.up({ runtime, onEvent });
      retries.sdk += await firstAnswer(stack.service('web').endpoint(8080).url);
      upMs.sdk.push(performance.now() - t0);
      for (const s of STAGES) if (seen[s] !== undefined) stagesMs.sdk[s].push(seen[s]);
      const t1 = performance.now();
      await stack.down({ volumes: true });
      downMs.sdk.push(performance.now() - t1);
    },
    async cli(round) {
      const name = `benchreal-cli-${round}`;
      const t0 = performance.now();
      await run(process.execPath, [CLI, '-f', FILE, '-p', name, '--progress', 'plain', 'up', '-d', '--wait'], cliEnv);
      const upDone = performance.now();
      // `ps` is how a script learns the port: not part of `up`, so its time is left out.
      const ps = JSON.parse(await run(process.execPath, [CLI, '-f', FILE, '-p', name, 'ps', '--format', 'json'], cliEnv)) as { service: string; ports: { published: number }[] }[];
      const web = ps.find((c) => c.service === 'web')?.ports[0]?.published;
      const t = performance.now();
      retries.cli += await firstAnswer(`http://127.0.0.1:${web}`);
      upMs.cli.push(upDone - t0 + (performance.now() - t));
      const t1 = performance.now();
      await run(process.execPath, [CLI, '-f', FILE, '-p', name, '--progress', 'plain', 'down', '-v'], cliEnv);
      downMs.cli.push(performance.now() - t1);
    },
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

  try {
    // Every order of the three in turn, so that each way comes first, second and third, and after
    // each other way, as often (initdb writes ~40 MB: what the previous way left to the disk counts).
    const orders: Way[][] = [['sdk', 'cli', 'script'], ['script', 'cli', 'sdk'], ['cli', 'script', 'sdk'], ['sdk', 'script', 'cli'], ['script', 'sdk', 'cli'], ['cli', 'sdk', 'script']];
    const settle = () => execFileSync('sync'); // each way starts with the previous one's writes on disk (not timed)
    await ways.sdk(-1); // warm-up: the page cache, the zygote, the modules (not counted)
    upMs.sdk.length = 0;
    downMs.sdk.length = 0;
    retries.sdk = 0;
    for (const s of STAGES) stagesMs.sdk[s].length = 0;
    for (let round = 0; round < rounds; round++) {
      for (const way of orders[round % orders.length] as Way[]) {
        settle();
        await ways[way](round);
      }
    }
  } finally {
    await runtime.close();
    await rm(work, { recursive: true, force: true });
  }
  return { rounds, upMs, downMs, stagesMs, retries };
}

export function printRealStackBench(r: RealStackBench): void {
  const up = { sdk: median(r.upMs.sdk), cli: median(r.upMs.cli), script: median(r.upMs.script) };
  const down = { sdk: median(r.downMs.sdk), cli: median(r.downMs.cli), script: median(r.downMs.script) };
  const list = (values: readonly number[]) => values.map((v) => v.toFixed(0)).join(', ');
  const verdict = (ok: boolean) => (ok ? 'meets target' : 'MISSES target');
  console.log(`realstack: PostgreSQL (initdb, then the server, as postgres), Redis, nginx and a pg+redis Node app, up until a request through nginx answers; median of ${r.rounds} interleaved rounds`);
  // Each round runs the three ways back to back: the ratio within a round is less touched by the
  // machine's load drifting over the run than the ratio of the medians.
  const paired = (way: Way, of: Record<Way, number[]>) => median(of[way].map((v, i) => v / (of.script[i] ?? Number.NaN))).toFixed(2);
  console.log(`  script (one after another, polling every 50 ms) up ${formatMs(up.script)} (${list(r.upMs.script)} ms), down ${formatMs(down.script)} (${list(r.downMs.script)} ms)`);
  console.log(`  SDK up ${formatMs(up.sdk)} (${list(r.upMs.sdk)} ms) = ${(up.sdk / up.script).toFixed(2)}× the script (target ≤ 1.0×: ${verdict(up.sdk <= up.script)}; median of the rounds' ratios ${paired('sdk', r.upMs)}×); down ${formatMs(down.sdk)} (${list(r.downMs.sdk)} ms) = ${(down.sdk / down.script).toFixed(2)}× (rounds ${paired('sdk', r.downMs)}×)`);
  console.log(`  CLI up -d --wait ${formatMs(up.cli)} (${list(r.upMs.cli)} ms) = ${(up.cli / up.script).toFixed(2)}× the script (rounds ${paired('cli', r.upMs)}×); down -v ${formatMs(down.cli)} (${list(r.downMs.cli)} ms) = ${(down.cli / down.script).toFixed(2)}× (rounds ${paired('cli', r.downMs)}×)`);
  const stageLine = (way: 'sdk' | 'script') => STAGES.map((s) => `${s} ${median(r.stagesMs[way][s]).toFixed(0)}`).join(', ');
  console.log(`  ready at (ms from the start, medians): SDK ${stageLine('sdk')}; script ${stageLine('script')}`);
  // What each stage took from the moment it could begin (its dependencies ready), per round:
  // where the engine's own cost shows against the script's (the servers' start is the same).
  const after: Record<'sdk' | 'script', Record<Stage, readonly Stage[]>> = {
    sdk: { 'pg-init': [], db: ['pg-init'], cache: [], app: ['db', 'cache'], web: ['app'] },
    script: { 'pg-init': [], db: ['pg-init'], cache: ['db'], app: ['cache'], web: ['app'] },
  };
  const took = (way: 'sdk' | 'script') =>
    STAGES.map((s) => {
      const spans = r.stagesMs[way][s].map((at, i) => at - Math.max(0, ...after[way][s].map((d) => r.stagesMs[way][d][i] ?? Number.NaN)));
      return `${s} ${median(spans).toFixed(0)}`;
    }).join(', ');
  console.log(`  each stage from its start (ms, medians): SDK ${took('sdk')}; script ${took('script')}`);
  console.log(`  requests retried after up returned: SDK ${r.retries.sdk}, CLI ${r.retries.cli}, script ${r.retries.script}`);
}
