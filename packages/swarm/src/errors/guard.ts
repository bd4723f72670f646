import { isComposeError, type ComposeError } from '@selur/compose';

/** @internal Builds a guard that matches an error by its stable `code` (survives dual ESM/CJS loading). */
export function guardFor<T extends ComposeError>(code: string): (error: unknown) => error is T {
  return (error: unknown): error is T => isComposeError(error) && error.code === code;
}
