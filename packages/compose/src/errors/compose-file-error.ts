import { ComposeError, guardFor } from './compose-error.js';

/**
 * A compose file (or an override file) could not be read: missing, a folder, or no permission.
 *
 * @example
 * ```ts
 * try { await loadProject('missing/compose.toml'); }
 * catch (error) { if (isComposeFileError(error)) console.error(`cannot read ${error.file}`); }
 * ```
 */
export class ComposeFileError extends ComposeError {
  override readonly name = 'ComposeFileError';
  constructor(file: string, cause: unknown) {
    const code = (cause as NodeJS.ErrnoException | undefined)?.code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : code === 'EACCES' ? 'permission denied' : String(code ?? cause);
    super(`Cannot read compose file ${file}: ${why}`, { code: 'E_COMPOSE_FILE', file, cause });
  }
}

/**
 * True for a {@link ComposeFileError}.
 *
 * Matches by `code` and `name`, so it also works when two copies of the package are loaded
 * (ESM and CJS), where `instanceof` fails.
 *
 * @example
 * ```ts
 * try { await project.up(); }
 * catch (error) { if (isComposeFileError(error)) console.error(error.code, error.message); }
 * ```
 */
export const isComposeFileError = guardFor<ComposeFileError>('E_COMPOSE_FILE');
