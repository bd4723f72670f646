import { secretRedactor } from '@selur/compose';
import { SvalinnError } from '../errors/svalinn-error.js';
import { SvalinnValidationError, type SvalinnValidationDetail } from '../errors/svalinn-validation-error.js';
import { PolicyDeniedError } from '../errors/policy-denied-error.js';
import { SvalinnUnavailableError } from '../errors/svalinn-unavailable-error.js';
import { SvalinnUpstreamError } from '../errors/svalinn-upstream-error.js';

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

const ARTICLE: Readonly<Record<string, string>> = { object: 'an object', array: 'an array', integer: 'an integer', string: 'a string', boolean: 'a boolean', number: 'a number', null: 'null' };

/**
 * @internal One validation detail as a person would say it: `trustStore: must be an object`,
 * `requiredPredicates: is required`. The real server sends ajv's `{keyword, schemaPath, message,
 * params}` without `instancePath`, so the field is read from `instancePath` when present, else from
 * the `properties` segments of `schemaPath`, plus `params.missingProperty` for `required`.
 */
export function describeDetail(detail: SvalinnValidationDetail): string {
  const params = record(detail.params) ?? {};
  let parts: string[];
  if (typeof detail.instancePath === 'string' && detail.instancePath !== '') {
    parts = detail.instancePath.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  } else {
    const segments = typeof detail.schemaPath === 'string' ? detail.schemaPath.replace(/^#\/?/, '').split('/') : [];
    parts = [];
    for (let i = 0; i < segments.length - 1; i++) {
      if (segments[i] === 'properties' || segments[i] === 'patternProperties') parts.push(segments[++i] ?? '');
      else if (segments[i] === 'items') parts.push('[]');
    }
  }
  let what = typeof detail.message === 'string' ? detail.message : typeof detail.keyword === 'string' ? `fails ${detail.keyword}` : 'is invalid';
  if (detail.keyword === 'required' && typeof params['missingProperty'] === 'string') {
    parts.push(params['missingProperty']);
    what = 'is required';
  } else if (detail.keyword === 'additionalProperties' && typeof params['additionalProperty'] === 'string') {
    parts.push(params['additionalProperty']);
    what = 'is not allowed';
  } else if (detail.keyword === 'type' && typeof params['type'] === 'string') {
    what = `must be ${params['type'].split(',').map((t) => ARTICLE[t] ?? t).join(' or ')}`;
  } else if (detail.keyword === 'enum' && Array.isArray(params['allowedValues'])) {
    what = `must be one of: ${params['allowedValues'].map((v) => JSON.stringify(v)).join(', ')}`;
  }
  const field = parts.join('.').replace(/\.\[\]/g, '[]');
  return `${field === '' ? '(the body)' : field}: ${what}`;
}

/** `MCP call failed after 3 retries: MCP error -32000: <message>`, Svalinn's wrapping of a Vörðr error. */
const MCP_FAILED = /^MCP call failed after (\d+) retries: (?:MCP error (-?\d+): )?([\s\S]*)$/;

/** @internal A 500 from Svalinn that is a known upstream defect or an unreachable Vörðr, else undefined. */
function upstreamFailure(serverMessage: string, context: { where: string; method: string; path: string; status: number; data: unknown; attempts: number }): SvalinnError | undefined {
  const { where, method, path, status, data } = context;
  const base = { method, path, status, serverMessage, data };
  if (/fetch failed/i.test(serverMessage)) {
    return new SvalinnUnavailableError(
      `${where}: Svalinn is up but could not reach Vörðr behind it (500 after its own retries: "${serverMessage}"). Check that Vörðr runs and that Svalinn's VORDR_ENDPOINT points at it`,
      { ...base, reason: 'vordr', attempts: context.attempts },
    );
  }
  const notServed = /Method not found: ((?:containers|images)\/[\w/-]+)/.exec(serverMessage);
  if (notServed) {
    return new SvalinnUpstreamError(
      `${where} failed because of upstream defect U1 of Svalinn (not this SDK): Svalinn called Vörðr's JSON-RPC method '${notServed[1]}', which Vörðr does not serve (it serves tools/call only). Svalinn answered 500: "${serverMessage}". ` +
        `This Svalinn cannot drive this Vörðr; run on Vörðr directly (selurRuntime({ gateway: 'vordr' })) until Svalinn is fixed`,
      { ...base, component: 'svalinn', defect: 'U1' },
    );
  }
  if (/MCP error field is not a valid object/.test(serverMessage)) {
    return new SvalinnUpstreamError(
      `${where} failed because of upstream defect U2 of Svalinn (not this SDK): Vörðr answered with "error": null and Svalinn took that success for a failure (and retried it). Svalinn answered 500: "${serverMessage}". ` +
        `Run on Vörðr directly (selurRuntime({ gateway: 'vordr' })) until Svalinn is fixed`,
      { ...base, component: 'svalinn', defect: 'U2' },
    );
  }
  if (/Vörðr response missing container id/.test(serverMessage)) {
    return new SvalinnUpstreamError(
      `${where} failed because of upstream defect U3 of Svalinn (not this SDK): Svalinn reads 'id' from Vörðr's create result, where Vörðr returns 'containerId'; the container may exist on Vörðr anyway. Svalinn answered 500: "${serverMessage}". ` +
        `Run on Vörðr directly (selurRuntime({ gateway: 'vordr' })) until Svalinn is fixed`,
      { ...base, component: 'svalinn', defect: 'U3' },
    );
  }
  return undefined;
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
      .map((d) => `  - ${describeDetail(d)}`)
      .concat(details.length > 10 ? [`  - …and ${details.length - 10} more`] : [])
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
  if (status === 500 && serverMessage !== undefined) {
    const upstream = upstreamFailure(serverMessage, { where, method, path, status, data, attempts: context.attempts });
    if (upstream) return upstream;
    const wrapped = MCP_FAILED.exec(serverMessage);
    if (wrapped) {
      const code = wrapped[2] === undefined ? '' : `JSON-RPC ${wrapped[2]}, `;
      return new SvalinnError(`${where} failed (500): Vörðr answered: ${wrapped[3]} (${code}after Svalinn's ${wrapped[1]} retries)`, { status, serverMessage, method, path, data });
    }
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
