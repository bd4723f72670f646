import { ComposeError } from '@selur/compose';
import { guardFor } from './guard.js';

/**
 * Building an image from a context failed. Carries the last lines of the build output.
 *
 * @example
 * ```ts
 * try { await runtime.buildImage({ context: '/src/app', tag: 'app:dev' }); }
 * catch (error) { if (isImageBuildError(error)) console.error(error.logTail.join('\n')); }
 * ```
 */
export class ImageBuildError extends ComposeError {
  override readonly name = 'ImageBuildError';
  /** The tag that was being built. */
  readonly tag: string;
  /** The absolute build context. */
  readonly context: string;
  /** The last lines of build output (at most 50). */
  readonly logTail: readonly string[];

  constructor(tag: string, context: string, reason: string, logTail: readonly string[], options: { service?: string | undefined; cause?: unknown } = {}) {
    super(`Building image '${tag}' from ${context} failed: ${reason}`, { code: 'E_IMAGE_BUILD', service: options.service, cause: options.cause });
    this.tag = tag;
    this.context = context;
    this.logTail = logTail.slice(-50);
  }
}

/**
 * True for an {@link ImageBuildError}.
 *
 * Matches by `code` and `name`, so it also works when two copies of the package are loaded
 * (ESM and CJS), where `instanceof` fails.
 *
 * @example
 * ```ts
 * try { await project.up(); }
 * catch (error) { if (isImageBuildError(error)) console.error(error.code, error.message); }
 * ```
 */
export const isImageBuildError = guardFor<ImageBuildError>('E_IMAGE_BUILD');
