import { ComposeError } from '@selur/compose';
import { guardFor } from './guard.js';

/**
 * A service's image is a selur `.ctp` bundle, which Docker cannot run: a bundle holds no image layers.
 *
 * @example
 * ```ts
 * try { await runtime.createContainer(request); }
 * catch (error) { if (isBundleNotRunnableError(error)) console.error(error.message); }
 * ```
 */
export class BundleNotRunnableError extends ComposeError {
  override readonly name = 'BundleNotRunnableError';
  /** The `.ctp` reference that was given as the image. */
  readonly image: string;

  constructor(image: string, options: { service?: string | undefined } = {}) {
    super(
      `${options.service ? `Service '${options.service}': ` : ''}'${image}' is a selur bundle (.ctp) and cannot run on Docker: ` +
        'a bundle holds no image layers. Use an OCI image (e.g. `image = "nginx:1.27"` or a `build` context) for the Docker runtime, ' +
        'or run this project on the selur runtime (`selurRuntime()`).',
      { code: 'E_CTP_ON_DOCKER', service: options.service, field: options.service ? `services.${options.service}.image` : undefined },
    );
    this.image = image;
  }
}

/**
 * True for a {@link BundleNotRunnableError}.
 *
 * Matches by `code` and `name`, so it also works when two copies of the package are loaded
 * (ESM and CJS), where `instanceof` fails.
 *
 * @example
 * ```ts
 * try { await project.up(); }
 * catch (error) { if (isBundleNotRunnableError(error)) console.error(error.code, error.message); }
 * ```
 */
export const isBundleNotRunnableError = guardFor<BundleNotRunnableError>('E_CTP_ON_DOCKER');
