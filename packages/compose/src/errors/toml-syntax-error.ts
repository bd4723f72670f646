import { ComposeError, guardFor } from './compose-error.js';
import { syntaxErrorText } from './syntax-error-text.js';

/**
 * A compose file is not valid TOML. Carries the file, the 1-based line and column, and the
 * offending line's text so the message can point at the problem.
 *
 * @example
 * ```ts
 * try { parseProject('version = "1.0"\n[services.api\n', { file: 'compose.toml' }); }
 * catch (error) {
 *   if (isTomlSyntaxError(error)) console.error(`${error.file}:${error.line}:${error.column}`, error.sourceLine);
 * }
 * ```
 */
export class TomlSyntaxError extends ComposeError {
  override readonly name = 'TomlSyntaxError';
  /** The text of the offending line (without its line break), when known. */
  readonly sourceLine: string | undefined;
  /** The parser's own description of the problem. */
  readonly reason: string;

  constructor(
    reason: string,
    context: { file?: string | undefined; line?: number | undefined; column?: number | undefined; sourceLine?: string | undefined; cause?: unknown },
  ) {
    super(syntaxErrorText('TOML', '<compose.toml>', reason, context), {
      code: 'E_TOML_SYNTAX',
      file: context.file,
      line: context.line,
      column: context.column,
      cause: context.cause,
    });
    this.reason = reason;
    this.sourceLine = context.sourceLine;
  }
}

/**
 * True for a {@link TomlSyntaxError}.
 *
 * Matches by `code` and `name`, so it also works when two copies of the package are loaded
 * (ESM and CJS), where `instanceof` fails.
 *
 * @example
 * ```ts
 * try { await project.up(); }
 * catch (error) { if (isTomlSyntaxError(error)) console.error(error.code, error.message); }
 * ```
 */
export const isTomlSyntaxError = guardFor<TomlSyntaxError>('E_TOML_SYNTAX');
