import { createHash } from 'node:crypto';
import type { CtMember, CtSummary } from '@selur/compose';
import { BundleError } from '../../errors/bundle-error.js';
import { manifestPackage } from './manifest.js';
import { parseSummary, renderSummary } from './summary.js';
import { readUstar } from './ustar-reader.js';
import { writeUstar, type UstarFile } from './ustar-writer.js';

/**
 * Size limits of the native reader, in bytes or counts.
 *
 * @example
 * ```ts
 * nativeCt({ limits: { maxBundleBytes: 16 * 1024 * 1024, maxMembers: 500 } });
 * ```
 */
export interface BundleLimits {
  /** Largest bundle file accepted. @default 512 MiB */
  readonly maxBundleBytes: number;
  /** Most members accepted. @default 10000 */
  readonly maxMembers: number;
  /** Largest `manifest.ctp` or `summary.json`. @default 1 MiB */
  readonly maxMetadataBytes: number;
}

/** The defaults of {@link BundleLimits}. */
export const DEFAULT_BUNDLE_LIMITS: BundleLimits = { maxBundleBytes: 512 * 1024 * 1024, maxMembers: 10_000, maxMetadataBytes: 1024 * 1024 };

/** A bundle read from bytes: format checked, contents not yet verified. */
export interface ParsedBundle {
  readonly manifestBytes: Uint8Array;
  readonly manifest: string;
  readonly summary: CtSummary;
  readonly members: readonly CtMember[];
  /** Regular files under `src/`, in archive order. */
  readonly sources: readonly UstarFile[];
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Hex SHA-256. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Parses a `.ctp` bundle: a strict ustar with `manifest.ctp` first, `summary.json` second, then
 * only `src/...` members; the summary in ct's exact layout. Throws {@link BundleError}.
 */
export function parseBundle(bytes: Uint8Array, limits: BundleLimits, bundle?: string): ParsedBundle {
  if (bytes.length > limits.maxBundleBytes) throw new BundleError('oversized', `${bytes.length} bytes exceeds the ${limits.maxBundleBytes}-byte limit`, { bundle });
  const entries = readUstar(bytes, { maxMembers: limits.maxMembers, maxMemberBytes: limits.maxBundleBytes }, bundle);
  const [manifest, summary, ...rest] = entries;
  for (const [index, expected] of ['manifest.ctp', 'summary.json'].entries()) {
    const entry = entries[index];
    if (!entries.some((e) => e.name === expected)) throw new BundleError('missing-member', `no ${expected} member`, { bundle, member: expected });
    if (entry?.name !== expected) throw new BundleError('member-order', `member ${index + 1} must be ${expected}`, { bundle, member: entry?.name, offset: entry?.offset });
    if (entry.type !== 'file') throw new BundleError('unsupported-member', `${expected} is not a regular file`, { bundle, member: expected, offset: entry.offset });
    if (entry.size > limits.maxMetadataBytes) throw new BundleError('oversized', `${expected} exceeds ${limits.maxMetadataBytes} bytes`, { bundle, member: expected, offset: entry.offset });
  }
  for (const entry of rest) {
    if (!entry.name.startsWith('src/') && !(entry.type === 'directory' && entry.name === 'src')) {
      throw new BundleError('member-order', 'only src/... members may follow summary.json', { bundle, member: entry.name, offset: entry.offset });
    }
  }
  if (!manifest || !summary) throw new BundleError('missing-member', 'manifest.ctp or summary.json missing', { bundle });
  let manifestText: string;
  try {
    manifestText = decoder.decode(manifest.data);
  } catch (cause) {
    throw new BundleError('malformed-manifest', 'manifest.ctp is not UTF-8', { bundle, member: 'manifest.ctp', cause });
  }
  return {
    manifestBytes: manifest.data,
    manifest: manifestText,
    summary: parseSummary(summary.data, bundle),
    members: entries.map(({ name, size, type, mode, mtime }) => ({ name, size, type, mode, mtime })),
    sources: rest.filter((entry) => entry.type === 'file').map(({ name, data }) => ({ name, data })),
  };
}

/**
 * Checks what ct's verify checks (the manifest hash) and one thing more: the summary's package
 * name and version must be the manifest's (the summary is not covered by the signature).
 */
export function checkContents(parsed: ParsedBundle, bundle?: string): void {
  const actual = sha256Hex(parsed.manifestBytes);
  if (actual !== parsed.summary.manifestSha256) {
    throw new BundleError('manifest-hash-mismatch', `manifest.ctp hashes to ${actual}, the summary says ${parsed.summary.manifestSha256}`, {
      bundle,
      member: 'manifest.ctp',
    });
  }
  const declared = manifestPackage(parsed.manifest, bundle);
  if (declared.name !== parsed.summary.package.name || declared.version !== parsed.summary.package.version) {
    throw new BundleError(
      'package-mismatch',
      `summary names ${parsed.summary.package.name} ${parsed.summary.package.version}, the manifest ${declared.name} ${declared.version}`,
      { bundle, member: 'summary.json' },
    );
  }
}

/** Writes a bundle as ct does: manifest.ctp, summary.json, then the sources. */
export function buildBundle(manifest: Uint8Array, summary: CtSummary, sources: readonly UstarFile[], mtime: number): Uint8Array {
  const encoder = new TextEncoder();
  return writeUstar([{ name: 'manifest.ctp', data: manifest }, { name: 'summary.json', data: encoder.encode(renderSummary(summary)) }, ...sources], mtime);
}
