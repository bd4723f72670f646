import { ComposeError } from '@selur/compose';
import { guardFor } from './guard.js';

/**
 * The image is not on the engine and pulling it failed (no registry reachable, or no such image),
 * or it was not pulled (`pull_policy: never`, or the runtime's `pull: false`).
 *
 * @example
 * ```ts
 * try { await runtime.createContainer(request); }
 * catch (error) { if (isImageNotFoundError(error)) console.error(error.image, error.reason); }
 * ```
 */
export class ImageNotFoundError extends ComposeError {
  override readonly name = 'ImageNotFoundError';
  /** The image reference as given. */
  readonly image: string;
  /** What the engine said when the pull failed. */
  readonly reason: string;

  constructor(image: string, reason: string, options: { service?: string | undefined; cause?: unknown; notPulledBecause?: string | undefined } = {}) {
    super(
      `${options.service ? `Service '${options.service}': ` : ''}image '${image}' is not on the Docker engine and ` +
        (options.notPulledBecause !== undefined ? `was not pulled (${options.notPulledBecause})` : 'pulling it failed (no registry reachable, or no such image)') +
        `: ${reason}. Build it locally (a \`build\` context, or \`docker build -t ${image} .\`) ` +
        'or load it (`docker load`), then retry.',
      { code: 'E_IMAGE_NOT_FOUND', service: options.service, cause: options.cause },
    );
    this.image = image;
    this.reason = reason;
  }
}

/**
 * True for an {@link ImageNotFoundError}.
 *
 * Matches by `code` and `name`, so it also works when two copies of the package are loaded
 * (ESM and CJS), where `instanceof` fails.
 *
 * @example
 * ```ts
 * try { await project.up(); }
 * catch (error) { if (isImageNotFoundError(error)) console.error(error.code, error.message); }
 * ```
 */
export const isImageNotFoundError = guardFor<ImageNotFoundError>('E_IMAGE_NOT_FOUND');
