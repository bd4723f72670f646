import { ComposeError, guardFor } from './compose-error.js';

/** One problem found while validating a project. */
export interface ValidationIssue {
  /** Stable code, e.g. `unknown-dependency`, `dependency-cycle`, `schema`. */
  readonly code: string;
  /** Field path, e.g. `services.api.ports[1]`. */
  readonly path: string;
  /** What is wrong and what to do about it. */
  readonly message: string;
  /** The service concerned, if any. */
  readonly service?: string | undefined;
  /** The file, and 1-based line and column, where the TOML gives them. */
  readonly file?: string | undefined;
  readonly line?: number | undefined;
  readonly column?: number | undefined;
}

/**
 * Thrown when a project is invalid. Carries every problem found, not just the first.
 *
 * @example
 * ```ts
 * try { parseProject(text, { file: 'compose.toml' }); }
 * catch (error) {
 *   if (isComposeValidationError(error))
 *     for (const issue of error.issues) console.error(`${issue.file}:${issue.line}: ${issue.path}: ${issue.message}`);
 * }
 * ```
 */
export class ComposeValidationError extends ComposeError {
  override readonly name = 'ComposeValidationError';
  /** Every problem found. */
  readonly issues: readonly ValidationIssue[];

  constructor(issues: readonly ValidationIssue[], options: { file?: string | undefined; cause?: unknown } = {}) {
    const first = issues[0];
    const where = (i: ValidationIssue) =>
      (i.file ? `${i.file}${i.line ? `:${i.line}${i.column ? `:${i.column}` : ''}` : ''}: ` : '') + `${i.path}: ${i.message}`;
    const message =
      issues.length === 1 && first
        ? `Invalid compose project: ${where(first)}`
        : `Invalid compose project (${issues.length} problems):\n${issues.map((i) => `  - ${where(i)}`).join('\n')}`;
    super(message, {
      code: 'E_VALIDATION',
      cause: options.cause,
      file: options.file ?? first?.file,
      line: first?.line,
      column: first?.column,
      field: first?.path,
      service: first?.service,
    });
    this.issues = issues;
  }
}

/**
 * True for a {@link ComposeValidationError}.
 *
 * Matches by `code` and `name`, so it also works when two copies of the package are loaded
 * (ESM and CJS), where `instanceof` fails.
 *
 * @example
 * ```ts
 * try { await project.up(); }
 * catch (error) { if (isComposeValidationError(error)) console.error(error.code, error.message); }
 * ```
 */
export const isComposeValidationError = guardFor<ComposeValidationError>('E_VALIDATION');
