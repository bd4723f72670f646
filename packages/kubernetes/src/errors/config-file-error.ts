import { ComposeError } from '@selur/compose';
import { guardFor } from './guard.js';

/**
 * A config's file could not be read while making its ConfigMap manifest. Names the config and the
 * path that was read.
 *
 * @example
 * ```ts
 * try { toKubernetes(project); }
 * catch (error) { if (isConfigFileError(error)) console.error(error.config, error.path); }
 * ```
 */
export class ConfigFileError extends ComposeError {
  override readonly name = 'ConfigFileError';
  /** The config's name in the project. */
  readonly config: string;
  /** The absolute path that was read. */
  readonly path: string;

  constructor(config: string, path: string, options: { cause?: unknown } = {}) {
    super(`config '${config}': cannot read ${path}`, { code: 'E_K8S_CONFIG_FILE', field: `configs.${config}.file`, cause: options.cause });
    this.config = config;
    this.path = path;
  }
}

/**
 * True for a {@link ConfigFileError}.
 *
 * Matches by `code`, so it also works when two copies of the package are loaded (ESM and CJS),
 * where `instanceof` fails.
 *
 * @example
 * ```ts
 * try { toKubernetes(project); }
 * catch (error) { if (isConfigFileError(error)) console.error(error.code, error.message); }
 * ```
 */
export const isConfigFileError = guardFor<ConfigFileError>('E_K8S_CONFIG_FILE');
