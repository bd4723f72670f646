import { ComposeError } from '@selur/compose';
import { guardFor } from './guard.js';

/**
 * A Deployment, StatefulSet or Job did not become ready (available, complete) in time, or failed.
 * Carries what Kubernetes said about it: the pods' events and the last lines of their logs.
 *
 * @example
 * ```ts
 * try { await runtime.up(project); }
 * catch (error) { if (isRolloutError(error)) console.error(error.kind, error.workload, error.events.join('\n'), error.logs.join('\n')); }
 * ```
 */
export class RolloutError extends ComposeError {
  override readonly name = 'RolloutError';
  /** `Deployment`, `StatefulSet` or `Job`. */
  readonly kind: string;
  /** The workload's name (the service's). */
  readonly workload: string;
  /** `timeout`, `failed` (a Job's pods failed past its backoff limit) or `progress-deadline`. */
  readonly reason: 'timeout' | 'failed' | 'progress-deadline';
  /** The events of the workload's pods, oldest first, one line each (`Warning BackOff: …`). */
  readonly events: readonly string[];
  /** The last lines of the pods' logs (at most 50), `pod/container: text`. */
  readonly logs: readonly string[];

  constructor(kind: string, workload: string, reason: RolloutError['reason'], detail: string, diagnostics: { readonly events: readonly string[]; readonly logs: readonly string[] }) {
    super(`${kind} '${workload}' did not roll out (${reason}): ${detail}`, { code: 'E_K8S_ROLLOUT', service: workload });
    this.kind = kind;
    this.workload = workload;
    this.reason = reason;
    this.events = diagnostics.events;
    this.logs = diagnostics.logs.slice(-50);
  }
}

/**
 * True for a {@link RolloutError}.
 *
 * Matches by `code`, so it also works when two copies of the package are loaded (ESM and CJS),
 * where `instanceof` fails.
 *
 * @example
 * ```ts
 * try { await runtime.up(project); }
 * catch (error) { if (isRolloutError(error)) console.error(error.code, error.message); }
 * ```
 */
export const isRolloutError = guardFor<RolloutError>('E_K8S_ROLLOUT');
