import { guardFor } from './compose-error.js';
import { ServiceFailureError, type FailureDiagnostics } from './service-failure-error.js';

/** What a failed rolling update adds to the diagnostics of {@link RolloutFailedError}. */
export interface RolloutFailureDetails {
  /** 1-based number of the batch that failed. */
  readonly batch: number;
  /** How many batches the rollout had. */
  readonly batches: number;
  /** The replica whose new version failed (its readiness, or an exit while monitored). */
  readonly replica: number;
  /** What the rollout did about it (`deploy.update_config.failure_action`). */
  readonly failureAction: 'rollback' | 'pause' | 'continue';
  /** Replicas running the new version when the error was thrown (0 after a rollback). */
  readonly replaced: number;
}

/**
 * A rolling update of a service failed: a replica of its new version did not become ready, or
 * died while monitored. The rollout stopped at that batch; with `failure_action: rollback` (the
 * default when the service has no `update_config`) the new replicas were removed and the old
 * ones, kept stopped until the rollout completed, run again with their old config
 * (`rolledBack: true`); with `pause` the batches already replaced keep the new version and the
 * rest the old one. `logs` are the failed new replica's last lines, `cause` the readiness failure.
 *
 * @example
 * ```ts
 * try { await project.up(); }
 * catch (error) {
 *   if (isRolloutFailedError(error)) console.error(`${error.service}: batch ${error.batch}, replica ${error.replica}: ${error.reason}`);
 * }
 * ```
 */
export class RolloutFailedError extends ServiceFailureError {
  override readonly name = 'RolloutFailedError';
  readonly batch: number;
  readonly batches: number;
  readonly replica: number;
  readonly failureAction: 'rollback' | 'pause' | 'continue';
  readonly replaced: number;

  constructor(diagnostics: FailureDiagnostics & RolloutFailureDetails) {
    const outcome = diagnostics.rolledBack
      ? 'the old replicas were restored'
      : `rollout paused with ${diagnostics.replaced} replica(s) on the new version`;
    super(
      'E_ROLLOUT_FAILED',
      `${diagnostics.service ?? '?'}: rolling update failed at batch ${diagnostics.batch}/${diagnostics.batches} (replica ${diagnostics.replica}): ${diagnostics.reason}; ${outcome}`,
      diagnostics,
    );
    this.batch = diagnostics.batch;
    this.batches = diagnostics.batches;
    this.replica = diagnostics.replica;
    this.failureAction = diagnostics.failureAction;
    this.replaced = diagnostics.replaced;
  }
}

/**
 * True for a {@link RolloutFailedError}.
 *
 * Matches by `code` and `name`, so it also works when two copies of the package are loaded
 * (ESM and CJS), where `instanceof` fails.
 *
 * @example
 * ```ts
 * try { await project.up(); }
 * catch (error) { if (isRolloutFailedError(error)) console.error(error.code, error.batch, error.replica); }
 * ```
 */
export const isRolloutFailedError = guardFor<RolloutFailedError>('E_ROLLOUT_FAILED');
