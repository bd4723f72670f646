/** Where a syntax error stands in a file, and the line it stands on. */
export interface SyntaxErrorContext {
  readonly file?: string | undefined;
  readonly line?: number | undefined;
  readonly column?: number | undefined;
  readonly sourceLine?: string | undefined;
  readonly cause?: unknown;
}

/**
 * @internal The message of a file-format syntax error: `Invalid TOML at compose.toml:3:7: reason`,
 * then the source line with a caret under the column when it is known.
 */
export function syntaxErrorText(format: 'TOML' | 'YAML', defaultFile: string, reason: string, context: SyntaxErrorContext): string {
  const where = `${context.file ?? defaultFile}${context.line ? `:${context.line}${context.column ? `:${context.column}` : ''}` : ''}`;
  const pointer = context.sourceLine !== undefined ? `\n  ${context.sourceLine}\n  ${' '.repeat(Math.max(0, (context.column ?? 1) - 1))}^` : '';
  return `Invalid ${format} at ${where}: ${reason}${pointer}`;
}
