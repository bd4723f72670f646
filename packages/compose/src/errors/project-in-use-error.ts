import { ComposeError, guardFor } from './compose-error.js';

/**
 * `up` found the project's services running under another live process (another test worker,
 * another script running the same named file) and did not adopt them: adopting would let this
 * run recreate or tear down what that process still uses. Give each run its own project name,
 * wait for the other to finish, or pass `reuse: true` to share the running stack on purpose.
 *
 * @example
 * ```ts
 * try { await project.up(); }
 * catch (error) {
 *   if (isProjectInUseError(error)) console.error(`'${error.project}' belongs to pid ${error.ownerPid}: ${error.services.join(', ')}`);
 * }
 * ```
 */
export class ProjectInUseError extends ComposeError {
  override readonly name = 'ProjectInUseError';
  readonly project: string;
  /** Pid of the live process that started the services. */
  readonly ownerPid: number;
  /** Its services found running, sorted. */
  readonly services: readonly string[];

  constructor(context: { project: string; ownerPid: number; services: readonly string[] }) {
    super(
      `Project '${context.project}' is in use by another live process (pid ${context.ownerPid}), which started ${context.services.join(', ')}; ` +
        `this up() did not adopt them. Use another project name, wait for pid ${context.ownerPid} to finish, or pass reuse: true to share its stack.`,
      { code: 'E_PROJECT_IN_USE' },
    );
    this.project = context.project;
    this.ownerPid = context.ownerPid;
    this.services = [...context.services];
  }
}

/**
 * True for a {@link ProjectInUseError}.
 *
 * Matches by `code` and `name`, so it also works when two copies of the package are loaded
 * (ESM and CJS), where `instanceof` fails.
 *
 * @example
 * ```ts
 * try { await project.up(); }
 * catch (error) { if (isProjectInUseError(error)) console.error(error.code, error.message); }
 * ```
 */
export const isProjectInUseError = guardFor<ProjectInUseError>('E_PROJECT_IN_USE');
