import { ComposeError, guardFor } from './compose-error.js';

/**
 * `stack.watch()` cannot start: none of the selected services has a `develop.watch` rule, or a
 * rule cannot be carried out as written (a `sync` rule without `target`, a `sync+exec` rule
 * without `exec.command`, a `rebuild` rule of a service without `build` on a runtime that builds
 * images, a watched path that does not exist). Nothing was watched. `field` is the rule's path in
 * the file (`services.web.develop.watch[0].target`).
 *
 * @example
 * ```ts
 * try { await stack.watch({ signal }); }
 * catch (error) { if (isWatchConfigError(error)) console.error(error.service, error.field, error.message); }
 * ```
 */
export class WatchConfigError extends ComposeError {
  override readonly name = 'WatchConfigError';
  constructor(message: string, context: { service?: string | undefined; field?: string | undefined; cause?: unknown } = {}) {
    super(message, { code: 'E_WATCH_CONFIG', service: context.service, field: context.field, cause: context.cause });
  }
}

/**
 * True for a {@link WatchConfigError}.
 *
 * Matches by `code` and `name`, so it also works when two copies of the package are loaded
 * (ESM and CJS), where `instanceof` fails.
 *
 * @example
 * ```ts
 * try { await stack.watch({ signal }); }
 * catch (error) { if (isWatchConfigError(error)) console.error(error.code, error.message); }
 * ```
 */
export const isWatchConfigError = guardFor<WatchConfigError>('E_WATCH_CONFIG');
