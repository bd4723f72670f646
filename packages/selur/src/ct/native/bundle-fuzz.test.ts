import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isBundleError } from '../../errors/bundle-error.js';
import { checkContents, DEFAULT_BUNDLE_LIMITS, parseBundle } from './bundle.js';
import { checkSignatures } from './check-signatures.js';
import { trustStore } from './trust-store.js';
import { writeUstar } from './ustar-writer.js';

const vector = (name: string) => new Uint8Array(readFileSync(fileURLToPath(new URL(`../../../test/vectors/ct/${name}`, import.meta.url))));
const VECTORS = ['signed.ctp', 'badsig.ctp', 'badman.ctp', 'out-nonl.ctp'].map(vector);
const STORE = trustStore({ 'test-key': 'd59313a3d1be650f787ce7f38b5945d8f54b85cf3d29b28d50029a92e29449f5' }, undefined);
const LIMITS = { ...DEFAULT_BUNDLE_LIMITS, maxBundleBytes: 1 << 20, maxMembers: 64 };

/** Everything the native reader does with untrusted bytes; only BundleError may escape. */
async function readAll(bytes: Uint8Array): Promise<'ok' | string> {
  try {
    const parsed = parseBundle(bytes, LIMITS, 'fuzz.ctp');
    checkContents(parsed, 'fuzz.ctp');
    const verdict = await checkSignatures(parsed.summary, parsed.members, STORE, { requireSignature: true });
    return verdict.problems[0]?.reason ?? 'ok';
  } catch (error) {
    if (isBundleError(error)) return error.reason;
    throw error;
  }
}

/** Recomputes every header checksum, so mutations get past the checksum into the deeper checks. */
function fixChecksums(bytes: Uint8Array): Uint8Array {
  for (let offset = 0; offset + 512 <= bytes.length; offset += 512) {
    const magic = String.fromCharCode(...bytes.subarray(offset + 257, offset + 262));
    if (magic !== 'ustar') continue;
    bytes.fill(0x20, offset + 148, offset + 156);
    let sum = 0;
    for (const byte of bytes.subarray(offset, offset + 512)) sum += byte;
    bytes.set(new TextEncoder().encode(`${sum.toString(8).padStart(6, '0')}\0 `), offset + 148);
  }
  return bytes;
}

const mutation = fc.record({ at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) });
const mutated = fc
  .record({
    source: fc.integer({ min: 0, max: VECTORS.length - 1 }),
    mutations: fc.array(mutation, { minLength: 1, maxLength: 8 }),
    cut: fc.option(fc.nat(), { nil: undefined }),
    append: fc.uint8Array({ maxLength: 1024 }),
    fix: fc.boolean(),
  })
  .map(({ source, mutations, cut, append, fix }) => {
    const original = VECTORS[source] ?? new Uint8Array(0);
    let bytes: Uint8Array = Uint8Array.from(original);
    for (const { at, byte } of mutations) bytes[at % bytes.length] = byte;
    if (fix) bytes = fixChecksums(bytes);
    if (cut !== undefined) bytes = bytes.subarray(0, cut % (bytes.length + 1));
    return append.length > 0 ? Uint8Array.from([...bytes, ...append]) : bytes;
  });

const summaryText = new TextDecoder().decode(VECTORS[0]!.subarray(2560, 2560 + 601));
const manifest = VECTORS[0]!.subarray(512, 512 + 1279);
const SIGNED = parseBundle(VECTORS[0]!, LIMITS).summary;
const SIGNED_SIGNATURE = (SIGNED.attestations[0] as { signature: string }).signature;
const summaryMutation = fc
  .record({ at: fc.nat(), remove: fc.integer({ min: 0, max: 4 }), insert: fc.string({ maxLength: 6 }) })
  .map(({ at, remove, insert }) => {
    const i = at % summaryText.length;
    const text = summaryText.slice(0, i) + insert + summaryText.slice(i + remove);
    return writeUstar([{ name: 'manifest.ctp', data: manifest }, { name: 'summary.json', data: new TextEncoder().encode(text) }], 0);
  });

describe('native reader fuzzing: only BundleError ever escapes', () => {
  it('random bytes', async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 4096 }), async (bytes) => void (await readAll(bytes))), { numRuns: 300 });
  });

  it('random 512-byte-aligned blocks that look like ustar headers', async () => {
    const block = fc.uint8Array({ minLength: 512, maxLength: 512 }).map((b) => {
      b.set(new TextEncoder().encode('ustar\x0000'), 257);
      return b;
    });
    await fc.assert(fc.asyncProperty(fc.array(block, { maxLength: 6 }), async (blocks) => void (await readAll(fixChecksums(Uint8Array.from(blocks.flatMap((b) => [...b])))))), { numRuns: 200 });
  });

  it('mutations, truncations and appendages of the vectors', async () => {
    await fc.assert(fc.asyncProperty(mutated, async (bytes) => void (await readAll(bytes))), { numRuns: 400 });
  });

  it('edits of the signed summary: valid JSON in the wrong layout never passes', async () => {
    await fc.assert(
      fc.asyncProperty(summaryMutation, async (bytes) => {
        const outcome = await readAll(bytes);
        if (outcome === 'ok') {
          // What passes kept ct's layout, the manifest hash and test-key's signature (only e.g. the timestamp may differ).
          const summary = parseBundle(bytes, LIMITS).summary;
          expect(summary.manifestSha256).toBe(SIGNED.manifestSha256);
          expect(summary.attestations.map((a) => (a as { signature?: string }).signature)).toEqual([SIGNED_SIGNATURE]);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('the unmodified vectors read as expected', async () => {
    expect(await Promise.all(VECTORS.map(readAll))).toEqual(['ok', 'bad-signature', 'manifest-hash-mismatch', 'manifest-hash-mismatch']);
  });
});
