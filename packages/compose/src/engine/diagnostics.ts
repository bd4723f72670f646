import { CancelledError } from '../errors/cancelled-error.js';
import { DependencyFailedError } from '../errors/dependency-failed-error.js';
import { HealthTimeoutError } from '../errors/health-timeout-error.js';
import { PortConflictError } from '../errors/port-conflict-error.js';
import { RolloutFailedError } from '../errors/rollout-failed-error.js';
import { ServiceExitedError } from '../errors/service-exited-error.js';
import type { FailureDiagnostics, ServiceFailureError } from '../errors/service-failure-error.js';
import { ServiceStartError } from '../errors/service-start-error.js';
import type { ContainerInfo, Runtime } from '../runtime/types.js';
import type { EngineFailure } from './failure.js';
import type { Redactor } from './redact.js';

/** How many log lines an error carries. */
export const ERROR_LOG_LINES = 50;

/** @internal The last `n` lines of some containers (merged by time), redacted. Best effort: never throws. */
export async function lastLogLines(runtime: Runtime, containers: readonly ContainerInfo[], n: number, redact: Redactor): Promise<string[]> {
  if (!runtime.capabilities.has('logs') || containers.length === 0) return [];
  const lines: { t: number; text: string }[] = [];
  await Promise.all(
    containers.map(async (c) => {
      try {
        const controller = new AbortController();
        const timer = setTimeout(() => controller.abort(), 2_000);
        try {
          for await (const line of runtime.logs(c.id, { tail: n, signal: controller.signal })) {
            lines.push({ t: line.timestamp.getTime(), text: containers.length > 1 ? `[${c.replica}] ${line.text}` : line.text });
          }
        } finally {
          clearTimeout(timer);
        }
      } catch {
        // No logs: nothing to add.
      }
    }),
  );
  return lines
    .sort((a, b) => a.t - b.t)
    .slice(-n)
    .map((l) => redact(l.text));
}

/** @internal Turns an engine failure into the typed public error. */
export function publicError(failure: EngineFailure, diagnostics: Omit<FailureDiagnostics, 'service' | 'logsOf' | 'reason' | 'exitCode' | 'cause'>): ServiceFailureError {
  const d: FailureDiagnostics = {
    ...diagnostics,
    service: failure.service,
    logsOf: failure.logsOf,
    reason: failure.reason,
    exitCode: failure.exitCode,
    healthOutput: diagnostics.healthOutput ?? failure.healthOutput,
    cause: (failure as { cause?: unknown }).cause,
  };
  switch (failure.kind) {
    case 'health-timeout':
      return new HealthTimeoutError(d);
    case 'exited':
      return new ServiceExitedError(d);
    case 'dependency':
      return new DependencyFailedError({ ...d, dependency: failure.dependency ?? '?' });
    case 'port':
      return new PortConflictError({ ...d, port: failure.port });
    case 'cancelled':
      return new CancelledError(d);
    case 'start':
      return new ServiceStartError(d);
    case 'rollout': {
      const r = failure.rollout ?? { batch: 0, batches: 0, replica: 0, failureAction: 'rollback', replaced: 0, rolledBack: false };
      return new RolloutFailedError({ ...d, batch: r.batch, batches: r.batches, replica: r.replica, failureAction: r.failureAction, replaced: r.replaced, rolledBack: r.rolledBack });
    }
  }
}
