/**
 * The command line itself is wrong (unknown option, missing argument). Exit code 2; the message
 * names the problem and the help to read.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  /** The command whose help explains the right usage (`up`, `network ls`); empty for the top level. */
  readonly command: string;

  constructor(message: string, command = '') {
    super(message);
    this.command = command;
  }
}

/** True for a {@link UsageError}. */
export function isUsageError(error: unknown): error is UsageError {
  return error instanceof Error && error.name === 'UsageError' && typeof (error as { command?: unknown }).command === 'string';
}
