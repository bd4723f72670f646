import { ComposeError, guardFor } from './compose-error.js';

/**
 * The process runtime runs a service's `command` as a host process (it does not run images), and
 * this service has no `command`.
 *
 * @example
 * ```ts
 * try { await runtime.createContainer(request); }
 * catch (error) { if (isMissingCommandError(error)) console.error(`give ${error.service} a command`); }
 * ```
 */
export class MissingCommandError extends ComposeError {
  override readonly name = 'MissingCommandError';
  /** The runtime that needs the command (`process`). */
  readonly runtime: string;

  constructor(runtime: string, service: string) {
    super(
      `${runtime} runtime: service '${service}' has no 'command'. The ${runtime} runtime runs a service's command as a host process ` +
        `and cannot run its image; add command = ["program", "arg", ...] to the service, or use a runtime that runs images.`,
      { code: 'E_MISSING_COMMAND', service, field: `services.${service}.command` },
    );
    this.runtime = runtime;
  }
}

/**
 * True for a {@link MissingCommandError}.
 *
 * Matches by `code` and `name`, so it also works when two copies of the package are loaded
 * (ESM and CJS), where `instanceof` fails.
 *
 * @example
 * ```ts
 * try { await project.up(); }
 * catch (error) { if (isMissingCommandError(error)) console.error(error.code, error.message); }
 * ```
 */
export const isMissingCommandError = guardFor<MissingCommandError>('E_MISSING_COMMAND');
