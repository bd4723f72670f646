import { ComposeError, guardFor } from './compose-error.js';
import { syntaxErrorText } from './syntax-error-text.js';

/**
 * A compose file is not valid YAML (or uses YAML that a compose file may not: several documents,
 * an alias to a missing or enclosing anchor, an unknown tag). The YAML twin of
 * {@link TomlSyntaxError}, with the same fields: the file, the 1-based line and column, the
 * parser's reason and the offending line's text, so the message can point at the problem.
 *
 * Kept apart from `TomlSyntaxError` (rather than one generalised class) so that code which
 * already matches `E_TOML_SYNTAX` keeps meaning "this TOML is broken"; match both codes to
 * handle any syntax error.
 *
 * @example
 * ```ts
 * try { parseProject('services:\n  api: [\n', { file: 'compose.yaml' }); }
 * catch (error) {
 *   if (isYamlSyntaxError(error)) console.error(`${error.file}:${error.line}:${error.column}`, error.reason);
 * }
 * ```
 */
export class YamlSyntaxError extends ComposeError {
  override readonly name = 'YamlSyntaxError';
  /** The text of the offending line (without its line break), when known. */
  readonly sourceLine: string | undefined;
  /** The parser's own description of the problem. */
  readonly reason: string;

  constructor(
    reason: string,
    context: { file?: string | undefined; line?: number | undefined; column?: number | undefined; sourceLine?: string | undefined; cause?: unknown },
  ) {
    super(syntaxErrorText('YAML', '<compose.yaml>', reason, context), {
      code: 'E_YAML_SYNTAX',
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
 * True for a {@link YamlSyntaxError}.
 *
 * Matches by `code` and `name`, so it also works when two copies of the package are loaded
 * (ESM and CJS), where `instanceof` fails.
 *
 * @example
 * ```ts
 * try { await loadProject('compose.yaml'); }
 * catch (error) { if (isYamlSyntaxError(error)) console.error(error.code, error.message); }
 * ```
 */
export const isYamlSyntaxError = guardFor<YamlSyntaxError>('E_YAML_SYNTAX');
