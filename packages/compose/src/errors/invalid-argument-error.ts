import { ComposeError, guardFor } from './compose-error.js';

/**
 * A value given in code (a builder call, an option) is invalid. Thrown at once, naming the
 * service and field, what was expected and what was received.
 *
 * @example
 * ```ts
 * new Project('shop').service('api', (s) => s.port('80:http')); // throws InvalidArgumentError
 * ```
 */
export class InvalidArgumentError extends ComposeError {
  override readonly name = 'InvalidArgumentError';
  constructor(message: string, context: { field?: string | undefined; service?: string | undefined; cause?: unknown } = {}) {
    super(message, { code: 'E_INVALID_ARGUMENT', field: context.field, service: context.service, cause: context.cause });
  }
}

/**
 * True for an {@link InvalidArgumentError}.
 *
 * Matches by `code` and `name`, so it also works when two copies of the package are loaded
 * (ESM and CJS), where `instanceof` fails.
 *
 * @example
 * ```ts
 * try { await project.up(); }
 * catch (error) { if (isInvalidArgumentError(error)) console.error(error.code, error.message); }
 * ```
 */
export const isInvalidArgumentError = guardFor<InvalidArgumentError>('E_INVALID_ARGUMENT');
