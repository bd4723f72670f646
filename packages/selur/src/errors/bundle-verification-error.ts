import { ComposeError } from '@selur/compose';
import { guardFor } from './guard.js';

/**
 * A service's `.ctp` bundle failed verification by the CtDriver (a tampered manifest, a bad or
 * untrusted signature, a missing signature when one is required, a broken archive), so it was not
 * started. Names the service, the image as written and the bundle file; `problems` lists every
 * reason, `cause` holds the driver's `BundleError` when there was one.
 *
 * @example
 * ```ts
 * try { await runtime.createContainer(request); }
 * catch (error) { if (isBundleVerificationError(error)) console.error(error.service, error.problems.join('; ')); }
 * ```
 */
export class BundleVerificationError extends ComposeError {
  override readonly name = 'BundleVerificationError';
  /** The image as written in the compose file. */
  readonly image: string;
  /** The local bundle file that was verified. */
  readonly bundle: string;
  /** Every reason, one sentence each. */
  readonly problems: readonly string[];

  constructor(service: string, image: string, bundle: string, problems: readonly string[], options: { cause?: unknown } = {}) {
    super(`service '${service}': bundle ${bundle} (image '${image}') failed verification: ${problems.join('; ') || 'unknown reason'}`, {
      code: 'E_BUNDLE_VERIFICATION',
      service,
      file: bundle,
      cause: options.cause,
    });
    this.image = image;
    this.bundle = bundle;
    this.problems = [...problems];
  }
}

/**
 * True for a {@link BundleVerificationError}.
 *
 * @example
 * ```ts
 * if (isBundleVerificationError(error)) process.exitCode = 3;
 * ```
 */
export const isBundleVerificationError = guardFor<BundleVerificationError>('E_BUNDLE_VERIFICATION');
