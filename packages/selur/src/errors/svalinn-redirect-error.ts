import { guardFor } from './guard.js';
import { SvalinnError } from './svalinn-error.js';

/**
 * Svalinn answered with a redirect (3xx). The client follows none: a redirect could carry the token,
 * the API key or a request body to another address, and a redirected POST could turn into a GET that
 * looks like success. `location` is where it pointed (credentials and query removed).
 *
 * @example
 * ```ts
 * catch (error) { if (isSvalinnRedirectError(error)) console.error(`Svalinn moved to ${error.location}: update SVALINN_URL`); }
 * ```
 */
export class SvalinnRedirectError extends SvalinnError {
  override readonly name = 'SvalinnRedirectError';
  /** The `Location` the server answered (userinfo, query and fragment removed), or `undefined` without one. */
  readonly location: string | undefined;

  constructor(message: string, context: { status: number; location: string | undefined; method: string; path: string }) {
    super(message, { status: context.status, method: context.method, path: context.path, code: 'E_SVALINN_REDIRECT' });
    this.location = context.location;
  }
}

/**
 * True for a {@link SvalinnRedirectError}.
 *
 * @example
 * ```ts
 * catch (error) { if (isSvalinnRedirectError(error)) console.error(error.location); }
 * ```
 */
export const isSvalinnRedirectError = guardFor<SvalinnRedirectError>('E_SVALINN_REDIRECT');
