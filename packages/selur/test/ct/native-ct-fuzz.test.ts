import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isBundleError, nativeCt } from '@selur/compose-selur';
import { tempDir, TEST_KEY_PUB, vector } from '../../../compose/test/ct/helpers.js';

describe('nativeCt on fuzzed files: every failure is a BundleError', () => {
  let dir: { path: string; remove: () => Promise<void> };
  beforeAll(async () => {
    dir = await tempDir();
  });
  afterAll(() => dir.remove());

  it('inspect and verify never throw anything else', async () => {
    const signed = readFileSync(vector('signed.ctp'));
    const ct = nativeCt({ keys: { 'test-key': TEST_KEY_PUB }, limits: { maxBundleBytes: 64 * 1024 } });
    const file = join(dir.path, 'fuzz.ctp');
    const input = fc.oneof(
      fc.uint8Array({ maxLength: 2048 }),
      fc.record({ at: fc.nat(signed.length - 1), byte: fc.integer({ min: 0, max: 255 }), cut: fc.nat(signed.length) }).map(({ at, byte, cut }) => {
        const copy = Buffer.from(signed);
        copy[at] = byte;
        return copy.subarray(0, cut);
      }),
    );
    await fc.assert(
      fc.asyncProperty(input, async (bytes) => {
        await writeFile(file, bytes);
        for (const run of [() => ct.inspect(file), () => ct.verify(file, { requireSignature: true, throwOnFailure: true })]) {
          const outcome = await run().then(() => 'ok', (error: unknown) => error);
          if (outcome !== 'ok') expect(isBundleError(outcome)).toBe(true);
        }
      }),
      { numRuns: 150 },
    );
  });
});
