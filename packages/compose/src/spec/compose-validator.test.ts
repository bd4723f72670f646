import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import { describe, expect, test } from 'vitest';
import { composeSchema } from './schema.js';
import { schemaIssues, validatorOrigin } from './schema-validator.js';
import { VALIDATOR_OPTIONS } from './validator-options.js';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const precompiled = createRequire(import.meta.url)('./compose-validator.cjs') as ValidateFunction;
const atRunTime = new Ajv(VALIDATOR_OPTIONS).compile(composeSchema);

/** Documents that break the schema in each way the messages handle. */
const INVALID: unknown[] = [
  { version: '1.0', services: { api: { image: 'a.ctp', comand: ['x'] } } }, // unknown field, with a suggestion
  { version: '2.0', services: {} }, // const
  { version: '1.0', services: { api: { image: 3 } } }, // type
  { version: '1.0' }, // required
  { version: '1.0', services: { api: { image: 'a.ctp', ports: [{ target: 'x' }], environment: { A: [] } } } }, // anyOf branches
  { version: '1.0', services: { 'Bad Name!': { image: 'a.ctp' } } }, // propertyNames
  { version: '1.0', services: { api: { image: 'a.ctp', deploy: { replicas: -1, restart_policy: { condition: 'sometimes' } } } } }, // minimum, enum
  { version: '1.0', services: { api: { image: 'a.ctp', healthcheck: { test: 5, interval: true } } }, volumes: { v: { driver: 1 } } },
];

describe('the compose schema validator compiled ahead of time (compose-validator.cjs)', () => {
  test('is what node scripts/gen-validator.mjs writes from the current schema', () => {
    expect(() => execFileSync(process.execPath, ['scripts/gen-validator.mjs', '--check'], { cwd: root, stdio: 'pipe' })).not.toThrow();
  });

  test('is the one schemaIssues uses', () => {
    expect(validatorOrigin()).toBe('precompiled');
  });

  test.each(INVALID.map((doc, i) => [i, doc] as const))('document %i: the same verdict and the same errors as the schema compiled at run time', (_, doc) => {
    expect(precompiled(doc)).toBe(false);
    expect(atRunTime(doc)).toBe(false);
    expect(precompiled.errors).toEqual(atRunTime.errors);
    expect(schemaIssues(doc).length).toBeGreaterThan(0);
  });

  test('a valid document passes both', () => {
    const doc = { version: '1.0', services: { api: { image: 'a.ctp', command: ['api'], ports: ['0:8080'] } } };
    expect([precompiled(doc), atRunTime(doc)]).toEqual([true, true]);
  });
});
