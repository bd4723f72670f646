import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Runs the CLI as a real subprocess: the built binary `node packages/cli/dist/cli.js` (built by
 * test/global-setup.ts before the suite), resolving `@selur/compose`, `@selur/compose-docker` and
 * `@selur/compose-selur` through node_modules to their built packages, exactly as an installed CLI does.
 */
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
export const BINARY = join(ROOT, 'packages/cli/dist/cli.js');

/** What a finished run printed and how it exited. */
export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A folder with a compose file, an isolated state folder for the process runtime, and cleanup. */
export interface Workspace {
  readonly dir: string;
  readonly env: Record<string, string>;
  write(name: string, text: string): string;
  remove(): void;
}

/** Creates a temporary project folder; `env` isolates the process runtime's state (XDG_STATE_HOME). */
export function workspace(prefix = 'selur-cli-'): Workspace {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return {
    dir,
    env: { XDG_STATE_HOME: join(dir, '.state') },
    write(name, text) {
      const path = join(dir, name);
      writeFileSync(path, text);
      return path;
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function baseEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', ...extra };
  for (const key of ['FORCE_COLOR', 'SELUR_COMPOSE_FILE', 'SELUR_PROJECT_NAME', 'SELUR_COMPOSE_PARALLEL', 'SELUR_COMPOSE_RUNTIME']) if (!(key in extra)) delete env[key];
  return env;
}

/** A running CLI process, for tests that interact with it (Ctrl-C mid-`up`). */
export interface RunningCli {
  readonly child: ChildProcess;
  /** Everything printed so far. */
  output(): { stdout: string; stderr: string };
  /** Resolves once stdout or stderr matches, rejects after `timeoutMs`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  readonly done: Promise<CliResult>;
}

/** Starts `selur-compose args…` in `cwd`. The process is killed after `timeoutMs` (a bounded test). */
export function startCli(args: readonly string[], options: CliOptions): RunningCli {
  // As the launcher does (see tsup.config.ts): `--` so that Node reads none of the CLI's options;
  // `bin` runs the file itself, through its launcher, as an installed `selur-compose` is run.
  const [command, argv] = options.bin ? [BINARY, args] : [process.execPath, ['--', BINARY, ...args]];
  const child = spawn(command, argv, { cwd: options.cwd, env: baseEnv(options.env ?? {}), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const listeners = new Set<() => void>();
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => ((stdout += chunk), listeners.forEach((l) => l())));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => ((stderr += chunk), listeners.forEach((l) => l())));
  const killer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
  const done = new Promise<CliResult>((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(killer);
      listeners.forEach((l) => l());
      resolve({ code, signal, stdout, stderr });
    });
  });
  return {
    child,
    output: () => ({ stdout, stderr }),
    done,
    waitFor(pattern, timeoutMs = 30_000) {
      return new Promise<void>((resolve, reject) => {
        const check = () => {
          if (pattern.test(stdout) || pattern.test(stderr)) {
            listeners.delete(check);
            clearTimeout(timer);
            resolve();
          } else if (child.exitCode !== null || child.signalCode !== null) {
            listeners.delete(check);
            clearTimeout(timer);
            reject(new Error(`exited before printing ${pattern}:\n${stdout}\n${stderr}`));
          }
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`timed out waiting for ${pattern}:\n--- stdout\n${stdout}\n--- stderr\n${stderr}`));
        }, timeoutMs);
        listeners.add(check);
        check();
      });
    },
  };
}

/** How {@link startCli} runs the CLI. */
export interface CliOptions {
  readonly cwd: string;
  readonly env?: Record<string, string>;
  readonly timeoutMs?: number;
  /** Run `dist/cli.js` as an executable (its launcher), not `node -- dist/cli.js`. */
  readonly bin?: boolean;
}

/** Runs `selur-compose args…` to the end. */
export function runCli(args: readonly string[], options: CliOptions): Promise<CliResult> {
  return startCli(args, options).done;
}

/** True while a process with this pid runs (a zombie waiting to be reaped counts as gone). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // no /proc: trust kill(0)
  }
}
