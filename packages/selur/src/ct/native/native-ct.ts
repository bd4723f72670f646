import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  InvalidArgumentError,
  UnsupportedOperationError,
  type CtBundleContents,
  type CtCapability,
  type CtDriver,
  type CtManifestText,
  type CtPackOptions,
  type CtPackResult,
  type CtSignOptions,
  type CtSignWith,
  type CtSummary,
  type CtVerifyOptions,
  type CtVerifyReport,
} from '@selur/compose';
import { BundleError } from '../../errors/bundle-error.js';
import { buildBundle, checkContents, DEFAULT_BUNDLE_LIMITS, parseBundle, sha256Hex, type BundleLimits, type ParsedBundle } from './bundle.js';
import { digestFile, ioError, readBundleFile, readSources } from './bundle-file.js';
import { checkSignatures, throwIfAsked } from './check-signatures.js';
import { manifestPackage, withFinalNewline } from './manifest.js';
import { signatureAttestation, signingKey } from './signature.js';
import { ctConfigDir, trustStore, type TrustStore } from './trust-store.js';
import type { UstarFile } from './ustar-writer.js';

/**
 * Options of {@link nativeCt}.
 *
 * @example
 * ```ts
 * nativeCt({ keys: { 'test-key': 'd59313a3d1be650f787ce7f38b5945d8f54b85cf3d29b28d50029a92e29449f5' }, limits: { maxBundleBytes: 64 * 1024 * 1024 } });
 * ```
 */
export interface NativeCtOptions {
  /**
   * ct's trust folder (`<key_id>.pub`, `<key_id>.meta`). `false` uses no folder.
   * @default `$XDG_CONFIG_HOME/cerro-torre/trust` or `~/.config/cerro-torre/trust`, unless `keys` is given (then no folder)
   */
  readonly trustDir?: string | false | undefined;
  /**
   * Trusted public keys given in code: key id → 64 hex characters or 32 raw bytes. Checked before the folder.
   * @example { 'test-key': 'd59313a3d1be650f787ce7f38b5945d8f54b85cf3d29b28d50029a92e29449f5' }
   */
  readonly keys?: Readonly<Record<string, string | Uint8Array>> | undefined;
  /**
   * Where `<key_id>.priv` files are found when signing without a `privateKey`.
   * @default `$XDG_CONFIG_HOME/cerro-torre/keys` or `~/.config/cerro-torre/keys`
   */
  readonly keysDir?: string | undefined;
  /** Size limits (bytes, counts). @default 512 MiB bundle, 10000 members, 1 MiB manifest and summary */
  readonly limits?: Partial<BundleLimits> | undefined;
  /** The clock for member mtimes and signature timestamps. @default () => new Date() */
  readonly clock?: (() => Date) | undefined;
}

const CAPABILITIES: ReadonlySet<CtCapability> = new Set<CtCapability>(['digest', 'inspect', 'verify', 'verify-signatures', 'pack', 'pack-sources', 'pack-sign', 'sign']);

class NativeCt implements CtDriver {
  readonly kind = 'native';
  readonly capabilities = CAPABILITIES;
  readonly #limits: BundleLimits;
  readonly #store: TrustStore;
  readonly #keysDir: string;
  readonly #clock: () => Date;

