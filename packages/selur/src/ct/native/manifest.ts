import { BundleError } from '../../errors/bundle-error.js';

/** The package a manifest declares in its `[metadata]` table. */
export interface ManifestPackage {
  readonly name: string;
  readonly version: string;
}

/**
 * ct hashes a manifest as its lines joined by LF plus one final LF, so a manifest must end in a
 * LF or ct packs a bundle that its own verify rejects. This adds the LF when it is missing.
 */
export function withFinalNewline(manifest: string): string {
  return manifest.endsWith('\n') ? manifest : `${manifest}\n`;
}

const HEADER = /^\s*\[\s*([A-Za-z0-9_.\-"]+)\s*\]\s*(#.*)?$/;
const ENTRY = /^\s*(name|version)\s*=\s*("(?:[^"\\]|\\.)*"|'[^']*')\s*(#.*)?$/;

/**
 * Reads `name` and `version` from the manifest's `[metadata]` table (plain one-line strings, as
 * ct's manifests have). Throws a `malformed-manifest` {@link BundleError} when either is missing.
 */
export function manifestPackage(manifest: string, bundle?: string): ManifestPackage {
  let table = '';
  const found: Record<string, string> = {};
  for (const line of manifest.split(/\r?\n/)) {
    const header = HEADER.exec(line);
    if (header?.[1]) {
      table = header[1];
      continue;
    }
    if (table !== 'metadata') continue;
    const entry = ENTRY.exec(line);
    if (entry?.[1] && entry[2] && found[entry[1]] === undefined) found[entry[1]] = unquote(entry[2], bundle);
  }
  const { name, version } = found;
  if (name === undefined || version === undefined || name === '' || version === '') {
    throw new BundleError('malformed-manifest', 'the manifest has no [metadata] name and version strings', { bundle, member: 'manifest.ctp' });
  }
  return { name, version };
}

function unquote(quoted: string, bundle: string | undefined): string {
  if (quoted.startsWith("'")) return quoted.slice(1, -1);
  try {
    const value: unknown = JSON.parse(quoted);
    if (typeof value === 'string') return value;
  } catch {
    // fall through
  }
  throw new BundleError('malformed-manifest', `unsupported escape in ${quoted}`, { bundle, member: 'manifest.ctp' });
}
