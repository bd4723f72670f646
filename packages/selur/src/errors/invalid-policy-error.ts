import { ComposeError } from '@selur/compose';
import { guardFor } from './guard.js';

/**
 * One thing wrong with a policy: where (`path`, e.g. `allowedSigners[0]`) and what.
 *
 * @example
 * ```ts
 * validateGatekeeperPolicy({ version: 1 }); // [{ path: 'requiredPredicates', message: 'is required …' }, …]
 * ```
 */
export interface PolicyIssue {
  /** The field path, `''` for the policy itself. */
  readonly path: string;
  /** What is wrong and what was expected. */
  readonly message: string;
}

/**
 * A value offered as a gatekeeper policy v1 is not one. Thrown locally, before anything is sent.
 * Lists every problem and, when the value looks like Svalinn's other "edge policy" format, says so.
 *
 * @example
 * ```ts
 * try { parseGatekeeperPolicy(JSON.parse(text)); }
 * catch (error) { if (isInvalidPolicyError(error)) for (const i of error.issues) console.error(i.path, i.message); }
 * ```
 */
export class InvalidPolicyError extends ComposeError {
  override readonly name = 'InvalidPolicyError';
  /** Every problem found. */
  readonly issues: readonly PolicyIssue[];

  constructor(issues: readonly PolicyIssue[], options: { hint?: string | undefined; file?: string | undefined } = {}) {
    const lines = issues.map((i) => `  - ${i.path === '' ? '(policy)' : i.path}: ${i.message}`).join('\n');
    super(`Not a valid gatekeeper policy v1 (${issues.length} problem${issues.length === 1 ? '' : 's'})${options.hint ? `: ${options.hint}` : ''}\n${lines}`, {
      code: 'E_INVALID_POLICY',
      file: options.file,
      field: issues[0]?.path,
    });
    this.issues = issues;
  }
}

/**
 * True for an {@link InvalidPolicyError}.
 *
 * Matches by `code` and `name`, so it also works when two copies of the package are loaded
 * (ESM and CJS), where `instanceof` fails.
 *
 * @example
 * ```ts
 * try { await project.up(); }
 * catch (error) { if (isInvalidPolicyError(error)) console.error(error.code, error.message); }
 * ```
 */
export const isInvalidPolicyError = guardFor<InvalidPolicyError>('E_INVALID_POLICY');