  constructor(options: NativeCtOptions) {
    this.#limits = { ...DEFAULT_BUNDLE_LIMITS, ...options.limits };
    for (const [name, value] of Object.entries(this.#limits)) {
      if (!Number.isSafeInteger(value) || value <= 0) {
        throw new InvalidArgumentError(`nativeCt: limits.${name} must be a positive integer, got ${String(value)}`, { field: `limits.${name}` });
      }
    }
    const dir = options.trustDir === false ? undefined : (options.trustDir ?? (options.keys ? undefined : join(ctConfigDir(), 'trust')));
    this.#store = trustStore(options.keys ?? {}, dir);
    this.#keysDir = options.keysDir ?? join(ctConfigDir(), 'keys');
    this.#clock = options.clock ?? (() => new Date());
  }

  digest(bundlePath: string): Promise<string> {
    return digestFile(bundlePath);
  }

  async inspect(bundlePath: string): Promise<CtBundleContents> {
    const { bytes, parsed } = await this.#read(bundlePath);
    return contents(bundlePath, bytes, parsed);
  }

  async verify(bundlePath: string, options?: CtVerifyOptions): Promise<CtVerifyReport> {
    return verifyBundleBytes(await readBundleFile(bundlePath, this.#limits), bundlePath, this.#limits, this.#store, options);
  }

  async pack(manifest: string | CtManifestText, options: CtPackOptions): Promise<CtPackResult> {
    let text: string;
    if (typeof manifest === 'string') {
      try {
        text = await readFile(manifest, 'utf8');
      } catch (error) {
        throw ioError(error, manifest, 'manifest');
      }
    } else text = manifest.manifest;
    const manifestBytes = new TextEncoder().encode(withFinalNewline(text));
    const pkg = manifestPackage(withFinalNewline(text), typeof manifest === 'string' ? manifest : undefined);
    const sources = options.sources === undefined ? [] : await readSources(options.sources);
    const summary: CtSummary = { ctpVersion: '1.0', package: pkg, manifestSha256: sha256Hex(manifestBytes), attestations: [] };
    return this.#write(outputPath(options.output), manifestBytes, summary, sources, options.sign);
  }

  async sign(bundlePath: string, options: CtSignOptions): Promise<CtPackResult> {
    const { parsed } = await this.#read(bundlePath);
    checkContents(parsed, bundlePath);
    const kept = parsed.summary.attestations.filter((a) => !(a.type === 'signature' && (a as { key_id?: string }).key_id === options.keyId));
    const summary: CtSummary = { ...parsed.summary, attestations: kept };
    return this.#write(options.output ?? bundlePath, parsed.manifestBytes, summary, parsed.sources, options);
  }

  push(): Promise<void> {
    return Promise.reject(new UnsupportedOperationError('nativeCt', 'push', { hint: 'no OCI client in the native driver; use ctCli() (ct push)' }));
  }

  fetch(): Promise<string | undefined> {
    return Promise.reject(new UnsupportedOperationError('nativeCt', 'fetch', { hint: 'no OCI client in the native driver; use ctCli() (ct fetch)' }));
  }

  sbom(): Promise<never> {
    return Promise.reject(new UnsupportedOperationError('nativeCt', 'sbom', { hint: 'ct has no sbom command; .ctp bundles carry no SBOM' }));
  }

  provenance(): Promise<never> {
    return Promise.reject(new UnsupportedOperationError('nativeCt', 'provenance', { hint: 'ct has no provenance command' }));
  }

  attestations(): Promise<never> {
    return Promise.reject(new UnsupportedOperationError('nativeCt', 'attestations', { hint: "ct has no attestations command; read inspect().attestations for the summary's" }));
  }

  policy(): Promise<never> {
    return Promise.reject(new UnsupportedOperationError('nativeCt', 'policy', { hint: 'ct has no policy command; evaluate gatekeeper policies locally' }));
  }

  async #read(bundlePath: string): Promise<{ bytes: Uint8Array; parsed: ParsedBundle }> {
    const bytes = await readBundleFile(bundlePath, this.#limits);
    return { bytes, parsed: parseBundle(bytes, this.#limits, bundlePath) };
  }

  async #write(path: string, manifest: Uint8Array, summary: CtSummary, sources: readonly UstarFile[], sign: CtSignWith | undefined): Promise<CtPackResult> {
    const now = this.#clock();
    let attestations = summary.attestations;
    if (sign) {
      const key = signingKey(sign.keyId, sign.privateKey ?? (await this.#privateKey(sign.keyId)));
      attestations = [...attestations, signatureAttestation(key, summary.manifestSha256, now)];
    }
    const bytes = buildBundle(manifest, { ...summary, attestations }, sources, Math.floor(now.getTime() / 1000));
    if (bytes.length > this.#limits.maxBundleBytes) {
      throw new BundleError('oversized', `the bundle would be ${bytes.length} bytes, over the ${this.#limits.maxBundleBytes}-byte limit (limits.maxBundleBytes)`, { bundle: path });
    }
    const temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
    try {
      await writeFile(temporary, bytes);
      await rename(temporary, path);
    } catch (error) {
      await rm(temporary, { force: true });
      throw new BundleError('unwritable', `cannot write the bundle (${(error as { code?: string }).code ?? 'error'})`, { bundle: path, cause: error });
    }
    return { path, digest: `sha256:${sha256Hex(bytes)}`, manifestSha256: summary.manifestSha256, package: summary.package };
  }

  async #privateKey(keyId: string): Promise<string> {
    const file = join(this.#keysDir, `${keyId}.priv`);
    try {
      return await readFile(file, 'utf8');
    } catch (cause) {
      throw new BundleError('bad-key', `no privateKey given and ${file} cannot be read`, { cause });
    }
  }
}

/**
 * What `nativeCt().verify` does once the file is read: parse (strict ustar, ct's layout), check the
 * manifest hash and package, then the signatures and the members they do not cover.
 */
export async function verifyBundleBytes(bytes: Uint8Array, bundlePath: string, limits: BundleLimits, store: TrustStore, options?: CtVerifyOptions): Promise<CtVerifyReport> {
  const parsed = parseBundle(bytes, limits, bundlePath);
  checkContents(parsed, bundlePath);
  const verdict = await checkSignatures(parsed.summary, parsed.members, store, options);
  const report: CtVerifyReport = {
    ...verdict,
    path: bundlePath,
    digest: `sha256:${sha256Hex(bytes)}`,
    manifestSha256: parsed.summary.manifestSha256,
    package: parsed.summary.package,
  };
  return throwIfAsked(report, options);
}

/** `ct pack -o X` writes `X.ctp`; so does this (unless X already ends in `.ctp`). */
export function outputPath(output: string): string {
  return output.endsWith('.ctp') ? output : `${output}.ctp`;
}

function contents(path: string, bytes: Uint8Array, parsed: ParsedBundle): CtBundleContents {
  return {
    path,
    digest: `sha256:${sha256Hex(bytes)}`,
    manifest: parsed.manifest,
    summary: parsed.summary,
    members: parsed.members,
    attestations: parsed.summary.attestations,
  };
}

/**
 * A CtDriver in pure TypeScript (no `ct` binary): reads, verifies (manifest hash and CT-SIG-01
 * Ed25519 signatures), packs and signs `.ctp` bundles byte for byte like ct. Stricter than ct: a bad
 * signature, path traversal, truncated or oversized archives, non-zero tar padding or unexpected
 * header fields, and compact summaries all fail with a `BundleError`. A signature covers the
 * manifest hash only: `verify` lists every `src/...` member in `unsignedMembers`, and with
 * `requireSignature` fails on each one not named in `allowUnsignedMembers`. It has no OCI client
 * (`push`/`fetch` are unsupported: use {@link ctCli}).
 *
 * @example
 * ```ts
 * import { nativeCt } from '@selur/compose-selur';
 * const ct = nativeCt(); // trusts ~/.config/cerro-torre/trust
 * const { path, digest } = await ct.pack('hello.manifest.ctp', { output: 'hello', sign: { keyId: 'me' } });
 * const report = await ct.verify(path, { requireSignature: true }); // fails on any src/... member not allowed by name
 * console.log(report.ok, report.unsignedMembers, digest);
 * ```
 */
export function nativeCt(options: NativeCtOptions = {}): CtDriver {
  return new NativeCt(options);
}
