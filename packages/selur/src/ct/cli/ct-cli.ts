import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  InvalidArgumentError,
  UnsupportedOperationError,
  type CtBundleContents,
  type CtCapability,
  type CtDriver,
  type CtFetchOptions,
  type CtManifestText,
  type CtPackOptions,
  type CtPackResult,
  type CtPushOptions,
  type CtVerifyOptions,
  type CtVerifyReport,
} from '@selur/compose';
import { BundleError } from '../../errors/bundle-error.js';
import { CtCommandError } from '../../errors/ct-command-error.js';
import { ioError } from '../native/bundle-file.js';
import { checkSignatures, throwIfAsked } from '../native/check-signatures.js';
import { withFinalNewline } from '../native/manifest.js';
import { nativeCt, outputPath } from '../native/native-ct.js';
import { ctConfigDir, trustStore, type TrustStore } from '../native/trust-store.js';
import { ctSaid, pathArg, runCt, type CtInvocation, type CtRun } from './run-ct.js';

/**
 * Options of {@link ctCli}.
 *
 * @example
 * ```ts
 * ctCli({ path: '/opt/ct/bin/ct', env: { XDG_CONFIG_HOME: '/etc/selur' }, timeoutMs: 60_000 });
 * ```
 */
export interface CtCliOptions {
  /** The `ct` executable (a path, or a name looked up on `PATH`). @default 'ct' */
  readonly path?: string | undefined;
  /**
   * Environment variables for `ct`, laid over this process's environment (e.g. `CT_REGISTRY_USER`,
   * `CT_REGISTRY_PASS`, `XDG_CONFIG_HOME`). Never logged or put in errors.
   */
  readonly env?: Readonly<Record<string, string | undefined>> | undefined;
  /** Working directory for `ct`. @default process.cwd() */
  readonly cwd?: string | undefined;
  /** Kill `ct` after this many milliseconds. @default 300000 */
  readonly timeoutMs?: number | undefined;
  /** Pass `--offline` to `ct verify`. @default true */
  readonly offline?: boolean | undefined;
  /**
   * Trust folder for the signature check `ct verify` does not do (see {@link ctCli}).
   * @default ct's own (`$XDG_CONFIG_HOME/cerro-torre/trust`, with `env` taken into account), unless `keys` is given
   */
  readonly trustDir?: string | false | undefined;
  /** Trusted public keys given in code: key id → 64 hex or 32 raw bytes. */
  readonly keys?: Readonly<Record<string, string | Uint8Array>> | undefined;
}

const CAPABILITIES: ReadonlySet<CtCapability> = new Set<CtCapability>(['digest', 'inspect', 'verify', 'verify-signatures', 'pack', 'pack-sources', 'pack-sign', 'push', 'fetch']);

/** Exit codes of `ct verify`. */
const VERIFY_EXIT: Readonly<Record<number, 'manifest-hash-mismatch' | 'malformed' | 'not-found'>> = { 1: 'manifest-hash-mismatch', 10: 'malformed', 11: 'not-found' };

class CtCli implements CtDriver {
  readonly kind = 'ct-cli';
  readonly capabilities = CAPABILITIES;
  readonly #invocation: CtInvocation;
  readonly #offline: boolean;
  readonly #store: TrustStore;
  readonly #reader: CtDriver;

  constructor(options: CtCliOptions) {
    if (options.timeoutMs !== undefined && !(Number.isFinite(options.timeoutMs) && options.timeoutMs > 0)) {
      throw new InvalidArgumentError(`ctCli: timeoutMs must be a positive number of milliseconds, got ${String(options.timeoutMs)}`, { field: 'timeoutMs' });
    }
    if (options.path !== undefined && options.path.length === 0) throw new InvalidArgumentError('ctCli: path must not be empty', { field: 'path' });
    const env = { ...process.env, ...options.env };
    this.#invocation = { executable: options.path ?? 'ct', env, timeoutMs: options.timeoutMs ?? 300_000, cwd: options.cwd };
    this.#offline = options.offline ?? true;
    const dir = options.trustDir === false ? undefined : (options.trustDir ?? (options.keys ? undefined : join(ctConfigDir(env), 'trust')));
    this.#store = trustStore(options.keys ?? {}, dir);
    this.#reader = nativeCt({ trustDir: false });
  }

  /** ct has no digest command: the file is hashed here. */
  digest(bundlePath: string): Promise<string> {
    return this.#reader.digest(bundlePath);
  }

  /** ct has no inspect command (only `unpack` to disk): the bundle is read by the native reader. */
  inspect(bundlePath: string): Promise<CtBundleContents> {
    return this.#reader.inspect(bundlePath);
  }

