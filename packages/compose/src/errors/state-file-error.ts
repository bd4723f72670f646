import { ComposeError, guardFor } from './compose-error.js';

/**
 * The process runtime's state file of a project could not be read, written or locked (corrupt
 * JSON, a permission problem, or another process holding its lock too long).
 *
 * @example
 * ```ts
 * try { await runtime.listContainers('shop'); }
 * catch (error) { if (isStateFileError(error)) console.error(`inspect or delete ${error.path}`); }
 * ```
 */
export class StateFileError extends ComposeError {
  override readonly name = 'StateFileError';
  /** The state (or lock) file concerned. */
  readonly path: string;

  constructor(path: string, problem: string, options: { cause?: unknown } = {}) {
    super(`process runtime state file ${path}: ${problem}`, { code: 'E_STATE_FILE', file: path, cause: options.cause });
    this.path = path;
  }
}

/**
 * True for a {@link StateFileError}.
 *
 * Matches by `code` and `name`, so it also works when two copies of the package are loaded
 * (ESM and CJS), where `instanceof` fails.
 *
 * @example
 * ```ts
 * try { await project.up(); }
 * catch (error) { if (isStateFileError(error)) console.error(error.code, error.message); }
 * ```
 */
export const isStateFileError = guardFor<StateFileError>('E_STATE_FILE');
