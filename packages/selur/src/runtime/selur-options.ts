/**
 * Options and the extended interface of the selur runtime. Contracts only; the implementation is
 * `selurRuntime()` in `selur-runtime.ts`.
 */
import type { CtDriver, ExecOptions, GatekeeperPolicy, Runtime, SvalinnClient, VordrClient } from '@selur/compose';
import type { BundleResolver } from '../verify/bundle-resolver.js';

/**
 * Options of `selurRuntime()`.
 *
 * @example
 * ```ts
 * import { nativeCt, svalinnClient, vordrClient, selurRuntime } from '@selur/compose-selur';
 * const runtime = selurRuntime({
 *   ct: nativeCt(),
 *   svalinn: svalinnClient({ url: 'http://127.0.0.1:8000' }),
 *   vordr: vordrClient({ url: 'http://127.0.0.1:8080' }),
 *   requireSignature: true,
 * });
 * ```
 */
export interface SelurRuntimeOptions {
  /** Reads, verifies and digests the `.ctp` bundles (and fetches remote ones, if it can). */
  readonly ct: CtDriver;
  /**
   * The gateway every container is started through (`run`, with the bundle digest). Not needed with
   * `gateway: 'vordr'`.
   */
  readonly svalinn?: SvalinnClient | undefined;
  /**
   * What starts the containers. `svalinn` (default): Svalinn's `run`. `vordr`: Vörðr's `tools/call`
   * alone (`vordr_container_create`, `vordr_container_start`), for stacks where Svalinn cannot drive
   * Vörðr (its upstream defects U1–U3). Either way every bundle is verified locally by the CtDriver
   * before anything starts (Svalinn enforces no digest on run today, so that check is the one that
   * counts); with `vordr` there is no start gate (Rokur) nor gateway policy.
   * @default 'svalinn'
   */
  readonly gateway?: 'svalinn' | 'vordr' | undefined;
  /** The runtime: networks, volumes, listing, inspect, stop, remove, exec. */
  readonly vordr: VordrClient;
  /**
   * Inject the content of secret files into environment variables that refer to them
   * (`KEY = { secret = "NAME" }`). Development only: without it such a service is refused with a
   * `SecretInEnvironmentError`. The content is never logged nor put in labels.
   * @default env.SELUR_DEV_SECRETS === '1'
   */
  readonly secretsDevMode?: boolean | undefined;
  /**
   * Refuse bundles without a valid signature by a trusted key (the CtDriver's trust store). A bad
   * signature always fails, whatever this says.
   * @default false
   */
  readonly requireSignature?: boolean | undefined;
  /**
   * With `requireSignature`, the bundle members (exact names, e.g. `src/app.js`) that may stand
   * outside the signature: CT-SIG-01 signs only the manifest hash, so any other member of a signed
   * bundle is unauthenticated, and strict verification refuses a bundle with one not named here.
   * @default []
   */
  readonly allowUnsignedMembers?: readonly string[] | undefined;
  /** Maps an image as written to a local bundle file first (e.g. a registry mirror on disk). */
  readonly resolveBundle?: BundleResolver | undefined;
  /** Folder where remote bundles fetched by the CtDriver are kept. @default `<os tmp>/selur-compose/bundles` */
  readonly bundleCacheDir?: string | undefined;
  /**
   * Send the local bundle's absolute path as `bundlePath` in run requests (useful only when Svalinn
   * runs on this host and can read it).
   * @default false
   */
  readonly sendBundlePath?: boolean | undefined;
  /** A gatekeeper policy sent with every run (validated locally first). */
  readonly policy?: GatekeeperPolicy | undefined;
  /**
   * What `probeHealth` answers. Vörðr takes the healthcheck (in the container's config) but reports
   * no result. `unsupported`: it throws `UnsupportedOperationError` and the runtime does not declare
   * `health`, so an `up` that waits on a healthcheck fails at once (use `up({ wait: false })` or a
   * port/HTTP wait strategy). `running-state`: healthy while the container runs (that is all it
   * knows), and the runtime declares `health`.
   * @default 'unsupported'
   */
  readonly health?: 'running-state' | 'unsupported' | undefined;
  /** Where `SELUR_DEV_SECRETS` is read. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>> | undefined;
}

/**
 * `exec` options of the selur runtime: `detach: true` starts the command through `vordr_exec` and
 * resolves at once with `exitCode: 0` meaning "started" and empty output, since Vörðr reports
 * neither. Without it `exec` throws `UnsupportedOperationError` (`exec.output`).
 *
 * @example
 * ```ts
 * await runtime.exec('shop_api_1', ['kill', '-HUP', '1'], { detach: true } as SelurExecOptions);
 * ```
 */
export interface SelurExecOptions extends ExecOptions {
  /** Start the command and do not wait for it. @default false */
  readonly detach?: boolean | undefined;
}

/**
 * The selur runtime: the `Runtime` port plus what only Vörðr offers.
 *
 * @example
 * ```ts
 * const { execPid } = await runtime.execDetached('shop_worker_1', ['/bin/reload']);
 * ```
 */
export interface SelurRuntime extends Runtime {
  /** Start a command inside a running container (`vordr_exec`): its pid, no output, no exit code. */
  execDetached(id: string, command: readonly string[]): Promise<{ readonly containerId: string; readonly execPid: number }>;
}
