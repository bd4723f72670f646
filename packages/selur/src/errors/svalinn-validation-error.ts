import { guardFor } from './guard.js';
import { SvalinnError } from './svalinn-error.js';

/**
 * One schema problem Svalinn reported (ajv's error object, passed through).
 *
 * @example
 * ```ts
 * for (const d of error.details) console.error(`${d.instancePath}: ${d.message}`);
 * ```
 */
export interface SvalinnValidationDetail {
  readonly keyword?: string;
  readonly schemaPath?: string;
  readonly instancePath?: string;
  readonly message?: string;
  readonly params?: Readonly<Record<string, unknown>>;
  readonly [key: string]: unknown;
}

/**
 * Svalinn answered 400: the request body failed its JSON Schema (`Validation failed`) or the policy
 * was not in a format it accepts (`Invalid policy format`). `details` lists each problem.
 *
 * @example
 * ```ts
 * catch (error) {
 *   if (isSvalinnValidationError(error)) for (const d of error.details) console.error(d.schemaPath, d.message);
 * }
 * ```
 */
export class SvalinnValidationError extends SvalinnError {
  override readonly name = 'SvalinnValidationError';
  /** Each problem, as Svalinn reported it. */
  readonly details: readonly SvalinnValidationDetail[];

  constructor(message: string, context: { serverMessage?: string | undefined; method: string; path: string; details: readonly SvalinnValidationDetail[]; data?: unknown }) {
    super(message, { ...context, status: 400, code: 'E_SVALINN_VALIDATION' });
    this.details = context.details;
  }
}

/**
 * True for a {@link SvalinnValidationError}.
 *
 * Matches by `code` and `name`, so it also works when two copies of the package are loaded
 * (ESM and CJS), where `instanceof` fails.
 *
 * @example
 * ```ts
 * try { await project.up(); }
 * catch (error) { if (isSvalinnValidationError(error)) console.error(error.code, error.message); }
 * ```
 */
export const isSvalinnValidationError = guardFor<SvalinnValidationError>('E_SVALINN_VALIDATION');
