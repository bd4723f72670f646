import {
  isCancelledError,
  isComposeError,
  isComposeValidationError,
  isDependencyCycleError,
  isDependencyFailedError,
  isInvalidArgumentError,
  isServiceFailureError,
  isTomlSyntaxError,
  isYamlSyntaxError,
  isUnsupportedOperationError,
} from '@selur/compose';
import type { ServiceFailureError, ValidationIssue } from '@selur/compose';
import { BIN } from '../args/commands.js';
import { isUsageError } from '../errors/usage-error.js';
import { ExitCode } from '../exit-codes.js';
import type { Colors } from './color.js';

/** How to render an error. */
export interface ErrorRenderOptions {
  readonly colors: Colors;
  /** Add the cause chain (and stacks of non-SDK errors). */
  readonly verbose: boolean;
  /** Reads line `line` (1-based) of `file`, for the pointer under validation errors. */
  readonly readLine?: ((file: string, line: number) => string | undefined) | undefined;
  /** The command that failed, for hints (`up`, `run`). */
  readonly command?: string | undefined;
}

/** The text to print on stderr and the exit code. */
export interface RenderedError {
  readonly text: string;
  readonly exitCode: number;
}

const HINTS: Readonly<Record<string, string>> = {
  E_VALIDATION: `fix the file; '${BIN} config -q' checks it again`,
  E_TOML_SYNTAX: `fix the file; '${BIN} config -q' checks it again`,
  E_YAML_SYNTAX: `fix the file; '${BIN} config -q' checks it again`,
  E_DEPENDENCY_CYCLE: 'remove one of the dependencies in the cycle',
  E_HEALTH_TIMEOUT: `look at the output above and '${BIN} logs SERVICE'; fix the service or its healthcheck (or raise its timeout/retries)`,
  E_SERVICE_EXITED: `look at the log lines above and '${BIN} logs SERVICE'`,
  E_DEPENDENCY_FAILED: 'fix the dependency first; its diagnostics are above',
  E_PORT_CONFLICT: 'free the port, or publish another host port (or 0 for a free one)',
  E_PROJECT_LOCKED: `another ${BIN} is changing this project; wait for it, or use another project name (-p)`,
  E_STATE_FILE: `the project's state file is unreadable; '${BIN} down' removes what it can`,
  E_PROCESS_SPAWN: "check the service's command and working_dir",
  E_MISSING_COMMAND: "the process runtime needs a 'command' for each service",
  E_SVALINN_TIMEOUT: 'Svalinn did not answer in time; check SVALINN_URL and its health',
  E_CONTAINER_NOT_FOUND: `is the stack up? '${BIN} ps -a' shows what exists`,
};

function where(file: string | undefined, line: number | undefined, column: number | undefined): string {
  if (!file) return '';
  return `${file}${line ? `:${line}${column ? `:${column}` : ''}` : ''}`;
}

/** `  7 | ports = ["x"]` and a caret under the column. */
export function sourcePointer(sourceLine: string, line: number, column: number | undefined, c: Colors): string[] {
  const gutter = String(line);
  const out = [`  ${c.dim(`${gutter} |`)} ${sourceLine}`];
  if (column !== undefined && column > 0) {
    // Keep tabs so the caret lines up under tab-indented text.
    const lead = sourceLine.slice(0, column - 1).replace(/[^\t]/g, ' ');
    out.push(`  ${' '.repeat(gutter.length)} ${c.dim('|')} ${lead}${c.red('^')}`);
  }
  return out;
}

function issueLines(issue: ValidationIssue, options: ErrorRenderOptions): string[] {
  const c = options.colors;
  const at = where(issue.file, issue.line, issue.column);
  const out = [`${at ? `${c.bold(at)}: ` : ''}${issue.path ? `${issue.path}: ` : ''}${issue.message}`];
  if (issue.file && issue.line) {
    const text = options.readLine?.(issue.file, issue.line);
    if (text !== undefined) out.push(...sourcePointer(text, issue.line, issue.column, c));
  }
  return out;
}

function causeChain(error: unknown, c: Colors): string[] {
  const out: string[] = [];
  let cause = (error as { cause?: unknown }).cause;
  for (let depth = 0; cause !== undefined && cause !== null && depth < 8; depth++) {
    if (cause instanceof Error) {
      const code = (cause as { code?: unknown }).code;
      out.push(c.dim(`caused by: ${cause.name}${typeof code === 'string' ? ` [${code}]` : ''}: ${cause.message.split('\n')[0]}`));
      if (!isComposeError(cause) && cause.stack) out.push(...cause.stack.split('\n').slice(1, 6).map((l) => c.dim(`  ${l.trim()}`)));
    } else out.push(c.dim(`caused by: ${String(cause)}`));
    cause = (cause as { cause?: unknown }).cause;
  }
  return out;
}

