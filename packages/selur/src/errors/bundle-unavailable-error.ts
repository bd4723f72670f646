import { ComposeError } from '@selur/compose';
import { guardFor } from './guard.js';

/**
 * Why a service's bundle could not be found:
 * - `not-found`: a local path that does not exist;
 * - `cannot-fetch`: a remote reference, and the CtDriver cannot fetch (e.g. `nativeCt()`: use `ctCli()`,
 *   or give a local path, or a `resolveBundle` option);
 * - `fetch-failed`: the driver tried and failed (the driver's error is the `cause`).
 *
 * @example
 * ```ts
 * const reason: BundleUnavailableReason = 'cannot-fetch';
 * ```
 */
export type BundleUnavailableReason = 'not-found' | 'cannot-fetch' | 'fetch-failed';

/**
 * A service's image could not be turned into a local `.ctp` bundle file to verify and deploy.
 *
 * @example
 * ```ts
 * try { await verifyProject(project, nativeCt()); }
 * catch (error) { if (isBundleUnavailableError(error)) console.error(error.reason, error.image); }
 * ```
 */
export class BundleUnavailableError extends ComposeError {
  override readonly name = 'BundleUnavailableError';
  /** The image as written in the compose file. */
  readonly image: string;
  readonly reason: BundleUnavailableReason;

  constructor(service: string, image: string, reason: BundleUnavailableReason, detail: string, options: { cause?: unknown; file?: string } = {}) {
    super(`service '${service}': image '${image}': ${detail}`, { code: 'E_BUNDLE_UNAVAILABLE', service, file: options.file, field: `services.${service}.image`, cause: options.cause });
    this.image = image;
    this.reason = reason;
  }
}

/**
 * True for a {@link BundleUnavailableError}.
 *
 * @example
 * ```ts
 * if (isBundleUnavailableError(error) && error.reason === 'cannot-fetch') console.error('use ctCli() to fetch remote bundles');
 * ```
 */
export const isBundleUnavailableError = guardFor<BundleUnavailableError>('E_BUNDLE_UNAVAILABLE');
