import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isBundleError } from '../../errors/bundle-error.js';
import { writeUstar } from './ustar-writer.js';

const vector = (name: string) => readFileSync(fileURLToPath(new URL(`../../../test/vectors/ct/${name}`, import.meta.url)));

describe('writeUstar', () => {
  it("writes the same header blocks as ct (signed.ctp's manifest member, byte for byte)", () => {
    const signed = vector('signed.ctp');
    const archive = writeUstar([{ name: 'manifest.ctp', data: vector('hello.manifest.ctp') }], 1795642769);
    expect(Buffer.from(archive.subarray(0, 2048))).toEqual(signed.subarray(0, 2048));
    expect(archive.length).toBe(2048 + 1024);
    expect(archive.subarray(2048).every((byte) => byte === 0)).toBe(true);
  });

  it('splits a long name into prefix and name, and refuses one that cannot be split', () => {
    const archive = writeUstar([{ name: `${'p'.repeat(150)}/${'n'.repeat(90)}`, data: new Uint8Array(0) }], 0);
    expect(Buffer.from(archive.subarray(0, 90)).toString()).toBe('n'.repeat(90));
    expect(Buffer.from(archive.subarray(345, 495)).toString()).toBe('p'.repeat(150));
    let thrown: unknown;
    try {
      writeUstar([{ name: 'x'.repeat(101), data: new Uint8Array(0) }], 0);
    } catch (error) {
      thrown = error;
    }
    expect(isBundleError(thrown) && thrown.reason).toBe('name-too-long');
  });
});
