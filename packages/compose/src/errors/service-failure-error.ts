import { ComposeError, isComposeError } from './compose-error.js';

/**
 * What the engine knew about a failure when it stopped: attached to every engine error.
 *
 * @example
 * ```ts
 * new HealthTimeoutError({ service: 'db', reason: 'healthcheck did not pass within 30000 ms', skipped: ['api'] });
 * ```
 */
export interface FailureDiagnostics {
  /** The service that failed (or was blocked). */
  readonly service?: string | undefined;
  /** One line saying why, e.g. `healthcheck did not pass within 30000 ms`. */
  readonly reason: string;
  /** The last lines (at most 50) the service wrote, oldest first, secrets redacted. */
  readonly logs?: readonly string[] | undefined;
  /**
   * The service that wrote {@link FailureDiagnostics.logs}: the failed one, or the dependency
   * whose failure blocked it (a failed `pg-init` that kept `db` from starting).
   * @default service
   */
  readonly logsOf?: string | undefined;
  /** Output of the last healthcheck probe or wait-strategy attempt, secrets redacted. */
  readonly healthOutput?: string | undefined;
  /** Exit code, when the service exited. */
  readonly exitCode?: number | undefined;
  /** Services that were not started because of this failure, sorted. */
  readonly skipped?: readonly string[] | undefined;
  /** Services left in place (with `onFailure: 'leave'`), sorted. Empty after a rollback. */
  readonly leftRunning?: readonly string[] | undefined;
  /** Whether the resources this run created were removed again. */
  readonly rolledBack?: boolean | undefined;
  readonly cause?: unknown;
}

/** @internal The codes of every {@link ServiceFailureError} subclass. */
export const SERVICE_FAILURE_CODES: ReadonlySet<string> = new Set([
  'E_HEALTH_TIMEOUT',
  'E_SERVICE_EXITED',
  'E_DEPENDENCY_FAILED',
  'E_PORT_CONFLICT',
  'E_CANCELLED',
  'E_SERVICE_START',
  'E_ROLLOUT_FAILED',
]);

function describe(message: string, d: FailureDiagnostics): string {
  const parts = [message];
  if (d.exitCode !== undefined) parts.push(`exit code: ${d.exitCode}`);
  if (d.healthOutput) parts.push(`last check output: ${d.healthOutput.slice(0, 500)}`);
  if (d.skipped && d.skipped.length > 0) parts.push(`skipped: ${d.skipped.join(', ')}`);
  if (d.rolledBack) parts.push('everything this run created was removed (rollback)');
  if (d.leftRunning && d.leftRunning.length > 0) parts.push(`left in place for debugging (onFailure: 'leave'): ${d.leftRunning.join(', ')}; run down() to remove`);
  const writer = d.logsOf ?? d.service;
  const tail = d.logs && d.logs.length > 0 ? `\nlast log lines${writer ? ` of ${writer}` : ''}:\n${d.logs.slice(-10).map((l) => `  | ${l}`).join('\n')}` : '';
  return parts.join('; ') + tail;
}

/**
 * The base of every error a failed `up` (or stack operation) throws. Carries the diagnostics a
 * person needs: the service, the reason, its last 50 log lines, the health output, the exit code,
 * the services skipped because of it and whether the run was rolled back.
 *
 * @example
 * ```ts
 * try { await project.up(); }
 * catch (error) {
 *   if (isServiceFailureError(error)) console.error(error.service, error.reason, error.logs.join('\n'));
 * }
 * ```
 */
export class ServiceFailureError extends ComposeError {
  override readonly name: string = 'ServiceFailureError';
  readonly reason: string;
  readonly logs: readonly string[];
  /** The service that wrote {@link ServiceFailureError.logs} (the failed one, or the dependency that blocked it). */
  readonly logsOf?: string | undefined;
  readonly healthOutput?: string | undefined;
  readonly exitCode?: number | undefined;
  readonly skipped: readonly string[];
  readonly leftRunning: readonly string[];
  readonly rolledBack: boolean;

  constructor(code: string, message: string, diagnostics: FailureDiagnostics) {
    super(describe(message, diagnostics), { code, service: diagnostics.service, cause: diagnostics.cause });
    this.reason = diagnostics.reason;
    this.logs = diagnostics.logs ?? [];
    const logsOf = diagnostics.logsOf ?? diagnostics.service;
    if (logsOf !== undefined) this.logsOf = logsOf;
    if (diagnostics.healthOutput !== undefined) this.healthOutput = diagnostics.healthOutput;
    if (diagnostics.exitCode !== undefined) this.exitCode = diagnostics.exitCode;
    this.skipped = diagnostics.skipped ?? [];
    this.leftRunning = diagnostics.leftRunning ?? [];
    this.rolledBack = diagnostics.rolledBack ?? false;
  }
}

/**
 * True for any {@link ServiceFailureError} (health timeout, exit, dependency, port, cancel, start).
 *
 * @example
 * ```ts
 * catch (error) { if (isServiceFailureError(error)) console.error(error.service, error.logs.slice(-5)); }
 * ```
 */
export function isServiceFailureError(error: unknown): error is ServiceFailureError {
  return isComposeError(error) && SERVICE_FAILURE_CODES.has(error.code);
}
