import { ComposeError, guardFor } from './compose-error.js';

/** What a `develop.watch` rule did when it failed. */
export type WatchAction = 'rebuild' | 'sync' | 'restart' | 'sync+restart' | 'sync+exec';

/**
 * A `develop.watch` action failed on a change: the files could not be synced into the service,
 * its restart, rebuild or recreate failed, or the `sync+exec` command exited non-zero (its exit
 * code and output in the message). Watching goes on: the error is reported as a `watch.failed`
 * event, and the next change tries again. `paths` are the changed host paths (at most 20), `cause`
 * the runtime's or the engine's own error.
 *
 * @example
 * ```ts
 * await stack.watch({ signal, onEvent: (e) => { if (e.type === 'watch.failed') console.error(e.error.message); } });
 * ```
 */
export class WatchActionError extends ComposeError {
  override readonly name = 'WatchActionError';
  readonly action: WatchAction;
  readonly paths: readonly string[];

  constructor(service: string, action: WatchAction, paths: readonly string[], reason: string, cause?: unknown) {
    const shown = paths.length === 0 ? '' : ` after changes to ${paths.slice(0, 3).join(', ')}${paths.length > 3 ? ` and ${paths.length - 3} more` : ''}`;
    super(`service '${service}': watch action ${action} failed${shown}: ${reason}`, { code: 'E_WATCH_ACTION', service, cause });
    this.action = action;
    this.paths = paths.slice(0, 20);
  }
}

/**
 * True for a {@link WatchActionError}.
 *
 * Matches by `code` and `name`, so it also works when two copies of the package are loaded
 * (ESM and CJS), where `instanceof` fails.
 *
 * @example
 * ```ts
 * if (event.type === 'watch.failed' && isWatchActionError(event.error)) console.error(event.error.action, event.error.paths);
 * ```
 */
export const isWatchActionError = guardFor<WatchActionError>('E_WATCH_ACTION');
