import { ComposeError, guardFor } from './compose-error.js';

/**
 * A runtime was asked about a container (or host process) it does not have.
 *
 * @example
 * ```ts
 * try { await runtime.inspectContainer(id); }
 * catch (error) { if (isContainerNotFoundError(error)) console.log('already gone'); }
 * ```
 */
export class ContainerNotFoundError extends ComposeError {
  override readonly name = 'ContainerNotFoundError';
  /** The id or name that was looked up. */
  readonly containerId: string;
  /** The runtime that was asked. */
  readonly runtime: string;

  constructor(runtime: string, containerId: string, options: { service?: string; cause?: unknown } = {}) {
    super(`${runtime}: no container '${containerId}'`, { code: 'E_CONTAINER_NOT_FOUND', service: options.service, cause: options.cause });
    this.containerId = containerId;
    this.runtime = runtime;
  }
}

/**
 * True for a {@link ContainerNotFoundError}.
 *
 * Matches by `code` and `name`, so it also works when two copies of the package are loaded
 * (ESM and CJS), where `instanceof` fails.
 *
 * @example
 * ```ts
 * try { await project.up(); }
 * catch (error) { if (isContainerNotFoundError(error)) console.error(error.code, error.message); }
 * ```
 */
export const isContainerNotFoundError = guardFor<ContainerNotFoundError>('E_CONTAINER_NOT_FOUND');
