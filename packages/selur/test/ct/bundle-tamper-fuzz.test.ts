/**
 * Seeded, bounded fuzzing of bundle verification (issue 15), run in CI with the other tests.
 *
 * THE INVARIANT. Strict verification — `verify(bundle, { requireSignature: true })` against a trust
 * store holding test-key — either fails with a typed `BundleError`, or the bundle it accepts is
 * byte-identical to the real `signed.ctp` in every part that is authenticated:
 * - the `manifest.ctp` bytes (covered by the signed manifest hash);
 * - in `summary.json`: the manifest hash, the package name and version (checked against the
 *   manifest) and each signature's suite, key id, fingerprint and signature (checked against the key);
 * - the member list: exactly `manifest.ctp`, `summary.json` (anything else is an unsigned member,
 *   which strict verification refuses).
 * What is not authenticated may differ in an accepted bundle, and then only where the strict
 * reader allows it, which the test checks byte by byte against `signed.ctp` (an oracle independent
 * of the reader): the signature timestamp's value, the two tar header blocks (mtime, mode, owner;
 * each header is checksummed, so one flipped byte there is caught), and zero blocks up to the end of
 * the 10240-byte tar record. So a flipped padding byte, an inserted member or a cut file is never
 * accepted, even though none of them touches an authenticated byte.
 *
 * 3,300 cases per run (1,500 byte flips anywhere, 300 header edits with fixed checksums, 800 member
 * insertions, 700 truncations and appendages), over the four vectors made by the real `ct`. The seed
 * is random per run unless SELUR_FUZZ_SEED is set; a failure prints it, with fast-check's path.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isBundleError } from '@selur/compose-selur';
import type { CtSignatureAttestation } from '@selur/compose';
import { TEST_KEY_PUB, vector } from '../../../compose/test/ct/helpers.js';
import { DEFAULT_BUNDLE_LIMITS, parseBundle, type ParsedBundle } from '../../src/ct/native/bundle.js';
import { verifyBundleBytes } from '../../src/ct/native/native-ct.js';
import { trustStore } from '../../src/ct/native/trust-store.js';

const SEED = process.env['SELUR_FUZZ_SEED'] !== undefined ? Number(process.env['SELUR_FUZZ_SEED']) : Math.floor(Math.random() * 2 ** 31);
const NAMES = ['signed.ctp', 'badsig.ctp', 'badman.ctp', 'out-nonl.ctp'] as const;
const VECTORS = NAMES.map((name) => new Uint8Array(readFileSync(vector(name))));
const SIGNED = VECTORS[0]!;
const STORE = trustStore({ 'test-key': TEST_KEY_PUB }, undefined);
const LIMITS = { ...DEFAULT_BUNDLE_LIMITS, maxBundleBytes: 1 << 20, maxMembers: 64 };
const encoder = new TextEncoder();

/** The authenticated parts of a parsed bundle (see the invariant above). */
function authenticated(parsed: ParsedBundle) {
  return {
    manifest: Buffer.from(parsed.manifestBytes).toString('hex'),
    manifestSha256: parsed.summary.manifestSha256,
    package: parsed.summary.package,
    signatures: parsed.summary.attestations
      .filter((a): a is CtSignatureAttestation => a.type === 'signature')
      .map(({ suite, key_id, fingerprint, signature }) => ({ suite, key_id, fingerprint, signature })),
    members: parsed.members.map((m) => m.name),
  };
}
const EXPECTED = authenticated(parseBundle(SIGNED, LIMITS));

type Verdict = 'accepted' | `refused:${string}`;

/** Strict verification of `bytes`; only a BundleError may make it fail. Checks the invariant when it passes. */
async function check(bytes: Uint8Array): Promise<Verdict> {
  let report;
  try {
    report = await verifyBundleBytes(bytes, 'fuzz.ctp', LIMITS, STORE, { requireSignature: true, throwOnFailure: true });
  } catch (error) {
    if (isBundleError(error)) return `refused:${error.reason}`;
    throw error; // anything else breaks the invariant: fast-check shrinks and reports it
  }
  expect(report.ok).toBe(true);
  expect(report.unsignedMembers).toEqual([]);
  expect(authenticated(parseBundle(bytes, LIMITS))).toEqual(EXPECTED);
  expect(unexpectedDifferences(bytes)).toEqual([]);
  return 'accepted';
}

