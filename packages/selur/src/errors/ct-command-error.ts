import { ComposeError } from '@selur/compose';
import { guardFor } from './guard.js';

/** Context of a failed `ct` run. */
export interface CtCommandErrorOptions {
  /** The `ct` executable that was run. */
  readonly executable: string;
  /** Its arguments, exactly as passed (an array, never a shell string). */
  readonly args: readonly string[];
  /** The exit code, or `null` when it never started or was killed. */
  readonly exitCode: number | null;
  /** The signal that killed it, if any. */
  readonly signal?: string | null | undefined;
  /** What it printed on stdout (ct prints its errors there), trimmed to the last 4 KiB. */
  readonly stdout?: string | undefined;
  /** What it printed on stderr, trimmed to the last 4 KiB. */
  readonly stderr?: string | undefined;
  /** The underlying error (e.g. `ENOENT` when `ct` is not installed). */
  readonly cause?: unknown;
}

const TAIL = 4096;
const tail = (text: string | undefined): string => (text === undefined ? '' : text.length > TAIL ? text.slice(-TAIL) : text);

/**
 * The `ct` command line tool failed (or could not be started). The message quotes the last line ct
 * printed, which is where ct puts its error text.
 *
 * @example
 * ```ts
 * import { ctCli, isCtCommandError } from '@selur/compose-selur';
 * try { await ctCli().push('hello.ctp', 'localhost:5000/hello:2.10'); }
 * catch (error) { if (isCtCommandError(error)) console.error(error.exitCode, error.stdout); }
 * ```
 */
export class CtCommandError extends ComposeError {
  override readonly name = 'CtCommandError';
  readonly executable: string;
  readonly args: readonly string[];
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly stdout: string;
  readonly stderr: string;

  constructor(detail: string, options: CtCommandErrorOptions) {
    const stdout = tail(options.stdout);
    const stderr = tail(options.stderr);
    const said = lastLine(stdout) || lastLine(stderr);
    const status = options.exitCode !== null ? `exit ${options.exitCode}` : options.signal ? `signal ${options.signal}` : 'did not run';
    super(`ct ${options.args[0] ?? ''}: ${detail} (${status})${said ? `: ${said}` : ''}`, { code: 'E_CT_COMMAND', cause: options.cause });
    this.executable = options.executable;
    this.args = [...options.args];
    this.exitCode = options.exitCode;
    this.signal = options.signal ?? null;
    this.stdout = stdout;
    this.stderr = stderr;
  }
}

function lastLine(text: string): string {
  const lines = text.split('\n').map((line) => line.trim()).filter((line) => line.length > 0);
  return lines[lines.length - 1] ?? '';
}

/**
 * True for a {@link CtCommandError}, even across two loaded copies of the package.
 *
 * @example
 * ```ts
 * ct.push(path, ref).catch((error) => { if (isCtCommandError(error)) console.error(error.exitCode, error.stdout); throw error; });
 * ```
 */
export const isCtCommandError = guardFor<CtCommandError>('E_CT_COMMAND');
