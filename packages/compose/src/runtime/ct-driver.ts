/**
 * The CtDriver port: what the selur stack needs from Cerro Torre (`ct`) and its `.ctp` bundles.
 * Contracts only; the implementations are `nativeCt()` (pure TypeScript) and `ctCli()` (the real
 * binary), in `@selur/compose-selur`. A driver reports a broken bundle with a bundle error: a
 * `ComposeError` with the stable code `E_BUNDLE`, the name `BundleError` and a `reason` (the
 * selur package's `BundleError`); `test/ct/ct-driver-contract.ts` is the suite every driver passes.
 */

/** An operation a {@link CtDriver} may or may not support (see {@link CtDriver.capabilities}). */
export type CtCapability =
  | 'digest'
  | 'inspect'
  | 'verify'
  | 'verify-signatures'
  | 'pack'
  | 'pack-sources'
  | 'pack-sign'
  | 'sign'
  | 'push'
  | 'fetch'
  | 'sbom'
  | 'provenance'
  | 'attestations'
  | 'policy';

/** A CT-SIG-01 signature attestation as stored in `summary.json`. */
export interface CtSignatureAttestation {
  readonly type: 'signature';
  /** Always `CT-SIG-01` for the suite ct writes. */
  readonly suite: string;
  readonly key_id: string;
  /** SHA-256 (hex) of the signer's public key written as 64 hex characters. */
  readonly fingerprint: string;
  /** 128 hex characters: Ed25519 over the ASCII hex manifest hash. */
  readonly signature: string;
  /** UTC, `YYYY-MM-DD HH:MM:SS`. */
  readonly timestamp: string;
}

/** Any attestation in `summary.json` (ct writes only signatures; all values are strings). */
export type CtAttestation = CtSignatureAttestation | (Readonly<Record<string, string>> & { readonly type: string });

/** The parsed `summary.json` of a bundle. */
export interface CtSummary {
  /** `1.0`. */
  readonly ctpVersion: string;
  readonly package: { readonly name: string; readonly version: string };
  /** Bare lowercase hex SHA-256 of the `manifest.ctp` member (no `sha256:` prefix). */
  readonly manifestSha256: string;
  readonly attestations: readonly CtAttestation[];
}

/** One member of the bundle's tar archive. */
export interface CtMember {
  /** Path inside the archive, e.g. `manifest.ctp`, `src/hello.c`. */
  readonly name: string;
  /** Size in bytes. */
  readonly size: number;
  /** `file` (or `directory`, only under `src/`). */
  readonly type: 'file' | 'directory';
  /** Permission bits, e.g. `0o644`. */
  readonly mode: number;
  /** Modification time, seconds since the epoch. */
  readonly mtime: number;
}

/**
 * What {@link CtDriver.inspect} reads out of a bundle (nothing is verified).
 *
 * @example
 * ```ts
 * const { summary, members } = await ct.inspect('hello.ctp');
 * console.log(summary.package.name, members.map((m) => m.name)); // hello [ 'manifest.ctp', 'summary.json' ]
 * ```
 */
export interface CtBundleContents {
  /** The bundle path, as given. */
  readonly path: string;
  /** `sha256:` + hex SHA-256 of the whole file (Svalinn's `imageDigest`). */
  readonly digest: string;
  /** The manifest text (`manifest.ctp`), as stored. */
  readonly manifest: string;
  readonly summary: CtSummary;
  readonly members: readonly CtMember[];
  /** Same as `summary.attestations`. */
  readonly attestations: readonly CtAttestation[];
}

/**
 * Options of {@link CtDriver.verify}.
 *
 * @example
 * ```ts
 * await ct.verify('hello.ctp', { requireSignature: true, throwOnFailure: true }); // throws (E_BUNDLE) unless signed by a trusted key
 * ```
 */