function serviceFailureLines(error: ServiceFailureError, c: Colors): string[] {
  const logs = error.logs ?? [];
  const skipped = error.skipped ?? [];
  const leftRunning = error.leftRunning ?? [];
  const subject = error.service ? `${error.service}: ` : '';
  const blocked = isDependencyFailedError(error) ? `dependency '${error.dependency}' failed: ` : '';
  const out = [`${c.red('error:')} ${subject}${blocked}${error.reason}`];
  if (error.exitCode !== undefined) out.push(`  exit code: ${error.exitCode}`);
  if (error.healthOutput) {
    const lines = error.healthOutput.trimEnd().split('\n').slice(-10);
    out.push('  last check output:', ...lines.map((l) => `    ${l}`));
  }
  if (skipped.length > 0) out.push(`  not started because of it: ${skipped.join(', ')}`);
  if (error.rolledBack) out.push('  everything this run created was removed again');
  if (leftRunning.length > 0) out.push(`  left running for debugging: ${leftRunning.join(', ')} (remove with '${BIN} down')`);
  if (logs.length > 0) {
    const writer = error.logsOf ?? error.service;
    out.push(`  last log lines${writer ? ` of ${writer}` : ''}:`);
    out.push(...logs.slice(-20).map((l) => `    ${c.dim('|')} ${l}`));
  }
  return out;
}

/** The exit code an error maps to (see the README's table). */
export function exitCodeFor(error: unknown, command?: string): number {
  if (isUsageError(error)) return ExitCode.usage;
  if (!isComposeError(error)) return ExitCode.error;
  if (isComposeValidationError(error) || isTomlSyntaxError(error) || isYamlSyntaxError(error) || isDependencyCycleError(error)) return ExitCode.validation;
  if (isUnsupportedOperationError(error)) return ExitCode.unsupported;
  if (isCancelledError(error)) return ExitCode.interrupted;
  if (isInvalidArgumentError(error)) return ExitCode.usage;
  const exit = (error as { exitCode?: unknown }).exitCode;
  if ((command === 'up' || command === 'run') && typeof exit === 'number' && Number.isInteger(exit) && exit > 0 && exit < 256) return exit;
  return ExitCode.error;
}

/**
 * Renders an error for a person: one line saying what failed (and where), then what the SDK
 * attached (issues with the offending line, log lines, health output), then a hint. Never a stack
 * trace unless `verbose`.
 */
export function renderError(error: unknown, options: ErrorRenderOptions): RenderedError {
  const c = options.colors;
  const exitCode = exitCodeFor(error, options.command);
  const out: string[] = [];
  if (isUsageError(error)) {
    out.push(`${c.red('error:')} ${error.message}`);
    out.push(`Run '${BIN}${error.command ? ` ${error.command}` : ''} --help' for usage.`);
    return { text: out.join('\n') + '\n', exitCode };
  }
  if (isUnsupportedOperationError(error)) {
    // One line, always: the runtime cannot do this.
    return { text: `${c.red('error:')} ${error.message.split('\n')[0]}\n`, exitCode };
  }
  if (isComposeValidationError(error)) {
    const n = error.issues.length;
    out.push(`${c.red('error:')} invalid compose project: ${n === 1 ? '1 problem' : `${n} problems`}`);
    for (const issue of error.issues) out.push(...issueLines(issue, options));
  } else if (isTomlSyntaxError(error) || isYamlSyntaxError(error)) {
    const yaml = isYamlSyntaxError(error);
    out.push(`${c.red('error:')} ${c.bold(where(error.file, error.line, error.column) || (yaml ? '<compose.yaml>' : '<compose.toml>'))}: invalid ${yaml ? 'YAML' : 'TOML'}: ${error.reason}`);
    const text = error.sourceLine ?? (error.file && error.line ? options.readLine?.(error.file, error.line) : undefined);
    if (text !== undefined && error.line) out.push(...sourcePointer(text, error.line, error.column, c));
  } else if (isServiceFailureError(error)) {
    out.push(...serviceFailureLines(error, c));
  } else if (isComposeError(error)) {
    const at = where(error.file, error.line, error.column);
    out.push(`${c.red('error:')} ${at ? `${c.bold(at)}: ` : ''}${error.message.split('\n')[0]}`);
    out.push(...error.message.split('\n').slice(1).map((l) => `  ${l}`));
  } else if (error instanceof Error) {
    out.push(`${c.red('error:')} ${error.message}`);
    if (options.verbose && error.stack) out.push(...error.stack.split('\n').slice(1).map((l) => c.dim(l)));
  } else {
    out.push(`${c.red('error:')} ${String(error)}`);
  }
  let hint = isComposeError(error) ? HINTS[error.code] : undefined;
  if (isServiceFailureError(error) && exitCode !== ExitCode.interrupted) {
    if (error.rolledBack) hint = `rerun with '${BIN} up --keep-on-failure' to keep what started for debugging`;
    else if (error.service && hint) hint = hint.replace('SERVICE', error.service);
  }
  if (hint && exitCode !== ExitCode.interrupted) out.push(`${c.yellow('hint:')} ${hint}`);
  if (options.verbose) out.push(...causeChain(error, c));
  else if (error instanceof Error && error.cause !== undefined && !isComposeValidationError(error)) out.push(c.dim('(run with --verbose for the cause)'));
  return { text: out.join('\n') + '\n', exitCode };
}
