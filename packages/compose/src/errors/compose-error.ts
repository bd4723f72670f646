/**
 * Where a problem was found. Every field is optional: an error carries what it knows.
 */
export interface ErrorContext {
  /** The service the problem concerns. */
  readonly service?: string | undefined;
  /** The compose file, as given to the loader. */
  readonly file?: string | undefined;
  /** 1-based line in {@link ErrorContext.file}. */
  readonly line?: number | undefined;
  /** 1-based column in {@link ErrorContext.file}. */
  readonly column?: number | undefined;
  /** The field path, e.g. `services.api.ports[1]`. */
  readonly field?: string | undefined;
}

/** Options every {@link ComposeError} accepts. */
export interface ComposeErrorOptions extends ErrorContext {
  /** The stable machine-readable code, e.g. `E_VALIDATION`. */
  readonly code: string;
  /** The underlying error, if any. */
  readonly cause?: unknown;
}

const MARK = Symbol.for('@selur/compose.error');

/**
 * The base class of every error `@selur/compose` throws. Catch this to handle them all.
 *
 * Each subclass has a literal `name`, a stable `code`, a message a person can act on and the
 * context it knows (service, file, line, column, field).
 *
 * @example
 * ```ts
 * import { isComposeError } from '@selur/compose';
 * try { await loadProject('compose.toml'); }
 * catch (error) { if (isComposeError(error)) console.error(error.code, error.message); }
 * ```
 */
export class ComposeError extends Error {
  override readonly name: string = 'ComposeError';
  /** Stable machine-readable code. */
  readonly code: string;
  readonly service?: string | undefined;
  readonly file?: string | undefined;
  readonly line?: number | undefined;
  readonly column?: number | undefined;
  readonly field?: string | undefined;

  constructor(message: string, options: ComposeErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = options.code;
    if (options.service !== undefined) this.service = options.service;
    if (options.file !== undefined) this.file = options.file;
    if (options.line !== undefined) this.line = options.line;
    if (options.column !== undefined) this.column = options.column;
    if (options.field !== undefined) this.field = options.field;
    Object.defineProperty(this, MARK, { value: true });
  }
}

/**
 * True for any error thrown by `@selur/compose`, even when two copies of the package are loaded
 * (ESM and CJS), where `instanceof` would fail.
 *
 * @example
 * ```ts
 * try { await project.up(); }
 * catch (error) { if (isComposeError(error)) console.error(`${error.code}: ${error.message}`); else throw error; }
 * ```
 */
export function isComposeError(error: unknown): error is ComposeError {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error instanceof ComposeError ||
      ((error as Record<symbol, unknown>)[MARK] === true && typeof (error as { code?: unknown }).code === 'string'))
  );
}

/** @internal Builds a guard that matches an error by its `code` (and so survives dual loading). */
export function guardFor<T extends ComposeError>(code: string): (error: unknown) => error is T {
  return (error: unknown): error is T => isComposeError(error) && error.code === code;
}
