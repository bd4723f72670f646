import { randomBytes } from 'node:crypto';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32 } from './crc32.js';

describe('crc32 (the state file seal)', () => {
  it('gives the known CRC-32 check value, and 0 for nothing', () => {
    expect(crc32('123456789')).toBe(0xcbf43926);
    expect(crc32('')).toBe(0);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });

  it('agrees with zlib on strings (summed as UTF-8) and bytes, below and above the size it hands to zlib', () => {
    const texts = ['{"version":1}', 'ünïcödé → ✓ 𝄞', '\0\xff'.repeat(10)];
    for (const text of texts) expect(crc32(text), text).toBe(zlibCrc32(text));
    for (const size of [1, 7, 255, 4096, 16_383, 16_384, 16_385, 200_000]) {
      const bytes = randomBytes(size);
      expect(crc32(bytes), `${size} bytes`).toBe(zlibCrc32(bytes));
      expect(crc32(bytes.subarray(3)), `a view of ${size} bytes`).toBe(zlibCrc32(bytes.subarray(3)));
      const text = bytes.toString('latin1'); // characters above 0x7f: more UTF-8 bytes than characters
      expect(crc32(text), `${size} characters`).toBe(zlibCrc32(text));
    }
  });
});
