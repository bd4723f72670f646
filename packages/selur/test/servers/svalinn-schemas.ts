/**
 * Svalinn's own JSON Schemas (read from `packages/selur/test/vectors/svalinn/schemas` at test time), compiled with
 * ajv the way the real server uses them.
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';

/** The Svalinn vectors: `packages/selur/test/vectors/svalinn/` (see its README). */
export const SVALINN_VECTORS = new URL('../vectors/svalinn/', import.meta.url);

/** Reads one vector file as JSON. */
export function readSvalinnVector(relative: string): unknown {
  return JSON.parse(readFileSync(new URL(relative, SVALINN_VECTORS), 'utf8')) as unknown;
}

/** The schemas the fake validates request bodies with. */
export type SvalinnSchemaName = 'gateway-run-request.v1' | 'gateway-run-request.v2' | 'gateway-verify-request.v1' | 'gatekeeper-policy.v1';

/** One detail as the real server sends it: ajv's error without `instancePath` (recorded). */
export type SchemaDetail = Pick<ErrorObject, 'keyword' | 'schemaPath' | 'message' | 'params'>;

/** A validator result in the real server's `details` shape. */
export interface SchemaCheck {
  readonly valid: boolean;
  readonly errors: readonly SchemaDetail[];
}

/** Compiles the request schemas once; `check(name, body)` validates one body. */
export function svalinnSchemas(): { check(name: SvalinnSchemaName, body: unknown): SchemaCheck } {
  const ajv = new Ajv({ allErrors: true, strict: true });
  // The real server checks no `uri` format (recorded): any string passes. RFC 3339 date-time is checked.
  ajv.addFormat('uri', () => true);
  ajv.addFormat('date-time', (s: string) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i.test(s) && !Number.isNaN(Date.parse(s)));
  const validators = new Map<SvalinnSchemaName, ValidateFunction>();
  const names: SvalinnSchemaName[] = ['gateway-run-request.v1', 'gateway-run-request.v2', 'gateway-verify-request.v1', 'gatekeeper-policy.v1'];
  for (const name of names) validators.set(name, ajv.compile(readSvalinnVector(`schemas/${name}.json`) as object));
  return {
    check(name, body) {
      const validate = validators.get(name);
      if (!validate) throw new Error(`no schema ${name}`);
      const valid = validate(body);
      const errors = valid ? [] : (validate.errors ?? []).map(({ keyword, schemaPath, message, params }) => ({ keyword, schemaPath, message, params }));
      return { valid, errors };
    },
  };
}