export interface CtVerifyOptions {
  /**
   * Require at least one valid signature by a trusted key. When false, an unsigned bundle passes (as
   * it does with the real `ct verify`), and a signature by a key not in the trust store is reported
   * (`trusted: false`, `valid: null`) and a warning, not a failure. A signature that is checked and
   * wrong (or whose fingerprint is not the trusted key's), and a key the trust store refuses
   * (`trust = revoked` in its `.meta`, a broken `.pub`), always fail, whatever this says.
   * @default false
   */
  readonly requireSignature?: boolean | undefined;
  /**
   * Members, by exact name (e.g. `src/main.c`), that may be in the bundle although no signature
   * covers them. A CT-SIG-01 signature covers the manifest hash only, so nothing authenticates a
   * `src/...` member (or a directory member): anyone can add, change or remove one without breaking
   * the signature. Such members are always listed in {@link CtVerifyReport.unsignedMembers}; with
   * `requireSignature`, each one not named here fails the check (`unsigned-member`), without it each
   * is a warning. Name a member here only when you check its content by other means.
   * @default []
   */
  readonly allowUnsignedMembers?: readonly string[] | undefined;
  /**
   * Throw a bundle error (code `E_BUNDLE`, `reason` `bad-signature`, `untrusted-key`, `unsigned` or
   * `unsigned-member`) instead of returning a report with `ok: false`.
   * @default false
   */
  readonly throwOnFailure?: boolean | undefined;
}

/** The outcome of checking one signature attestation. */
export interface CtSignatureCheck {
  readonly keyId: string;
  readonly fingerprint: string;
  readonly suite: string;
  readonly timestamp: string;
  /** The key is in the trust store (or given in code) and its fingerprint matches. */
  readonly trusted: boolean;
  /** `true`/`false` when checked against a known key; `null` when there was no key to check with. */
  readonly valid: boolean | null;
  /** Why it is not good, when it is not. */
  readonly problem?: string | undefined;
}

/** What went wrong in a {@link CtVerifyReport} that is not `ok`. */
export interface CtVerifyProblem {
  /** `unsigned-member`: a member no signature covers, with `requireSignature` and not in `allowUnsignedMembers`. */
  readonly reason: 'bad-signature' | 'untrusted-key' | 'unsigned' | 'unsigned-member';
  readonly message: string;
  /** The member concerned, for `unsigned-member`. */
  readonly member?: string | undefined;
}

/**
 * The result of {@link CtDriver.verify}. A broken bundle (unreadable, malformed, manifest hash
 * mismatch) is not a report: it throws a bundle error (code `E_BUNDLE`).
 *
 * @example
 * ```ts
 * const report = await ct.verify('hello.ctp');
 * if (!report.ok) for (const problem of report.problems) console.error(problem.reason, problem.message);
 * else console.log(report.package.name, report.digest, report.signatures.filter((s) => s.valid).map((s) => s.keyId));
 * ```
 */
export interface CtVerifyReport {
  /** True when the manifest hash matches and the signature policy is met (with `requireSignature`: no unsigned member that is not allowed). */
  readonly ok: boolean;
  readonly path: string;
  /** `sha256:` + hex of the whole file. */
  readonly digest: string;
  /** Bare hex SHA-256 of the manifest member (equal to the summary's, or verify would have thrown). */
  readonly manifestSha256: string;
  readonly package: { readonly name: string; readonly version: string };
  readonly signatures: readonly CtSignatureCheck[];
  /**
   * Every member that no signature covers, in archive order: all but `manifest.ctp` (covered by
   * the signed manifest hash) and `summary.json` (whose hash, package and signatures are checked
   * against the manifest and the keys; only its signature timestamps are unauthenticated). Listed
   * whether allowed by {@link CtVerifyOptions.allowUnsignedMembers} or not.
   */
  readonly unsignedMembers: readonly string[];
  /** Failures (empty when `ok`). */
  readonly problems: readonly CtVerifyProblem[];
  /** Things worth knowing that did not fail the check (e.g. a signature by an unknown key). */
  readonly warnings: readonly string[];
}

/** A manifest given as text instead of a path. */
export interface CtManifestText {
  /** The manifest (TOML). A missing final LF is added, as the real ct requires. */
  readonly manifest: string;
}

/** How to sign. */
export interface CtSignWith {
  /** The key id written in the attestation and used to find the key. */
  readonly keyId: string;
  /**
   * Native only: the Ed25519 private key: 64 hex characters (seed), 128 hex characters (seed then
   * public key, ct's `.priv` format) or 32 raw seed bytes. When absent it is read from
   * `~/.config/cerro-torre/keys/<keyId>.priv` (native) or ct's key store (CLI).
   */
  readonly privateKey?: string | Uint8Array | undefined;
}

/**
 * Options of {@link CtDriver.pack}.
 *
 * @example
 * ```ts
 * await ct.pack('hello.manifest.ctp', { output: 'dist/hello', sources: 'src', sign: { keyId: 'release' } }); // dist/hello.ctp
 * ```
 */
