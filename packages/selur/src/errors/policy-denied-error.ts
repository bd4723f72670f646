import { guardFor } from './guard.js';
import { SvalinnError } from './svalinn-error.js';

/**
 * Svalinn answered 409: its start gate (Rokur) refused the container. A policy decision, not a
 * transient fault: the client never retries it. `rokur` is the gate's verdict as Svalinn sent it.
 *
 * @example
 * ```ts
 * catch (error) {
 *   if (isPolicyDeniedError(error)) console.error('denied by policy:', error.rokur);
 * }
 * ```
 */
export class PolicyDeniedError extends SvalinnError {
  override readonly name = 'PolicyDeniedError';
  /** The start gate's payload (the `rokur` field of the 409 body), or `undefined` if absent. */
  readonly rokur: unknown;

  constructor(message: string, context: { serverMessage?: string | undefined; method: string; path: string; rokur: unknown; data?: unknown }) {
    super(message, { ...context, status: 409, code: 'E_POLICY_DENIED' });
    this.rokur = context.rokur;
  }
}

/**
 * True for a {@link PolicyDeniedError}.
 *
 * Matches by `code` and `name`, so it also works when two copies of the package are loaded
 * (ESM and CJS), where `instanceof` fails.
 *
 * @example
 * ```ts
 * try { await project.up(); }
 * catch (error) { if (isPolicyDeniedError(error)) console.error(error.code, error.message); }
 * ```
 */
export const isPolicyDeniedError = guardFor<PolicyDeniedError>('E_POLICY_DENIED');
