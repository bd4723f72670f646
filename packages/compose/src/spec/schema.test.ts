import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse as parseToml } from 'smol-toml';
import { schemaIssues } from './schema-validator.js';
import { validateComposeDocument } from './validate.js';

const vector = (name: string) => parseToml(readFileSync(new URL(`../../test/vectors/compose/${name}`, import.meta.url), 'utf8'));

describe('composeSchema', () => {
  it('accepts the upstream vectors and Svalinn additions', () => {
    expect(schemaIssues(vector('basic.compose.toml'))).toEqual([]);
    expect(schemaIssues(vector('parity.compose.toml'))).toEqual([]);
    expect(schemaIssues({ version: '1.0', name: 'edge', services: { a: { image: 'a', 'x-svalinn': { verify: true } } }, 'x-svalinn': { policy: 'strict', verify: true, attestations: { 'require-sbom': true } }, 'x-any': [1] })).toEqual([]);
  });

  it('reports readable issues with field paths', () => {
    const issues = schemaIssues({ version: '2', services: { api: { image: 5, ports: [{ target: 'x' }], bogus: 1 } } });
    expect(issues.map((i) => `${i.path}: ${i.message}`)).toEqual(
      expect.arrayContaining([
        'version: must be "1.0", received "2"',
        'services.api.image: must be string, received 5',
        "services.api.bogus: unknown field 'bogus' (extension fields must start with \"x-\")",
      ]),
    );
    expect(issues.find((i) => i.path.startsWith('services.api.ports[0]'))?.service).toBe('api');
  });

  it('validateComposeDocument returns schema and semantic issues together, once each', () => {
    const issues = validateComposeDocument({ version: '1.0', services: { api: { image: 'a', depends_on: ['db'], ports: ['80:http'] } } });
    expect(issues.map((i) => i.code).sort()).toEqual(['invalid-value', 'unknown-dependency']);
  });
});
