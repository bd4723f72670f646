import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isBundleError } from '../../errors/bundle-error.js';
import { buildBundle, checkContents, DEFAULT_BUNDLE_LIMITS, parseBundle, sha256Hex } from './bundle.js';
import { writeUstar } from './ustar-writer.js';

const vector = (name: string) => readFileSync(fileURLToPath(new URL(`../../../test/vectors/ct/${name}`, import.meta.url)));
const encode = (text: string) => new TextEncoder().encode(text);
const MINI = encode('[metadata]\nname = "mini"\nversion = "1.0"\n');
const summaryFor = (manifest: Uint8Array, name = 'mini') =>
  encode(`{\n  "ctp_version": "1.0",\n  "package": {\n    "name": "${name}",\n    "version": "1.0"\n  },\n  "content": {\n    "manifest_sha256": "${sha256Hex(manifest)}"\n  },\n  "attestations": []\n}\n`);

function reasonOf(run: () => unknown): string {
  try {
    run();
    return 'ok';
  } catch (error) {
    if (!isBundleError(error)) throw error;
    return error.reason;
  }
}
const parse = (archive: Uint8Array) => parseBundle(archive, DEFAULT_BUNDLE_LIMITS, 'x.ctp');

describe('bundle', () => {
  it.each(['signed.ctp', 'out-nonl.ctp'])('re-writes %s byte for byte from its parsed contents and mtime', (file) => {
    const original = vector(file);
    const parsed = parse(original);
    const rebuilt = buildBundle(parsed.manifestBytes, parsed.summary, parsed.sources, parsed.members[0]!.mtime);
    expect(Buffer.from(rebuilt)).toEqual(original);
  });

  it('re-writes badsig.ctp identically but for the summary mtime it was tampered with and its 10240-byte padding', () => {
    const original = vector('badsig.ctp');
    const parsed = parse(original);
    expect(parsed.members.map((m) => m.mtime)).toEqual([1795642769, 1795642779]);
    const rebuilt = buildBundle(parsed.manifestBytes, parsed.summary, [], 1795642769);
    expect(Buffer.from(rebuilt.subarray(0, 2048))).toEqual(original.subarray(0, 2048));
    expect(Buffer.from(rebuilt.subarray(2560, 3584))).toEqual(original.subarray(2560, 3584));
  });

  it('checks the manifest hash (badman.ctp, out-nonl.ctp) and accepts signed.ctp', () => {
    expect(reasonOf(() => checkContents(parse(vector('signed.ctp'))))).toBe('ok');
    expect(reasonOf(() => checkContents(parse(vector('badman.ctp'))))).toBe('manifest-hash-mismatch');
    expect(reasonOf(() => checkContents(parse(vector('out-nonl.ctp'))))).toBe('manifest-hash-mismatch');
  });

  it('refuses a summary naming another package than the manifest (the summary is not signed)', () => {
    const archive = writeUstar([{ name: 'manifest.ctp', data: MINI }, { name: 'summary.json', data: summaryFor(MINI, 'other') }], 0);
    expect(reasonOf(() => checkContents(parse(archive)))).toBe('package-mismatch');
  });

  it('insists on manifest.ctp, summary.json, then only src/...', () => {
    const manifest = { name: 'manifest.ctp', data: MINI };
    const summary = { name: 'summary.json', data: summaryFor(MINI) };
    expect(reasonOf(() => parse(writeUstar([manifest, summary, { name: 'src/a.c', data: encode('x') }], 0)))).toBe('ok');
    expect(reasonOf(() => parse(writeUstar([summary, manifest], 0)))).toBe('member-order');
    expect(reasonOf(() => parse(writeUstar([manifest], 0)))).toBe('missing-member');
    expect(reasonOf(() => parse(writeUstar([summary], 0)))).toBe('missing-member');
    expect(reasonOf(() => parse(writeUstar([manifest, summary, { name: 'etc/passwd', data: encode('x') }], 0)))).toBe('member-order');
    expect(reasonOf(() => parse(writeUstar([manifest, { name: 'other', data: encode('x') }, summary], 0)))).toBe('member-order');
  });

  it('enforces the bundle and metadata size limits', () => {
    const archive = writeUstar([{ name: 'manifest.ctp', data: MINI }, { name: 'summary.json', data: summaryFor(MINI) }], 0);
    expect(reasonOf(() => parseBundle(archive, { ...DEFAULT_BUNDLE_LIMITS, maxBundleBytes: 1024 }))).toBe('oversized');
    expect(reasonOf(() => parseBundle(archive, { ...DEFAULT_BUNDLE_LIMITS, maxMetadataBytes: 16 }))).toBe('oversized');
  });

  it('refuses a manifest that is not UTF-8', () => {
    const bad = new Uint8Array([0xff, 0xfe, 0x0a]);
    const archive = writeUstar([{ name: 'manifest.ctp', data: bad }, { name: 'summary.json', data: summaryFor(bad) }], 0);
    expect(reasonOf(() => parse(archive))).toBe('malformed-manifest');
  });
});
