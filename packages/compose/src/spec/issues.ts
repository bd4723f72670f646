import { InvalidArgumentError, isInvalidArgumentError } from '../errors/invalid-argument-error.js';
import { isComposeError } from '../errors/compose-error.js';

/** A problem found while normalising or validating, before file positions are attached. */
export interface SpecIssue {
  readonly code: string;
  readonly path: string;
  readonly message: string;
  readonly service?: string | undefined;
}

/** Receives problems. The loader collects them all; the builders throw at the first one. */
export interface IssueSink {
  report(issue: SpecIssue): void;
}

/** A sink that keeps every issue. */
export class IssueCollector implements IssueSink {
  readonly issues: SpecIssue[] = [];
  report(issue: SpecIssue): void {
    this.issues.push(issue);
  }
}

/** A sink that throws an {@link InvalidArgumentError} for the first issue (the builders' eager validation). */
export const throwingSink: IssueSink = {
  report(issue: SpecIssue): void {
    throw new InvalidArgumentError(`${issue.service ? `service '${issue.service}': ` : ''}${issue.path}: ${issue.message}`, {
      field: issue.path,
      service: issue.service,
    });
  },
};

const IDENT = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** Appends a key or index to a field path: `services.api` + `ports` + `1` → `services.api.ports[1]`. */
export function joinPath(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  if (IDENT.test(key)) return base === '' ? key : `${base}.${key}`;
  return base === '' ? JSON.stringify(key) : `${base}[${JSON.stringify(key)}]`;
}

/**
 * Runs `parse`; a typed error becomes an issue at `path` (with the path prefix stripped from its
 * message) and the result is `undefined`. Any other exception is a bug and is rethrown.
 */
export function attempt<T>(sink: IssueSink, path: string, service: string | undefined, parse: () => T, code = 'invalid-value'): T | undefined {
  try {
    return parse();
  } catch (error) {
    if (!isComposeError(error)) throw error;
    const message = error.message.startsWith(`${path}: `) ? error.message.slice(path.length + 2) : error.message;
    sink.report({ code: isInvalidArgumentError(error) ? code : error.code, path, message, service });
    return undefined;
  }
}

/** True for a plain table (not an array, date or null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}
