import { ComposeError, guardFor } from './compose-error.js';

/**
 * Another process (or another `up` in this one) holds the project's lock and did not release
 * it in time. `holderPid` names it; when that process is gone the lock is taken over as stale.
 *
 * @example
 * ```ts
 * try { await project.up({ lockTimeout: 5_000 }); }
 * catch (error) {
 *   if (isProjectLockedError(error)) console.error(`project busy: pid ${error.holderPid} holds ${error.lockFile}`);
 * }
 * ```
 */
export class ProjectLockedError extends ComposeError {
  override readonly name = 'ProjectLockedError';
  readonly project: string;
  /** Pid of the process holding the lock. */
  readonly holderPid: number;
  /** When the holder took the lock (ISO time). */
  readonly heldSince?: string | undefined;
  /** Path of the lock file. */
  readonly lockFile: string;

  constructor(context: { project: string; holderPid: number; heldSince?: string | undefined; lockFile: string; waitedMs: number }) {
    super(
      `Project '${context.project}' is locked by pid ${context.holderPid}${context.heldSince ? ` (since ${context.heldSince})` : ''}; waited ${context.waitedMs} ms. ` +
        `Wait for it to finish, or delete ${context.lockFile} if that process is not a compose run.`,
      { code: 'E_PROJECT_LOCKED' },
    );
    this.project = context.project;
    this.holderPid = context.holderPid;
    if (context.heldSince !== undefined) this.heldSince = context.heldSince;
    this.lockFile = context.lockFile;
  }
}

/**
 * True for a {@link ProjectLockedError}.
 *
 * Matches by `code` and `name`, so it also works when two copies of the package are loaded
 * (ESM and CJS), where `instanceof` fails.
 *
 * @example
 * ```ts
 * try { await project.up(); }
 * catch (error) { if (isProjectLockedError(error)) console.error(error.code, error.message); }
 * ```
 */
export const isProjectLockedError = guardFor<ProjectLockedError>('E_PROJECT_LOCKED');
