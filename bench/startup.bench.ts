/**
 * Cold start: what a user waits for before anything happens. Each sample is a fresh Node process,
 * measured interleaved with `node -e 0` (the floor: Node's own start on this machine) in the same
 * run, so the ratios hold however busy the machine is.
 *
 * - `import('@selur/compose')` of the built ESM entry
 * - `selur-compose version` and `selur-compose ps` (process runtime, a one-service compose.toml)
 *   of the built CLI
 *
 * Each way is held to issue 14's goal for its wall time, printed as met or missed in each
 * environment: the import under 50 ms, the CLI's `version` and `ps` under 150 ms.
 *
 * The CLI keeps a compile cache (packages/cli/src/compile-cache.ts): the untimed first run of each
 * way writes it, so the samples are the warm starts a user has from the second command on
 * (`NODE_DISABLE_COMPILE_CACHE=1` in the bench's environment measures without it).
 *
 * Each process runs under bash's `time` keyword, which gives its wall time (fork to exit, without
 * bash's own start) and its CPU time (user + sys, from the kernel's accounting of the child): CPU
 * time is far less disturbed than wall time by other work on a shared machine.
 *
 * Some of Node's environment variables change every process's start: NODE_EXTRA_CA_CERTS alone
 * (read and parsed at start) costs about 40 ms on some machines, NODE_OPTIONS may preload code.
 * When any NODE_* variable is set, every way is measured twice, interleaved: with the environment
 * as it is, and with those variables removed, each against the floor measured in the same
 * environment. `BENCH_STARTUP_ENV=as-is|clean` keeps one of the two.
 *
 * `BENCH_STARTUP_COMPARE=/path/to/another/checkout` (built, with its node_modules) measures the same
 * commands there too, interleaved, for a before/after comparison within one run.
 * `BENCH_STARTUP_COMMANDS=1` prints the exact commands measured.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { median } from './stats.js';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));

interface Case {
  readonly label: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** Issue 14's goal for this way's wall time, in ms (none for the floor). */
  readonly targetMs?: number;
}

/** Medians of one way: wall time and CPU time (user + sys), in ms. */
export interface StartupFigures {
  readonly label: string;
  /** The command as run (`node` is the Node running the bench). */
  readonly command: string;
  readonly wallMs: number;
  readonly cpuMs: number;
  /** Issue 14's goal for the wall time (ms): the SDK's import under 50 ms, the CLI's `version` and `ps` under 150 ms. */
  readonly targetMs: number | undefined;
  /** wallMs / the floor's wallMs, cpuMs / the floor's cpuMs (the floor of the same environment). */
  readonly ratio: number;
  readonly cpuRatio: number;
}

/** The ways measured in one environment, with the floor measured in that same environment. */
export interface StartupGroup {
  /** `as is`, or `without NODE_…` (the variables removed). */
  readonly environment: string;
  readonly floor: StartupFigures;
  readonly cases: readonly StartupFigures[];
}

export interface StartupResult {
  readonly rounds: number;
  /** The NODE_* variables set in the bench's environment (NODE_ENV aside): names only. */
  readonly nodeVariables: readonly string[];
  /** NODE_OPTIONS' value, when set (what it preloads changes every process). */
  readonly nodeOptions: string | undefined;
  readonly groups: readonly StartupGroup[];
}

/**
 * The NODE_* variables of `env` that Node itself reads (NODE_ENV is an application convention,
 * left alone): NODE_EXTRA_CA_CERTS, NODE_OPTIONS, NODE_COMPILE_CACHE, NODE_V8_COVERAGE, …
 */
export function nodeVariables(env: NodeJS.ProcessEnv): string[] {
  return Object.keys(env).filter((name) => name.startsWith('NODE_') && name !== 'NODE_ENV').sort();
}

function casesFor(root: string, tag: string, project: string, stateDir: string, env: NodeJS.ProcessEnv): Case[] {
  const core = join(root, 'packages/compose/dist/index.js');
  const cli = join(root, 'packages/cli/dist/cli.js');
  for (const file of [core, cli]) if (!existsSync(file)) throw new Error(`startup bench: ${file} is missing; run \`pnpm build\` in ${root} first`);
  const cliEnv = { ...env, XDG_STATE_HOME: stateDir, NO_COLOR: '1' };
  return [
    { label: `${tag}import('@selur/compose')`, args: ['--input-type=module', '-e', `await import(${JSON.stringify(pathToFileURL(core).href)})`], cwd: root, env, targetMs: 50 },
    { label: `${tag}selur-compose version`, args: [cli, 'version'], cwd: project, env: cliEnv, targetMs: 150 },
    { label: `${tag}selur-compose ps`, args: [cli, '-f', join(project, 'compose.toml'), 'ps'], cwd: project, env: cliEnv, targetMs: 150 },
  ];
}

/**
 * Runs `node …args` under bash's `time` (its report goes to fd 3, the child's stderr to stderr):
 * wall and CPU (user + sys) time of that one process, in ms (bash prints them to the millisecond).
 */
const TIMED = 'exec 4>&2; TIMEFORMAT="%3R %3U %3S"; { time "$@" 2>&4; } 2>&3';

