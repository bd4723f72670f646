import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SpecIssue } from './issues.js';
import { memoizedSchemaIssues } from './schema-memo.js';
import { schemaIssues } from './schema-validator.js';

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'schema-memo-'));
  file = join(dir, 'memo');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const doc = (image: unknown) => ({ version: '1.0', services: { api: { image } } });

describe('memoizedSchemaIssues', () => {
  it('checks a document once, then remembers that it passed; another document is checked', () => {
    const check = vi.fn(schemaIssues);
    expect(memoizedSchemaIssues(doc('a'), file, check)).toEqual([]);
    expect(memoizedSchemaIssues(doc('a'), file, check)).toEqual([]);
    expect(check).toHaveBeenCalledTimes(1);
    expect(memoizedSchemaIssues(doc('b'), file, check)).toEqual([]);
    expect(check).toHaveBeenCalledTimes(2);
  });

  it('never remembers a document with issues', () => {
    const check = vi.fn(schemaIssues);
    const first = memoizedSchemaIssues(doc(5), file, check);
    expect(first.map((i) => i.path)).toEqual(['services.api.image']);
    expect(memoizedSchemaIssues(doc(5), file, check)).toEqual(first);
    expect(check).toHaveBeenCalledTimes(2);
  });

  it('checks every time a document that is not plain JSON data (a date, undefined, -0, a non-finite number)', () => {
    const date = new Date(0);
    for (const odd of [date, undefined, -0, Number.NaN]) {
      // the JSON text of a plain twin is remembered first
      memoizedSchemaIssues(JSON.parse(JSON.stringify(doc(odd)) ?? 'null'), file, schemaIssues);
      const check = vi.fn((): SpecIssue[] => [{ code: 'type', path: 'services.api.image', message: 'odd' }]);
      expect(memoizedSchemaIssues(doc(odd), file, check)).toHaveLength(1);
      expect(check).toHaveBeenCalledTimes(1);
    }
  });

  it('forgets every entry when the file is not its own format, or names another validator', () => {
    const check = vi.fn(schemaIssues);
    memoizedSchemaIssues(doc('a'), file, check);
    const [header, identity, ...entries] = readFileSync(file, 'utf8').split('\n');
    writeFileSync(file, [header, JSON.stringify(`${JSON.parse(identity!) as string}-rebuilt`), ...entries].join('\n'));
    memoizedSchemaIssues(doc('a'), file, check);
    expect(check).toHaveBeenCalledTimes(2);
    writeFileSync(file, 'garbage');
    memoizedSchemaIssues(doc('a'), file, check);
    expect(check).toHaveBeenCalledTimes(3);
  });

  it('without a file, checks every time', () => {
    const check = vi.fn(schemaIssues);
    memoizedSchemaIssues(doc('a'), undefined, check);
    memoizedSchemaIssues(doc('a'), undefined, check);
    expect(check).toHaveBeenCalledTimes(2);
  });
});
