/**
 * Cold start: what a user waits for before anything happens. Each sample is a fresh Node process,
 * timed from spawn to exit, measured interleaved with `node -e 0` (the floor: Node's own start on
 * this machine) in the same run, so the ratios hold however busy the machine is.
 *
 * - `import('@selur/compose')` of the built ESM entry
 * - `selur-compose version` and `selur-compose ps` (process runtime, an empty project) of the built CLI
 *
 * `BENCH_STARTUP_COMPARE=/path/to/another/checkout` (built, with its node_modules) measures the same
 * commands there too, interleaved, for a before/after comparison within one run.
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
  readonly env?: NodeJS.ProcessEnv;
}

export interface StartupResult {
  readonly rounds: number;
  readonly floorMs: number;
  readonly cases: readonly { readonly label: string; readonly medianMs: number; readonly ratio: number }[];
}

function casesFor(root: string, tag: string, project: string, stateDir: string): Case[] {
  const core = join(root, 'packages/compose/dist/index.js');
  const cli = join(root, 'packages/cli/dist/cli.js');
  for (const file of [core, cli]) if (!existsSync(file)) throw new Error(`startup bench: ${file} is missing; run \`pnpm build\` in ${root} first`);
  const env = { ...process.env, XDG_STATE_HOME: stateDir, NO_COLOR: '1' };
  return [
    { label: `${tag}import('@selur/compose')`, args: ['--input-type=module', '-e', `await import(${JSON.stringify(pathToFileURL(core).href)})`], cwd: root },
    { label: `${tag}selur-compose version`, args: [cli, 'version'], cwd: project, env },
    { label: `${tag}selur-compose ps`, args: [cli, '-f', join(project, 'compose.toml'), 'ps'], cwd: project, env },
  ];
}

function timeOnce(c: Case): number {
  const start = process.hrtime.bigint();
  const run = spawnSync(process.execPath, c.args, { cwd: c.cwd, env: c.env ?? process.env, stdio: ['ignore', 'ignore', 'pipe'], timeout: 30_000 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (run.status !== 0) throw new Error(`startup bench: ${c.label} exited ${String(run.status)}: ${run.stderr.toString().slice(0, 400)}`);
  return ms;
}

export function runStartupBench(rounds = Number(process.env.BENCH_ROUNDS ?? 15)): StartupResult {
  const project = mkdtempSync(join(tmpdir(), 'bench-startup-'));
  try {
    writeFileSync(join(project, 'compose.toml'), 'version = "1.0"\nname = "bench-startup"\n\n[services.web]\nimage = "local/web"\ncommand = ["sleep", "60"]\n');
    const stateDir = join(project, 'state');
    const compare = process.env.BENCH_STARTUP_COMPARE;
    const cases: Case[] = [
      { label: 'node -e 0', args: ['-e', '0'], cwd: ROOT },
      ...casesFor(ROOT, '', project, stateDir),
      ...(compare ? casesFor(resolve(compare), 'compare: ', project, join(project, 'state-compare')) : []),
    ];
    for (const c of cases) timeOnce(c); // warm the file cache
    const samples = cases.map(() => [] as number[]);
    for (let round = 0; round < rounds; round++) cases.forEach((c, i) => samples[i]!.push(timeOnce(c)));
    const floorMs = median(samples[0]!);
    return {
      rounds,
      floorMs,
      cases: cases.slice(1).map((c, i) => ({ label: c.label, medianMs: median(samples[i + 1]!), ratio: median(samples[i + 1]!) / floorMs })),
    };
  } finally {
    rmSync(project, { recursive: true, force: true });
  }
}
