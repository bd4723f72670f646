import { ComposeError } from '@selur/compose';
import { guardFor } from './guard.js';

/**
 * Why a `.ctp` bundle was refused. Stable strings, safe to switch on.
 *
 * - `not-found`, `unreadable`, `unwritable`: the file is missing, cannot be read, or the output cannot be written.
 * - `truncated`, `oversized`: the archive ends early, or exceeds a size limit.
 * - `malformed-archive`, `bad-checksum`, `unsupported-member`, `duplicate-member`: the ustar itself is wrong.
 * - `path-traversal`, `name-too-long`: a member name is absolute, contains `..`, or cannot be stored.
 * - `missing-member`, `member-order`: `manifest.ctp` then `summary.json` then `src/...` was not respected.
 * - `malformed-summary`, `malformed-manifest`, `package-mismatch`: the summary is not ct's exact layout,
 *   the manifest lacks `[metadata] name/version`, or the summary names another package than the manifest.
 * - `manifest-hash-mismatch`: `content.manifest_sha256` is not the SHA-256 of `manifest.ctp`.
 * - `bad-signature`, `untrusted-key`, `unsigned`, `bad-key`: CT-SIG-01 signature problems.
 * - `unsigned-member`: strict verification (`requireSignature`) found a member the signature does
 *   not cover (anything but `manifest.ctp` and `summary.json`) that `allowUnsignedMembers` does not name.
 * - `malformed`: the real `ct` said "malformed" (exit 10) without more detail.
 */
export type BundleErrorReason =
  | 'not-found'
  | 'unreadable'
  | 'unwritable'
  | 'truncated'
  | 'oversized'
  | 'malformed-archive'
  | 'bad-checksum'
  | 'unsupported-member'
  | 'duplicate-member'
  | 'path-traversal'
  | 'name-too-long'
  | 'missing-member'
  | 'member-order'
  | 'malformed-summary'
  | 'malformed-manifest'
  | 'package-mismatch'
  | 'manifest-hash-mismatch'
  | 'bad-signature'
  | 'untrusted-key'
  | 'unsigned'
  | 'unsigned-member'
  | 'bad-key'
  | 'malformed';

/** Context a {@link BundleError} may carry. */
export interface BundleErrorOptions {
  /** The bundle file, as given. */
  readonly bundle?: string | undefined;
  /** The member concerned (e.g. `summary.json`). */
  readonly member?: string | undefined;
  /** Byte offset in the bundle where the problem was found. */
  readonly offset?: number | undefined;
  /** The underlying error, if any. */
  readonly cause?: unknown;
}

/**
 * A `.ctp` bundle is broken, tampered with or fails its signature check. Every problem the native
 * reader finds is one of these (never a raw `Error`); `reason` says which.
 *
 * @example
 * ```ts
 * import { nativeCt, isBundleError } from '@selur/compose-selur';
 * try { await nativeCt().verify('hello.ctp'); }
 * catch (error) {
 *   if (isBundleError(error) && error.reason === 'manifest-hash-mismatch') console.error('tampered manifest');
 * }
 * ```
 */
export class BundleError extends ComposeError {
  override readonly name = 'BundleError';
  /** Why the bundle was refused. */
  readonly reason: BundleErrorReason;
  /** The bundle file, as given. */
  readonly bundle?: string | undefined;
  /** The member concerned. */
  readonly member?: string | undefined;
  /** Byte offset in the bundle where the problem was found. */
  readonly offset?: number | undefined;

  constructor(reason: BundleErrorReason, detail: string, options: BundleErrorOptions = {}) {
    const where = [options.bundle, options.member].filter((part) => part !== undefined).join(': ');
    super(`${where ? `${where}: ` : ''}${detail} (${reason})`, { code: 'E_BUNDLE', file: options.bundle, cause: options.cause });
    this.reason = reason;
    if (options.bundle !== undefined) this.bundle = options.bundle;
    if (options.member !== undefined) this.member = options.member;
    if (options.offset !== undefined) this.offset = options.offset;
  }
}

/**
 * True for a {@link BundleError}, even across two loaded copies of the package.
 *
 * @example
 * ```ts
 * ct.verify(path).catch((error) => { if (isBundleError(error)) console.error(error.reason); throw error; });
 * ```
 */
export const isBundleError = guardFor<BundleError>('E_BUNDLE');
