import { secretRedactor } from '@selur/compose';
import { SvalinnError } from '../errors/svalinn-error.js';
import { SvalinnValidationError, type SvalinnValidationDetail } from '../errors/svalinn-validation-error.js';
import { PolicyDeniedError } from '../errors/policy-denied-error.js';
import { SvalinnUnavailableError } from '../errors/svalinn-unavailable-error.js';

/** @internal Replaces every secret in strings (deeply), by the SDK's one rule ({@link secretRedactor}). */
export type Redact = <T>(value: T) => T;

/** @internal Builds a {@link Redact} for the given secrets (empty or missing ones are ignored). */
export function redactor(secrets: readonly (string | undefined)[]): Redact {
  const list = secrets.filter((s): s is string => typeof s === 'string' && s.length > 0);
  const text = secretRedactor(list);
  const deep = (value: unknown, depth: number): unknown => {
    if (typeof value === 'string') return text(value);
    if (depth > 8 || typeof value !== 'object' || value === null) return value;
    if (Array.isArray(value)) return value.map((v) => deep(v, depth + 1));
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [text(k), deep(v, depth + 1)]));
  };
  return <T>(value: T): T => (list.length === 0 ? value : (deep(value, 0) as T));
}

/** @internal A parsed response (see the transport). */
interface Body {
  readonly status: number;
  readonly text: string;
  readonly json: unknown;
  readonly isJson: boolean;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
}

/**
 * @internal Maps an error response to a typed error. Svalinn's error bodies are flat
 * (`{error, details?, rokur?, path?}`); bodies that are not JSON (a failed login, rate limiting) still
 * give a clear message.
 */
export function errorFromResponse(
  body: Body,
  context: { method: string; path: string; attempts: number; redact: Redact },
): SvalinnError {
  const { method, path, redact } = context;
  const where = `Svalinn ${method} ${path}`;
  const data = body.isJson ? redact(body.json) : undefined;
  const fields = record(data);
  const serverError = fields?.['error'];
  const serverMessage = redact(
    typeof serverError === 'string' ? serverError : body.isJson ? undefined : body.text.trim() === '' ? undefined : excerpt(body.text),
  );
  const said = serverMessage === undefined ? '' : `: ${serverMessage}`;
  const status = body.status;

  if (status === 400) {
    const raw = fields?.['details'];
    const details = (Array.isArray(raw) ? raw : []).map((d): SvalinnValidationDetail => record(d) ?? { message: String(d) });
    const lines = details
      .slice(0, 10)
      .map((d) => `  - ${[d.instancePath, d.schemaPath].find((p) => typeof p === 'string' && p !== '') ?? '(body)'}: ${d.message ?? d.keyword ?? 'invalid'}`)
      .join('\n');
    return new SvalinnValidationError(`${where} was rejected (400)${said}${lines ? `\n${lines}` : ''}`, { serverMessage, method, path, details, data });
  }
  if (status === 409) {
    return new PolicyDeniedError(`${where}: the start gate denied the container (409)${said}. This is a policy decision; it was not retried.`, {
      serverMessage, method, path, rokur: fields?.['rokur'], data,
    });
  }
  if (status === 503) {
    const tries = context.attempts > 1 ? ` after ${context.attempts} attempts` : '';
    return new SvalinnUnavailableError(`${where}: Svalinn is unavailable (503)${tries}${said}`, {
      reason: 'status', attempts: context.attempts, method, path, status, serverMessage, data,
    });
  }
  if (!body.isJson) {
    const shown = serverMessage === undefined ? 'an empty body' : `a non-JSON body: "${serverMessage}"`;
    const hint = status === 500 ? '. Svalinn answers a failed login and rate limiting this way: check SVALINN_TOKEN / SVALINN_API_KEY, or slow down' : '';
    return new SvalinnError(`${where} failed (${status}) with ${shown}${hint}`, { status, serverMessage, method, path });
  }
  return new SvalinnError(`${where} failed (${status})${said}`, { status, serverMessage, method, path, data });
}

/** @internal A 2xx answer whose body is not the JSON it should be. */
export function badResponse(body: Body, context: { method: string; path: string; expected: string; redact: Redact }): SvalinnError {
  const shown = body.text.trim() === '' ? 'an empty body' : body.isJson ? 'JSON of another shape' : `a body that is not valid JSON: "${excerpt(body.text)}"`;
  return new SvalinnError(`Svalinn ${context.method} ${context.path} answered ${body.status} with ${shown}; expected ${context.expected}`, {
    status: body.status,
    method: context.method,
    path: context.path,
    serverMessage: context.redact(body.isJson ? undefined : excerpt(body.text)),
  });
}