export interface CtPackOptions {
  /** Where to write the bundle. `.ctp` is appended when missing (as `ct pack -o X` writes `X.ctp`). */
  readonly output: string;
  /** A folder whose files are stored as `src/<relative path>`, in name order. */
  readonly sources?: string | undefined;
  /** Sign the bundle (CT-SIG-01). */
  readonly sign?: CtSignWith | undefined;
}

/** The result of {@link CtDriver.pack}. */
export interface CtPackResult {
  /** The bundle actually written (always ending in `.ctp`). */
  readonly path: string;
  /** `sha256:` + hex of the bundle file. */
  readonly digest: string;
  readonly manifestSha256: string;
  readonly package: { readonly name: string; readonly version: string };
}

/** Options of {@link CtDriver.sign}. */
export interface CtSignOptions extends CtSignWith {
  /** Write the signed bundle here instead of replacing the input. */
  readonly output?: string | undefined;
}

/** Options of {@link CtDriver.push}. */
export interface CtPushOptions {
  /** Overwrite an existing tag (`ct push -f`). @default false */
  readonly force?: boolean | undefined;
}

/** Options of {@link CtDriver.fetch}. */
export interface CtFetchOptions {
  /** Where to write the bundle (`ct fetch -o`). */
  readonly output?: string | undefined;
  /** Only verify the remote bundle, do not keep it (`--verify-only`). @default false */
  readonly verifyOnly?: boolean | undefined;
}

/**
 * Reads, verifies, writes and moves Cerro Torre `.ctp` bundles. Operations the implementation
 * cannot do throw `UnsupportedOperationError` naming the driver and operation; check
 * {@link CtDriver.capabilities} first to avoid that.
 *
 * @example
 * ```ts
 * import { nativeCt } from '@selur/compose-selur';
 * const ct = nativeCt({ keys: { 'test-key': 'd59313a3…49f5' } });
 * const report = await ct.verify('hello.ctp', { requireSignature: true });
 * if (!report.ok) throw new Error(report.problems.map((p) => p.message).join('; '));
 * ```
 */
export interface CtDriver {
  /** `native` or `ct-cli`. */
  readonly kind: string;
  /** What this driver can do. */
  readonly capabilities: ReadonlySet<CtCapability>;
  /** `sha256:` + hex SHA-256 of the whole bundle file. */
  digest(bundlePath: string): Promise<string>;
  /** Read the manifest, summary, member list and attestations, verifying nothing but the format. */
  inspect(bundlePath: string): Promise<CtBundleContents>;
  /**
   * Check the manifest hash and the signatures. Throws a bundle error (code `E_BUNDLE`) for a broken
   * bundle. A signature covers the manifest hash only: the report lists every other member in
   * `unsignedMembers`, and with `requireSignature` (strict verification) the check fails when one is
   * not allowed by name in `allowUnsignedMembers`.
   */
  verify(bundlePath: string, options?: CtVerifyOptions): Promise<CtVerifyReport>;
  /** Build a bundle from a manifest file (or text). */
  pack(manifest: string | CtManifestText, options: CtPackOptions): Promise<CtPackResult>;
  /** Add a CT-SIG-01 signature to an existing bundle. */
  sign(bundlePath: string, options: CtSignOptions): Promise<CtPackResult>;
  /** Upload a bundle to an OCI registry (`ct push`). */
  push(bundlePath: string, destination: string, options?: CtPushOptions): Promise<void>;
  /** Download a bundle from an OCI registry (`ct fetch`). Resolves to `options.output` (undefined when ct picked the file name, or with `verifyOnly`). */
  fetch(reference: string, options?: CtFetchOptions): Promise<string | undefined>;
  /** Not in ct: always `UnsupportedOperationError`. */
  sbom(bundlePath: string): Promise<never>;
  /** Not in ct: always `UnsupportedOperationError`. */
  provenance(bundlePath: string): Promise<never>;
  /** Not in ct (the `ct attestations` command): always `UnsupportedOperationError`. Use `inspect().attestations`. */
  attestations(bundlePath: string): Promise<never>;
  /** Not in ct (`ct policy`): always `UnsupportedOperationError`. Evaluate policies locally instead. */
  policy(bundlePath: string): Promise<never>;
}
