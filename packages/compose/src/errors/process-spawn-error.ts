import { ComposeError, guardFor } from './compose-error.js';

/**
 * The process runtime could not start a service's command as a host process (the program does not
 * exist, is not executable, or its working directory is missing).
 *
 * @example
 * ```ts
 * try { await runtime.startContainer(id); }
 * catch (error) { if (isProcessSpawnError(error)) console.error(error.command, error.message); }
 * ```
 */
export class ProcessSpawnError extends ComposeError {
  override readonly name = 'ProcessSpawnError';
  /** The argv that failed to start. */
  readonly command: readonly string[];
  /** The working directory it was started in. */
  readonly cwd: string;

  constructor(command: readonly string[], cwd: string, options: { service?: string | undefined; cause?: unknown } = {}) {
    const reason = options.cause instanceof Error ? options.cause.message : String(options.cause ?? 'unknown error');
    super(
      `process runtime: could not start ${JSON.stringify(command)} in ${cwd}${options.service ? ` for service '${options.service}'` : ''}: ${reason}. ` +
        'Check that the program exists on the host (PATH) and that working_dir exists.',
      { code: 'E_PROCESS_SPAWN', service: options.service, cause: options.cause },
    );
    this.command = command;
    this.cwd = cwd;
  }
}

/**
 * True for a {@link ProcessSpawnError}.
 *
 * Matches by `code` and `name`, so it also works when two copies of the package are loaded
 * (ESM and CJS), where `instanceof` fails.
 *
 * @example
 * ```ts
 * try { await project.up(); }
 * catch (error) { if (isProcessSpawnError(error)) console.error(error.code, error.message); }
 * ```
 */
export const isProcessSpawnError = guardFor<ProcessSpawnError>('E_PROCESS_SPAWN');
