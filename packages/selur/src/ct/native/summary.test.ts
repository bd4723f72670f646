import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isBundleError } from '../../errors/bundle-error.js';
import { DEFAULT_BUNDLE_LIMITS } from './bundle.js';
import { parseSummary, renderSummary } from './summary.js';
import { readUstar } from './ustar-reader.js';

const vector = (name: string) => readFileSync(fileURLToPath(new URL(`../../../test/vectors/ct/${name}`, import.meta.url)));
const summaryOf = (name: string) =>
  Buffer.from(readUstar(vector(name), { maxMembers: 10, maxMemberBytes: DEFAULT_BUNDLE_LIMITS.maxMetadataBytes })[1]!.data).toString('utf8');
const encode = (text: string) => new TextEncoder().encode(text);

function problem(text: string): string {
  try {
    parseSummary(encode(text));
    return 'ok';
  } catch (error) {
    if (!isBundleError(error)) throw error;
    return error.reason;
  }
}

describe('summary.json', () => {
  it.each(['signed.ctp', 'out-nonl.ctp'])("parses %s and renders it back byte for byte in ct's layout", (file) => {
    const text = summaryOf(file);
    const summary = parseSummary(encode(text));
    expect(renderSummary(summary)).toBe(text);
  });

  it('reads the signed summary into typed fields', () => {
    expect(parseSummary(encode(summaryOf('signed.ctp')))).toMatchObject({
      ctpVersion: '1.0',
      package: { name: 'hello', version: '2.10' },
      manifestSha256: 'd47aa5c7ea32b82df371ecf2957fe66312b02f1acc5bf47b73332ba357b68800',
      attestations: [{ type: 'signature', suite: 'CT-SIG-01', key_id: 'test-key', timestamp: '2026-11-25 21:39:29' }],
    });
  });

  it('renders an unsigned summary exactly as the reference shows', () => {
    expect(renderSummary({ ctpVersion: '1.0', package: { name: 'mini', version: '1.0' }, manifestSha256: 'a'.repeat(64), attestations: [] })).toBe(
      `{\n  "ctp_version": "1.0",\n  "package": {\n    "name": "mini",\n    "version": "1.0"\n  },\n  "content": {\n    "manifest_sha256": "${'a'.repeat(64)}"\n  },\n  "attestations": []\n}\n`,
    );
  });

  it('refuses compact or reformatted JSON (ct itself fails compact summaries)', () => {
    const text = summaryOf('signed.ctp');
    expect(problem(JSON.stringify(JSON.parse(text)))).toBe('malformed-summary');
    expect(problem(JSON.stringify(JSON.parse(text), null, 4))).toBe('malformed-summary');
    expect(problem(text.trimEnd())).toBe('malformed-summary');
    expect(problem(`${text}\n`)).toBe('malformed-summary');
  });

  it.each([
    ['not JSON', (t: string) => t.slice(0, 40)],
    ['an extra field', (t: string) => t.replace('"attestations": [', '"extra": 1,\n  "attestations": [')],
    ['uppercase hex', (t: string) => t.replace('d47aa5c7', 'D47AA5C7')],
    ['a short hash', (t: string) => t.replace('d47aa5c7', 'd47aa5c')],
    ['another ctp_version', (t: string) => t.replace('"1.0"', '"2.0"')],
    ['a key id with a path', (t: string) => t.replace('"test-key"', '"../../x"')],
    ['a short signature', (t: string) => t.replace('"77c4', '"4')],
    ['a bad timestamp', (t: string) => t.replace('2026-11-25 21:39:29', '2026-11-25T21:39:29')],
    ['a number as name', (t: string) => t.replace('"hello"', '42')],
    ['fields out of order', (t: string) => t.replace('"suite": "CT-SIG-01",\n      "key_id": "test-key"', '"key_id": "test-key",\n      "suite": "CT-SIG-01"')],
    ['a duplicate key', (t: string) => t.replace('"name": "hello",', '"name": "evil",\n    "name": "hello",')],
    ['invalid UTF-8', () => '\u{fffd}'],
  ])('refuses a summary with %s', (_what, mutate) => {
    expect(problem(mutate(summaryOf('signed.ctp')))).toBe('malformed-summary');
  });

  it('refuses bytes that are not UTF-8', () => {
    let thrown: unknown;
    try {
      parseSummary(new Uint8Array([0x7b, 0xff, 0x7d]));
    } catch (error) {
      thrown = error;
    }
    expect(isBundleError(thrown) && thrown.reason).toBe('malformed-summary');
  });
});
