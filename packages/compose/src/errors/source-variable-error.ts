import { ComposeError, guardFor } from './compose-error.js';

/**
 * A secret or config takes its content from an environment variable (`environment = "VAR"`) that
 * is not set where `up` runs. Set the variable, or give the secret a `file`. The message names the
 * variable, never a value.
 *
 * @example
 * ```ts
 * try { await project.up({ runtime }); }
 * catch (error) { if (isSourceVariableError(error)) console.error(`export ${error.variable} first`); }
 * ```
 */
export class SourceVariableError extends ComposeError {
  override readonly name = 'SourceVariableError';
  /** `secret` or `config`. */
  readonly kind: 'secret' | 'config';
  /** The secret's or config's name in the project. */
  readonly resource: string;
  /** The environment variable that is not set. */
  readonly variable: string;

  constructor(kind: 'secret' | 'config', resource: string, variable: string) {
    super(`${kind} '${resource}' takes its content from the environment variable ${variable}, which is not set; set it before up, or give the ${kind} a file`, {
      code: 'E_SOURCE_VARIABLE_UNSET',
      field: `${kind}s.${resource}.environment`,
    });
    this.kind = kind;
    this.resource = resource;
    this.variable = variable;
  }
}

/**
 * True for a {@link SourceVariableError}.
 *
 * @example
 * ```ts
 * if (isSourceVariableError(error)) console.error(error.variable);
 * ```
 */
export const isSourceVariableError = guardFor<SourceVariableError>('E_SOURCE_VARIABLE_UNSET');