/** Where signed.ctp may differ in an accepted bundle: its header blocks and its timestamp's value. */
const MAY_DIFFER: ReadonlyArray<readonly [number, number]> = (() => {
  const headers = headerOffsets(SIGNED).map((offset) => [offset, offset + 512] as const);
  const text = Buffer.from(SIGNED).toString('latin1');
  const at = text.indexOf('"timestamp": "') + '"timestamp": "'.length;
  return [...headers, [at, at + 'YYYY-MM-DD HH:MM:SS'.length] as const];
})();

/** Offsets at which `bytes` differs from signed.ctp outside {@link MAY_DIFFER} (past its end: non-zero bytes, or beyond the 10240-byte record). */
function unexpectedDifferences(bytes: Uint8Array): number[] {
  const found: number[] = [];
  for (let i = 0; i < Math.max(bytes.length, SIGNED.length) && found.length < 8; i++) {
    if (i >= SIGNED.length ? bytes[i] !== 0 || i >= 10240 : bytes[i] !== SIGNED[i] && !MAY_DIFFER.some(([from, to]) => i >= from && i < to)) found.push(i);
  }
  return found;
}

/** Header blocks of a vector (offsets), for edits that recompute the checksum. */
function headerOffsets(bytes: Uint8Array): number[] {
  const offsets: number[] = [];
  for (let offset = 0; offset + 512 <= bytes.length; offset += 512) {
    if (String.fromCharCode(...bytes.subarray(offset + 257, offset + 262)) === 'ustar') offsets.push(offset);
  }
  return offsets;
}

function fixChecksum(bytes: Uint8Array, offset: number): void {
  bytes.fill(0x20, offset + 148, offset + 156);
  let sum = 0;
  for (const byte of bytes.subarray(offset, offset + 512)) sum += byte;
  bytes.set(encoder.encode(`${sum.toString(8).padStart(6, '0').slice(-6)}\0 `), offset + 148);
}

/** A ustar header + data for an inserted member, built like ct's (valid checksum), so it gets past the tar layer. */
function memberBlocks(name: string, data: Uint8Array, typeflag: '0' | '5'): Uint8Array {
  const size = typeflag === '5' ? 0 : data.length;
  const out = new Uint8Array(512 + Math.ceil(size / 512) * 512);
  const put = (at: number, text: string) => out.set(encoder.encode(text).subarray(0, 100), at);
  put(0, name);
  put(100, '0000644\0');
  put(108, '0000000\0');
  put(116, '0000000\0');
  put(124, `${size.toString(8).padStart(11, '0')}\0`);
  put(136, '15301652621\0');
  out[156] = typeflag.charCodeAt(0);
  put(257, 'ustar\0');
  put(263, '00');
  put(265, 'root');
  put(297, 'root');
  put(329, '0000000\0');
  put(337, '0000000\0');
  fixChecksum(out, 0);
  if (typeflag === '0') out.set(data, 512);
  return out;
}

const source = fc.integer({ min: 0, max: VECTORS.length - 1 });

/** A mutation: its parameters (what fast-check prints for a counterexample) and how to apply them. */
interface Mutation<T> {
  readonly params: fc.Arbitrary<T>;
  readonly apply: (params: T) => Uint8Array;
}
const mutation = <T,>(params: fc.Arbitrary<T>, apply: (params: T) => Uint8Array): Mutation<T> => ({ params, apply });

const byteFlips = mutation(
  fc.record({ source, flips: fc.array(fc.record({ at: fc.nat(), xor: fc.integer({ min: 1, max: 255 }) }), { minLength: 1, maxLength: 4 }) }),
  ({ source: s, flips }) => {
    const bytes = Uint8Array.from(VECTORS[s]!);
    for (const { at, xor } of flips) bytes[at % bytes.length]! ^= xor;
    return bytes;
  });

const headerEdits = mutation(
  fc.record({ source, header: fc.nat(), at: fc.nat(511), byte: fc.integer({ min: 0, max: 255 }) }),
  ({ source: s, header, at, byte }) => {
    const bytes = Uint8Array.from(VECTORS[s]!);
    const offsets = headerOffsets(bytes);
    const offset = offsets[header % offsets.length]!;
    bytes[offset + at] = byte;
    fixChecksum(bytes, offset);
    return bytes;
  });

