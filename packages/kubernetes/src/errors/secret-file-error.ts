import { ComposeError } from '@selur/compose';
import { guardFor } from './guard.js';

/**
 * A secret's file could not be read while making its Secret manifest. Names the secret and the
 * path, never any content.
 *
 * @example
 * ```ts
 * try { toKubernetes(project); }
 * catch (error) { if (isSecretFileError(error)) console.error(error.secret, error.path); }
 * ```
 */
export class SecretFileError extends ComposeError {
  override readonly name = 'SecretFileError';
  /** The secret's name in the project. */
  readonly secret: string;
  /** The absolute path that was read. */
  readonly path: string;

  constructor(secret: string, path: string, options: { cause?: unknown } = {}) {
    super(`secret '${secret}': cannot read ${path}`, { code: 'E_K8S_SECRET_FILE', field: `secrets.${secret}.file`, cause: options.cause });
    this.secret = secret;
    this.path = path;
  }
}

/**
 * True for a {@link SecretFileError}.
 *
 * Matches by `code`, so it also works when two copies of the package are loaded (ESM and CJS),
 * where `instanceof` fails.
 *
 * @example
 * ```ts
 * try { toKubernetes(project); }
 * catch (error) { if (isSecretFileError(error)) console.error(error.code, error.message); }
 * ```
 */
export const isSecretFileError = guardFor<SecretFileError>('E_K8S_SECRET_FILE');
