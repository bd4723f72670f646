import { ComposeError, guardFor } from './compose-error.js';

/** Why the process runtime cannot run a service as its `user`. */
export type ProcessUserProblem = 'unknown-user' | 'unknown-group' | 'not-root' | 'no-setpriv';

/**
 * The process runtime cannot run a service as the `user` (or with the `group_add` groups) it
 * names: a user or group name that `/etc/passwd` or `/etc/group` does not know, another user than
 * the current one while this process is not root (only root may switch users), or no `setpriv`
 * (util-linux) on the `PATH` to switch with.
 *
 * @example
 * ```ts
 * try { await project.up({ runtime: processRuntime() }); }
 * catch (error) { if (isProcessUserError(error)) console.error(error.service, error.user, error.problem); }
 * ```
 */
export class ProcessUserError extends ComposeError {
  override readonly name = 'ProcessUserError';
  /** The `user` (or group) as the service names it. */
  readonly user: string;
  /** What is wrong. */
  readonly problem: ProcessUserProblem;

  constructor(service: string, user: string, problem: ProcessUserProblem, field: 'user' | 'group_add' = 'user') {
    const messages: Record<ProcessUserProblem, string> = {
      'unknown-user': `no user '${user}' in /etc/passwd; give a numeric uid ("1000" or "1000:1000") or a user that exists on this host`,
      'unknown-group': `no group '${user}' in /etc/group; give a numeric gid or a group that exists on this host`,
      'not-root': `this process runs as uid ${process.getuid?.() ?? '?'} and only root can start a process as another user; run as root, or remove 'user' (the service then runs as the current user)`,
      'no-setpriv': `switching to user '${user}' needs setpriv (util-linux) on the PATH, which was not found; install util-linux, or remove 'user'`,
    };
    super(`process runtime: service '${service}' cannot run as ${field === 'group_add' ? 'group' : 'user'} '${user}': ${messages[problem]}`, { code: 'E_PROCESS_USER', service, field: `services.${service}.${field}` });
    this.user = user;
    this.problem = problem;
  }
}

/**
 * True for a {@link ProcessUserError}.
 *
 * @example
 * ```ts
 * if (isProcessUserError(error) && error.problem === 'not-root') console.error('run as root to switch users');
 * ```
 */
export const isProcessUserError = guardFor<ProcessUserError>('E_PROCESS_USER');
