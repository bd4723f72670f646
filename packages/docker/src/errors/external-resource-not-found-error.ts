import { ComposeError } from '@selur/compose';
import { guardFor } from './guard.js';

/**
 * A network or volume declared `external` does not exist on the engine. The runtime never creates
 * external resources.
 *
 * @example
 * ```ts
 * try { await runtime.ensureNetwork(request); }
 * catch (error) { if (isExternalResourceNotFoundError(error)) console.error(error.message); }
 * ```
 */
export class ExternalResourceNotFoundError extends ComposeError {
  override readonly name = 'ExternalResourceNotFoundError';
  readonly kind: 'network' | 'volume';
  /** The name looked up on the engine. */
  readonly runtimeName: string;

  constructor(kind: 'network' | 'volume', runtimeName: string) {
    super(
      `External ${kind} '${runtimeName}' does not exist on the Docker engine. Create it first (\`docker ${kind} create ${runtimeName}\`) ` +
        'or drop `external = true` so the project creates it.',
      { code: 'E_EXTERNAL_NOT_FOUND', field: `${kind}s.${runtimeName}` },
    );
    this.kind = kind;
    this.runtimeName = runtimeName;
  }
}

/**
 * True for an {@link ExternalResourceNotFoundError}.
 *
 * Matches by `code` and `name`, so it also works when two copies of the package are loaded
 * (ESM and CJS), where `instanceof` fails.
 *
 * @example
 * ```ts
 * try { await project.up(); }
 * catch (error) { if (isExternalResourceNotFoundError(error)) console.error(error.code, error.message); }
 * ```
 */
export const isExternalResourceNotFoundError = guardFor<ExternalResourceNotFoundError>('E_EXTERNAL_NOT_FOUND');