  async verify(bundlePath: string, options?: CtVerifyOptions): Promise<CtVerifyReport> {
    const run = await this.#run(['verify', pathArg(bundlePath), ...(this.#offline ? ['--offline'] : [])]);
    if (run.exitCode !== 0) {
      const reason = VERIFY_EXIT[run.exitCode ?? -1];
      const failure = new CtCommandError('verify failed', this.#context(run));
      if (reason) throw new BundleError(reason, `ct verify: ${ctSaid(run) || `exit ${run.exitCode}`}`, { bundle: bundlePath, cause: failure });
      throw failure;
    }
    // ct verify checks the manifest hash only; the signatures are checked here.
    const contents = await this.#reader.inspect(bundlePath);
    const verdict = await checkSignatures(contents.summary, contents.members, this.#store, options);
    const report: CtVerifyReport = {
      ...verdict,
      path: bundlePath,
      digest: contents.digest,
      manifestSha256: contents.summary.manifestSha256,
      package: contents.summary.package,
    };
    return throwIfAsked(report, options);
  }

  async pack(manifest: string | CtManifestText, options: CtPackOptions): Promise<CtPackResult> {
    if (options.sign?.privateKey !== undefined) {
      throw new InvalidArgumentError('ctCli signs with keys in ct\'s key store (`ct key import`); privateKey is for nativeCt()', { field: 'sign.privateKey' });
    }
    const path = outputPath(options.output);
    const scratch = await mkdtemp(join(tmpdir(), 'selur-ct-'));
    try {
      const manifestPath = await this.#manifestFile(manifest, scratch);
      const args = ['pack', pathArg(manifestPath), '-o', pathArg(path.slice(0, -'.ctp'.length))];
      if (options.sources !== undefined) args.push('-s', pathArg(options.sources));
      if (options.sign) args.push('--sign', '--key', options.sign.keyId);
      const run = await this.#run(args);
      if (run.exitCode !== 0) throw new CtCommandError('pack failed', this.#context(run));
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
    const contents = await this.#reader.inspect(path);
    return { path, digest: contents.digest, manifestSha256: contents.summary.manifestSha256, package: contents.summary.package };
  }

  sign(): Promise<CtPackResult> {
    return Promise.reject(
      new UnsupportedOperationError('ct', 'sign', { hint: '`ct sign` makes detached signatures, not bundle attestations; sign at pack time (pack({ sign })) or use nativeCt().sign' }),
    );
  }

  async push(bundlePath: string, destination: string, options: CtPushOptions = {}): Promise<void> {
    const run = await this.#run(['push', pathArg(bundlePath), pathArg(destination), ...(options.force ? ['--force'] : [])]);
    if (run.exitCode === 0) return;
    if (run.exitCode === 10) throw new BundleError('malformed', `ct push: ${ctSaid(run)}`, { bundle: bundlePath, cause: new CtCommandError('push failed', this.#context(run)) });
    throw new CtCommandError('push failed', this.#context(run));
  }

  async fetch(reference: string, options: CtFetchOptions = {}): Promise<string | undefined> {
    const args = ['fetch', pathArg(reference)];
    if (options.output !== undefined) args.push('-o', pathArg(options.output));
    if (options.verifyOnly) args.push('--verify-only');
    const run = await this.#run(args);
    if (run.exitCode === 0) return options.verifyOnly ? undefined : options.output;
    if (run.exitCode === 10) throw new BundleError('malformed', `ct fetch: ${ctSaid(run)}`, { bundle: reference, cause: new CtCommandError('fetch failed', this.#context(run)) });
    throw new CtCommandError('fetch failed', this.#context(run));
  }

  sbom(): Promise<never> {
    return unsupported('sbom');
  }

  provenance(): Promise<never> {
    return unsupported('provenance');
  }

  attestations(): Promise<never> {
    return unsupported('attestations', "read inspect().attestations for the summary's signatures");
  }

  policy(): Promise<never> {
    return unsupported('policy', 'evaluate gatekeeper policies locally');
  }

  #run(args: readonly string[]): Promise<CtRun> {
    return runCt(this.#invocation, args);
  }

  #context(run: CtRun) {
    return { executable: this.#invocation.executable, args: run.args, exitCode: run.exitCode, signal: run.signal, stdout: run.stdout, stderr: run.stderr };
  }

  /** ct packs a manifest without a final LF into a bundle its own verify rejects; hand it a fixed copy. */
  async #manifestFile(manifest: string | CtManifestText, scratch: string): Promise<string> {
    let text: string;
    if (typeof manifest === 'string') {
      try {
        text = await readFile(manifest, 'utf8');
      } catch (error) {
        throw ioError(error, manifest, 'manifest');
      }
      if (text.endsWith('\n')) return manifest;
    } else text = manifest.manifest;
    const copy = join(scratch, 'manifest.ctp');
    await writeFile(copy, withFinalNewline(text));
    return copy;
  }
}

function unsupported(operation: string, hint?: string): Promise<never> {
  return Promise.reject(new UnsupportedOperationError('ct', operation, { hint: `ct has no '${operation}' command (it answers "Unknown command")${hint ? `; ${hint}` : ''}` }));
}

/**
 * A CtDriver that runs the real `ct` binary with argument arrays (never a shell string). `verify`
 * maps ct's exit codes (0 ok, 1 manifest hash mismatch, 10 malformed, 11 missing) to a report or a
 * `BundleError`, and then checks the signatures itself, because `ct verify` never does (so
 * `badsig.ctp` fails here too); for that it reads the bundle with the native reader, which is
 * stricter than ct and may refuse a bundle ct accepted. As with `nativeCt`, members the signature
 * does not cover (`src/...`) are listed in `unsignedMembers` and, with `requireSignature`, fail the
 * check unless named in `allowUnsignedMembers`. `pack -o X`
 * writes `X.ctp`, and the result says so. `digest` and `inspect` read the file directly (ct has no
 * such commands); `sbom`, `provenance`, `attestations`, `policy` and bundle `sign` are
 * `UnsupportedOperationError`s, raised without starting ct.
 *
 * @example
 * ```ts
 * import { ctCli } from '@selur/compose-selur';
 * const ct = ctCli({ path: '/usr/local/bin/ct', env: { CT_REGISTRY_USER: 'me', CT_REGISTRY_PASS: secret } });
 * const { path } = await ct.pack('hello.manifest.ctp', { output: 'dist/hello' }); // dist/hello.ctp
 * await ct.push(path, 'localhost:5000/hello:2.10');
 * ```
 */
export function ctCli(options: CtCliOptions = {}): CtDriver {
  return new CtCli(options);
}
