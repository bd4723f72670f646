/**
 * The JSON Schemas published for editors (`@selur/compose/schema.json` for compose.toml,
 * `@selur/compose/schema.yaml.json` for Compose YAML) are generated from the validator's schema
 * by scripts/gen-schema.mjs: they are not stale, they are that schema plus descriptions and
 * examples, and they judge every fixture of the repository as the validator's schema does.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { parse as parseToml } from 'smol-toml';
import { parseDocument } from 'yaml';
import { describe, expect, it } from 'vitest';
import { composeSchema, loadProject } from '@selur/compose';
import { schemaIssues } from '../../src/spec/schema-validator.js';
import { parseYamlFile } from '../../src/yaml/parse.js';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const read = (file: string) => readFileSync(join(root, file), 'utf8');
const manifest = JSON.parse(read('packages/compose/package.json')) as { exports: Record<string, unknown>; files: string[] };
const published = {
  toml: JSON.parse(read('packages/compose/schema.json')) as Record<string, unknown>,
  yaml: JSON.parse(read('packages/compose/schema.yaml.json')) as Record<string, unknown>,
};
const ajv = new Ajv({ allErrors: true, strict: false });
const accepts = { toml: ajv.compile(published.toml), yaml: ajv.compile(published.yaml) };

/** What the published schema adds to a pattern: a string holding `${` (interpolated later) passes. */
const INTERPOLATION = '\\$\\{|\\$[A-Za-z_]|(?:';

/** The schema without its annotations and with its patterns as the validator has them. */
function bare(value: unknown, added: (key: string) => boolean): unknown {
  if (Array.isArray(value)) return value.map((v) => bare(v, added));
  if (typeof value !== 'object' || value === null) return value;
  // a boolean or integer field also takes a variable: `{ anyOf: [TYPED, { type: string, pattern: '\$\{|\$[A-Za-z_]' }] }`
  const { anyOf, ...rest } = value as { anyOf?: unknown[] };
  const variable = anyOf?.[1] as { type?: unknown; pattern?: unknown } | undefined;
  if (anyOf?.length === 2 && variable?.type === 'string' && variable.pattern === '\\$\\{|\\$[A-Za-z_]') return bare({ ...rest, ...(anyOf[0] as object) }, added);
  return Object.fromEntries(
    Object.entries(value)
      .filter(([k]) => !added(k))
      .map(([k, v]) => [k, k === 'pattern' && typeof v === 'string' && v.startsWith(INTERPOLATION) ? v.slice(INTERPOLATION.length, -1) : bare(v, added)]),
  );
}

function files(dir: string, pattern: RegExp): string[] {
  return readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => pattern.test(f) && !f.includes('node_modules'))
    .map((f) => join(dir, f))
    .sort();
}

/** Every compose file of the repository: vectors, examples, and the invalid ones made for this test. */
const fixtures = [
  ...files('packages/compose/test/vectors/compose', /\.toml$/),
  ...files('packages/compose/test/vectors/compose-yaml', /\.ya?ml$/),
  ...files('packages/compose/test/vectors/schema-invalid', /\.(toml|ya?ml)$/),
  ...files('examples', /\.(toml|ya?ml)$/),
];

/** The document an editor's language server sees (raw: no interpolation, YAML `version` kept). */
function asEditorSees(file: string): { kind: 'toml' | 'yaml'; raw: unknown; validated: unknown } {
  const text = read(file);
  if (file.endsWith('.toml')) {
    const raw = parseToml(text);
    return { kind: 'toml', raw, validated: raw };
  }
  return { kind: 'yaml', raw: parseDocument(text, { merge: true }).toJS({ maxAliasCount: 10_000 }) as unknown, validated: { version: '1.0', ...parseYamlFile(text, file).document } }; // the loader reads YAML as format 1.0
}

describe('published JSON Schemas', () => {
  it('are what scripts/gen-schema.mjs makes of the validator\'s schema (not stale; every field described)', () => {
    let output = '';
    try {
      execFileSync(process.execPath, [join(root, 'scripts/gen-schema.mjs'), '--check'], { cwd: root, encoding: 'utf8', stdio: 'pipe' });
    } catch (error) {
      output = String((error as { stderr?: string }).stderr ?? error);
    }
    expect(output).toBe('');
  }, 60_000);

  it('are the validator\'s schema plus descriptions and examples, at stable paths of the package', () => {
    const annotation = (k: string) => k === 'description' || k === 'examples';
    expect(bare(published.toml, (k) => annotation(k) || k === 'title')).toEqual(bare(JSON.parse(JSON.stringify(composeSchema)), (k) => annotation(k) || k === 'title'));
    expect(published.toml['$id']).toBe('https://selur.dev/schemas/compose.toml.json');
    expect(published.yaml['$id']).toBe('https://selur.dev/schemas/compose.yaml.json');
    expect(manifest.exports['./schema.json']).toBe('./schema.json');
    expect(manifest.exports['./schema.yaml.json']).toBe('./schema.yaml.json');
    expect(manifest.files).toEqual(expect.arrayContaining(['schema.json', 'schema.yaml.json']));
  });

  it('the examples use them (#:schema in TOML, yaml-language-server in YAML)', () => {
    for (const file of files('examples', /\.(toml|ya?ml)$/)) {
      const first = read(file).split('\n')[0] ?? '';
      if (file.endsWith('.toml')) expect(first, file).toBe('#:schema ../node_modules/@selur/compose/schema.json');
      else expect(first, file).toBe('# yaml-language-server: $schema=../node_modules/@selur/compose/schema.yaml.json');
    }
    // ...and the path they name resolves to the published file.
    expect(JSON.parse(read('examples/node_modules/@selur/compose/schema.json'))).toEqual(published.toml);
  });

  it('judge every fixture as the validator\'s schema does: valid ones pass, invalid ones fail', async () => {
    const verdicts: string[] = [];
    for (const file of fixtures) {
      const { kind, raw, validated } = asEditorSees(file);
      const editor = accepts[kind](raw);
      if (!read(file).includes('${')) {
        // no interpolation: the editor sees what the validator sees
        const validator = schemaIssues(validated).length === 0;
        expect(editor, `${file}: published ${kind} schema says ${editor}, the validator's schema ${validator}: ${ajv.errorsText(accepts[kind].errors)}`).toBe(validator);
      }
      if (file.includes('schema-invalid')) expect(editor, file).toBe(false);
      verdicts.push(`${editor ? 'valid' : 'invalid'} ${file}`);
    }
    // every fixture that loads (interpolated, merged, validated) is one the editor accepts
    for (const file of fixtures.filter((f) => !f.includes('schema-invalid'))) {
      const loads = await loadProject(join(root, file), { env: {} }).then((p) => (p.validate(), true), () => false);
      if (loads) expect(verdicts, `${file} loads, so the editor must accept it: ${accepts[file.endsWith('.toml') ? 'toml' : 'yaml'](asEditorSees(file).raw) ? '' : ajv.errorsText(accepts[file.endsWith('.toml') ? 'toml' : 'yaml'].errors)}`).toContain(`valid ${file}`);
    }
    expect(verdicts.filter((v) => v.startsWith('invalid')).length).toBeGreaterThanOrEqual(8);
    expect(verdicts.filter((v) => v.startsWith('valid')).length).toBeGreaterThanOrEqual(8);
  }, 60_000);
});
