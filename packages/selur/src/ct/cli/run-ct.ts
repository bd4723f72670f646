import { execFile } from 'node:child_process';
import { CtCommandError } from '../../errors/ct-command-error.js';

/** What a finished `ct` run printed and returned. */
export interface CtRun {
  readonly args: readonly string[];
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** How to start `ct`. */
export interface CtInvocation {
  readonly executable: string;
  readonly env: NodeJS.ProcessEnv;
  readonly timeoutMs: number;
  readonly cwd?: string | undefined;
}

const MAX_OUTPUT = 4 * 1024 * 1024;

/**
 * Runs `ct` with an argument array (never through a shell). Resolves with the exit code whatever it
 * is; rejects with {@link CtCommandError} only when `ct` could not be started or was killed.
 */
export function runCt(invocation: CtInvocation, args: readonly string[]): Promise<CtRun> {
  return new Promise((resolve, reject) => {
    execFile(
      invocation.executable,
      [...args],
      { env: invocation.env, cwd: invocation.cwd, timeout: invocation.timeoutMs, maxBuffer: MAX_OUTPUT, windowsHide: true, shell: false, encoding: 'utf8' },
      (error, stdout, stderr) => {
        const code = error ? (error as { code?: unknown }).code : 0;
        const signal = error ? ((error as { signal?: NodeJS.Signals | null }).signal ?? null) : null;
        if (typeof code === 'number' && signal === null) {
          resolve({ args, exitCode: code, signal: null, stdout, stderr });
          return;
        }
        const detail =
          code === 'ENOENT'
            ? `'${invocation.executable}' not found: install Cerro Torre (ct), pass ctCli({ path }), or use nativeCt()`
            : signal
              ? `killed (${signal}${(error as { killed?: boolean } | null)?.killed ? `, timeout ${invocation.timeoutMs} ms` : ''})`
              : `could not run '${invocation.executable}' (${String(code)})`;
        reject(new CtCommandError(detail, { executable: invocation.executable, args, exitCode: null, signal, stdout, stderr, cause: error }));
      },
    );
  });
}

/** A path argument that cannot be mistaken for a flag (`-x.ctp` becomes `./-x.ctp`). */
export function pathArg(path: string): string {
  return path.startsWith('-') ? `./${path}` : path;
}

/** The text ct printed (on stdout, where it writes errors too), last non-empty line first. */
export function ctSaid(run: CtRun): string {
  const lines = `${run.stdout}\n${run.stderr}`.split('\n').map((line) => line.trim()).filter(Boolean);
  return lines[lines.length - 1] ?? '';
}
