import { ComposeError } from '@selur/compose';
import { guardFor } from './guard.js';

/**
 * The engine answered a request with an error the runtime does not map to a more specific one.
 *
 * @example
 * ```ts
 * try { await runtime.removeNetwork('shop', 'shop_default'); }
 * catch (error) { if (isDockerEngineError(error)) console.error(error.statusCode, error.engineMessage); }
 * ```
 */
export class DockerEngineError extends ComposeError {
  override readonly name = 'DockerEngineError';
  /** HTTP status the engine answered with. */
  readonly statusCode: number;
  /** `POST /containers/create`, etc. */
  readonly request: string;
  /** The engine's own message. */
  readonly engineMessage: string;

  constructor(statusCode: number, request: string, engineMessage: string, options: { service?: string | undefined; cause?: unknown } = {}) {
    super(`Docker engine: ${request} failed (${statusCode}): ${engineMessage}`, { code: 'E_DOCKER_ENGINE', service: options.service, cause: options.cause });
    this.statusCode = statusCode;
    this.request = request;
    this.engineMessage = engineMessage;
  }
}

/**
 * True for a {@link DockerEngineError}.
 *
 * Matches by `code` and `name`, so it also works when two copies of the package are loaded
 * (ESM and CJS), where `instanceof` fails.
 *
 * @example
 * ```ts
 * try { await project.up(); }
 * catch (error) { if (isDockerEngineError(error)) console.error(error.code, error.message); }
 * ```
 */
export const isDockerEngineError = guardFor<DockerEngineError>('E_DOCKER_ENGINE');