const insertions = mutation(
  fc.record({
    source,
    name: fc.constantFrom('src/evil.sh', 'src/a/b.c', 'src', 'src/', 'evil', 'manifest.ctp', 'summary.json', 'src/../x', '.hidden', 'src/manifest.ctp'),
    data: fc.uint8Array({ maxLength: 1500 }),
    directory: fc.boolean(),
    where: fc.nat(),
  }),
  ({ source: s, name, data, directory, where }) => {
    const bytes = VECTORS[s]!;
    const offsets = [...headerOffsets(bytes), endOfMembers(bytes)];
    const at = offsets[where % offsets.length]!;
    return Uint8Array.from([...bytes.subarray(0, at), ...memberBlocks(name, data, directory ? '5' : '0'), ...bytes.subarray(at)]);
  });

const truncations = mutation(
  fc.record({ source, cut: fc.nat(), append: fc.oneof(fc.constant(new Uint8Array(0)), fc.uint8Array({ maxLength: 1024 }), fc.nat(40).map((n) => new Uint8Array(n * 512))) }),
  ({ source: s, cut, append }) => {
    const bytes = VECTORS[s]!;
    return Uint8Array.from([...bytes.subarray(0, cut % (bytes.length + 1)), ...append]);
  });

/** Offset of the first end-of-archive block. */
function endOfMembers(bytes: Uint8Array): number {
  let offset = 0;
  for (;;) {
    const size = Number.parseInt(String.fromCharCode(...bytes.subarray(offset + 124, offset + 135)), 8);
    if (!(bytes[offset] !== 0) || Number.isNaN(size)) return offset;
    offset += 512 + Math.ceil(size / 512) * 512;
  }
}

async function run<T>(name: string, { params, apply }: Mutation<T>, numRuns: number): Promise<Record<string, number>> {
  const verdicts: Record<string, number> = {};
  try {
    await fc.assert(
      fc.asyncProperty(params, async (p) => {
        const verdict = await check(apply(p));
        verdicts[verdict] = (verdicts[verdict] ?? 0) + 1;
      }),
      { seed: SEED, numRuns, endOnFailure: false },
    );
  } catch (error) {
    console.error(`bundle fuzz '${name}' failed: rerun with SELUR_FUZZ_SEED=${SEED}`);
    throw new Error(`bundle fuzz '${name}' failed (SELUR_FUZZ_SEED=${SEED}): ${(error as Error).message}`, { cause: error });
  }
  return verdicts;
}

const accepted = (verdicts: Record<string, number>) => verdicts['accepted'] ?? 0;
const total = (verdicts: Record<string, number>) => Object.values(verdicts).reduce((a, b) => a + b, 0);

describe(`bundle tampering fuzz (SELUR_FUZZ_SEED=${SEED}): refused with a BundleError, or authenticated parts unchanged`, () => {
  it('1,500 byte flips anywhere in the four vectors', async () => {
    const verdicts = await run('byte flips', byteFlips, 1500);
    expect(total(verdicts)).toBe(1500);
  });

  it('300 header edits with recomputed checksums', async () => {
    expect(total(await run('header edits', headerEdits, 300))).toBe(300);
  });

  it('800 member insertions are all refused', async () => {
    const verdicts = await run('insertions', insertions, 800);
    expect(total(verdicts)).toBe(800);
    expect(accepted(verdicts)).toBe(0);
  });

  it('700 truncations and appendages', async () => {
    const verdicts = await run('truncations', truncations, 700);
    expect(total(verdicts)).toBe(700);
  });

  it('what may change unauthenticated is accepted, and the oracle allows exactly that', async () => {
    const padded = Uint8Array.from([...SIGNED, ...new Uint8Array(10240 - SIGNED.length)]);
    const timestamp = Uint8Array.from(SIGNED);
    const at = Buffer.from(SIGNED).toString('latin1').indexOf('21:39:29');
    timestamp.set(encoder.encode('21:39:30'), at);
    const mtime = Uint8Array.from(SIGNED);
    mtime.set(encoder.encode('15301652622'), 136);
    fixChecksum(mtime, 0);
    expect(await Promise.all([padded, timestamp, mtime].map(check))).toEqual(['accepted', 'accepted', 'accepted']);
    const padding = Uint8Array.from(SIGNED);
    padding[2047] = 0x0a; // the repro: a flip in the padding after manifest.ctp
    expect(await check(padding)).toBe('refused:malformed-archive');
    expect(unexpectedDifferences(padding)).toEqual([2047]);
  });

  it('the unmodified vectors keep their documented verdicts', async () => {
    expect(await Promise.all(VECTORS.map(check))).toEqual(['accepted', 'refused:bad-signature', 'refused:manifest-hash-mismatch', 'refused:manifest-hash-mismatch']);
  });
});