function timeOnce(c: Case): { wallMs: number; cpuMs: number } {
  const run = spawnSync('bash', ['-c', TIMED, 'bash', process.execPath, ...c.args], { cwd: c.cwd, env: c.env, stdio: ['ignore', 'ignore', 'pipe', 'pipe'], timeout: 30_000 });
  if (run.status !== 0) throw new Error(`startup bench: ${c.label} exited ${String(run.status)}: ${String(run.stderr).slice(0, 400)}`);
  const report = String(run.output[3] ?? '').trim().split(/\s+/).map(Number);
  if (report.length !== 3 || report.some((n) => !Number.isFinite(n))) throw new Error(`startup bench: no time report for ${c.label}: ${String(run.output[3])}`);
  const [real, user, sys] = report as [number, number, number];
  return { wallMs: real * 1000, cpuMs: (user + sys) * 1000 };
}

function quote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function runStartupBench(rounds = Number(process.env.BENCH_ROUNDS ?? 15)): StartupResult {
  const project = mkdtempSync(join(tmpdir(), 'bench-startup-'));
  try {
    writeFileSync(join(project, 'compose.toml'), 'version = "1.0"\nname = "bench-startup"\n\n[services.web]\nimage = "local/web"\ncommand = ["sleep", "60"]\n');
    const compare = process.env.BENCH_STARTUP_COMPARE;
    const variables = nodeVariables(process.env);
    const clean: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !variables.includes(name)));
    const wanted = process.env.BENCH_STARTUP_ENV;
    const environments = [
      ...(wanted !== 'clean' ? [{ name: 'as is', env: process.env, tag: '' }] : []),
      ...(variables.length > 0 && wanted !== 'as-is' ? [{ name: `without ${variables.join(', ')}`, env: clean, tag: 'clean-' }] : []),
    ];
    const groups = environments.map(({ name, env, tag }) => ({
      name,
      cases: [
        { label: 'node -e 0', args: ['-e', '0'], cwd: ROOT, env },
        ...casesFor(ROOT, '', project, join(project, `${tag}state`), env),
        ...(compare ? casesFor(resolve(compare), 'compare: ', project, join(project, `${tag}state-compare`), env) : []),
      ] satisfies Case[],
    }));
    const all = groups.flatMap((g) => g.cases);
    for (const c of all) timeOnce(c); // warm the file cache
    const samples = all.map(() => ({ wall: [] as number[], cpu: [] as number[] }));
    for (let round = 0; round < rounds; round++) {
      all.forEach((c, i) => {
        const { wallMs, cpuMs } = timeOnce(c);
        samples[i]!.wall.push(wallMs);
        samples[i]!.cpu.push(cpuMs);
      });
    }
    let at = 0;
    return {
      rounds,
      nodeVariables: variables,
      nodeOptions: process.env.NODE_OPTIONS,
      groups: groups.map((g) => {
        const figures = g.cases.map((c) => {
          const s = samples[at++]!;
          return { label: c.label, command: ['node', ...c.args].map(quote).join(' '), wallMs: median(s.wall), cpuMs: median(s.cpu), targetMs: c.targetMs };
        });
        const [floor, ...cases] = figures as [(typeof figures)[number], ...typeof figures];
        const withRatios = (f: (typeof figures)[number]): StartupFigures => ({ ...f, ratio: f.wallMs / floor.wallMs, cpuRatio: f.cpuMs / floor.cpuMs });
        return { environment: g.name, floor: withRatios(floor), cases: cases.map(withRatios) };
      }),
    };
  } finally {
    rmSync(project, { recursive: true, force: true });
  }
}

/**
 * ` — target < N ms: meets target` (or misses), from the wall time; nothing for a way without a
 * goal. A miss where the floor alone reaches the goal says so: no code of ours can meet it there.
 */
function verdict(c: StartupFigures, floor: StartupFigures): string {
  if (c.targetMs === undefined) return '';
  const outcome = c.wallMs < c.targetMs ? 'meets target' : floor.wallMs >= c.targetMs ? 'misses target (the floor alone takes longer)' : 'misses target';
  return ` — target < ${c.targetMs} ms: ${outcome}`;
}

/** The bench's report: the environment, then for each environment the floor and each way (wall and CPU). */
export function printStartupBench(r: StartupResult, formatMs: (ms: number) => string): void {
  const set = r.nodeVariables.length === 0 ? 'no NODE_* variable set' : `set: ${r.nodeVariables.join(', ')}${r.nodeOptions !== undefined ? ` (NODE_OPTIONS=${r.nodeOptions})` : ''}`;
  console.log(`startup: median of ${r.rounds} fresh processes each, interleaved; wall (fork to exit) and CPU (user+sys); ${set}`);
  for (const g of r.groups) {
    console.log(`  environment ${g.environment}: floor \`node -e 0\` wall ${formatMs(g.floor.wallMs)}, CPU ${formatMs(g.floor.cpuMs)}`);
    for (const c of g.cases) {
      console.log(`    ${c.label}: wall ${formatMs(c.wallMs)} = ${c.ratio.toFixed(2)}× the floor (${formatMs(c.wallMs - g.floor.wallMs)} over it); CPU ${formatMs(c.cpuMs)} = ${c.cpuRatio.toFixed(2)}× (${formatMs(c.cpuMs - g.floor.cpuMs)} over it)${verdict(c, g.floor)}`);
    }
  }
  const first = r.groups[0];
  if (process.env.BENCH_STARTUP_COMMANDS && first) {
    console.log(`  each run as \`bash -c '${TIMED}' bash <command>\`; the commands (the CLI's in a temporary project folder):`);
    for (const c of [first.floor, ...first.cases]) console.log(`    ${c.command}`);
  }
}
