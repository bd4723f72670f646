/**
 * `loadProject`'s `schemaCache` (issue 14: the schema's validator made ~20 M of the instructions
 * of every `ps`): a document that passed the JSON Schema is remembered and not checked again,
 * and nothing else changes: an invalid file is rejected, located, whatever the cache holds.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isComposeValidationError, loadProject } from '@selur/compose';

let dir: string;
let file: string;
let cache: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'selur-schema-cache-'));
  file = join(dir, 'compose.toml');
  cache = join(dir, 'cache', 'schema-memo');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const VALID = 'version = "1.0"\nname = "memo"\n\n[services.api]\nimage = "api.ctp"\nenvironment = { TOKEN = "${TOKEN}" }\n';

/** Loads `text` as compose.toml with the cache; the issues it was rejected with, or [] when it loaded. */
async function issuesOf(text: string) {
  writeFileSync(file, text);
  try {
    await loadProject(file, { schemaCache: cache, env: { TOKEN: 's3cret-value' } });
    return [];
  } catch (error) {
    if (!isComposeValidationError(error)) throw error;
    return error.issues.map(({ code, path, line, column }) => ({ code, path, line, column }));
  }
}

describe('loadProject with a schemaCache', () => {
  it('remembers a document that passed: the file holds a hash of it, not its text (interpolated values may be secrets)', async () => {
    expect(await issuesOf(VALID)).toEqual([]);
    expect(existsSync(cache)).toBe(true);
    const memo = readFileSync(cache, 'utf8');
    expect(memo).not.toContain('s3cret-value');
    expect(memo).not.toContain('api.ctp');
    // loading it again still gives the project
    const project = await loadProject(file, { schemaCache: cache, env: { TOKEN: 's3cret-value' } });
    expect(project.serviceNames()).toEqual(['api']);
  });

  it('still rejects an invalid file with its location after a valid one was remembered, and never remembers it', async () => {
    expect(await issuesOf(VALID)).toEqual([]);
    const before = readFileSync(cache, 'utf8');
    const invalid = `${VALID}imagee = "typo"\n`;
    const expected = [{ code: 'unknown-field', path: 'services.api.imagee', line: 7, column: 1 }];
    expect(await issuesOf(invalid)).toEqual(expected);
    expect(readFileSync(cache, 'utf8')).toBe(before);
    expect(await issuesOf(invalid)).toEqual(expected); // the second time too
    expect(await issuesOf(VALID)).toEqual([]);
  });

  it('checks a document whose JSON text would not tell its data (a TOML date where a string was remembered)', async () => {
    const asString = VALID.replace('image = "api.ctp"', 'image = "1979-05-27T00:00:00.000Z"');
    expect(await issuesOf(asString)).toEqual([]);
    expect(await issuesOf(VALID.replace('image = "api.ctp"', 'image = 1979-05-27T00:00:00Z'))).toEqual([{ code: 'type', path: 'services.api.image', line: 5, column: 1 }]);
  });

  it('a cache file that cannot be written or read only means checking', async () => {
    writeFileSync(join(dir, 'cache'), 'a file where the folder would be');
    expect(await issuesOf(VALID)).toEqual([]);
    expect(await issuesOf(`${VALID}imagee = "typo"\n`)).toEqual([{ code: 'unknown-field', path: 'services.api.imagee', line: 7, column: 1 }]);
  });
});
