import { ComposeError, guardFor } from './compose-error.js';

/** Why the process runtime cannot run a service as its `user`. */
export type ProcessUserProblem = 'unknown-user' | 'unknown-group' | 'not-root' | 'no-setpriv' | 'unreachable-mount';

/**
 * For the problem `unreachable-mount`: the mount that user cannot reach, and the folder that stops it.
 *
 * @example
 * ```ts
 * if (isProcessUserError(error) && error.mount) {
 *   console.error(`${error.mount.folder} (mode ${error.mount.mode.toString(8)}) keeps ${error.user} from ${error.mount.source}`);
 * }
 * ```
 */
export interface UnreachableMount {
  /** A named volume, or a bind mount of a host path. */
  readonly type: 'volume' | 'bind';
  /** The mount's source as the service gives it: the volume's name, or the bind's host path. */
  readonly source: string;
  /** The host folder (or file) of the mount. */
  readonly path: string;
  /** The folder above {@link UnreachableMount.path} that the user may not pass through (no search permission). */
  readonly folder: string;
  /** That folder's permission bits, e.g. `0o700`. */
  readonly mode: number;
  /** That folder's owner (uid). */
  readonly owner: number;
}

const octal = (mode: number): string => `0${mode.toString(8).padStart(3, '0')}`;

function unreachableMessage(user: string, mount: UnreachableMount | undefined): string {
  if (!mount) return `user '${user}' cannot reach one of its mounts`;
  const what = mount.type === 'volume' ? `its volume '${mount.source}' (${mount.path})` : `its bind mount '${mount.source}' (${mount.path})`;
  const fix = mount.type === 'volume'
    ? `keep the runtime's state folder, where volumes live, under folders that user can pass through (the CLI: XDG_STATE_HOME, for example a folder of mode 0711 under /var/lib; the SDK: processRuntime({ stateDir }))`
    : 'move the folder where that user can pass';
  return `${what} is out of its reach: ${mount.folder} (mode ${octal(mount.mode)}, owner uid ${mount.owner}) does not let user '${user}' pass through it; ${fix}, or let it pass: chmod o+x ${mount.folder}`;
}

/**
 * The process runtime cannot run a service as the `user` (or with the `group_add` groups) it
 * names: a user or group name that `/etc/passwd` or `/etc/group` does not know, another user than
 * the current one while this process is not root (only root may switch users), no `setpriv`
 * (util-linux) on the `PATH` to switch with, or a mount (a named volume, a bind mount) below a
 * folder that user may not pass through (`unreachable-mount`: a state folder under `/root`, say),
 * found before the service starts.
 *
 * @example
 * ```ts
 * try { await project.up({ runtime: processRuntime() }); }
 * catch (error) {
 *   if (isProcessUserError(error)) console.error(error.service, error.user, error.problem, error.mount?.folder);
 * }
 * ```
 */
export class ProcessUserError extends ComposeError {
  override readonly name = 'ProcessUserError';
  /** The `user` (or group) as the service names it. */
  readonly user: string;
  /** What is wrong. */
  readonly problem: ProcessUserProblem;
  /** For `unreachable-mount`: the mount, and the folder that keeps the user from it. */
  readonly mount?: UnreachableMount | undefined;

  constructor(service: string, user: string, problem: ProcessUserProblem, field: 'user' | 'group_add' | 'volumes' = 'user', mount?: UnreachableMount) {
    const messages: Record<ProcessUserProblem, () => string> = {
      'unknown-user': () => `no user '${user}' in /etc/passwd; give a numeric uid ("1000" or "1000:1000") or a user that exists on this host`,
      'unknown-group': () => `no group '${user}' in /etc/group; give a numeric gid or a group that exists on this host`,
      'not-root': () => `this process runs as uid ${process.getuid?.() ?? '?'} and only root can start a process as another user; run as root, or remove 'user' (the service then runs as the current user)`,
      'no-setpriv': () => `switching to user '${user}' needs setpriv (util-linux) on the PATH, which was not found; install util-linux, or remove 'user'`,
      'unreachable-mount': () => unreachableMessage(user, mount),
    };
    super(`process runtime: service '${service}' cannot run as ${field === 'group_add' ? 'group' : 'user'} '${user}': ${messages[problem]()}`, { code: 'E_PROCESS_USER', service, field: `services.${service}.${field}` });
    this.user = user;
    this.problem = problem;
    if (mount !== undefined) this.mount = mount;
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
