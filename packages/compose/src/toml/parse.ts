import TOML from '@iarna/toml';
import { TomlSyntaxError } from '../errors/toml-syntax-error.js';

/**
 * Parses TOML text to a plain object with @iarna/toml (the only module that touches it).
 *
 * @throws {@link TomlSyntaxError} with file, 1-based line and column and the offending line.
 * @example
 * ```ts
 * parseToml('version = "1.0"', 'compose.toml'); // { version: '1.0' }
 * ```
 */
export function parseToml(text: string, file?: string): Record<string, unknown> {
  try {
    // a leading byte-order mark (common from Windows editors) is not TOML but is harmless
    return TOML.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text) as Record<string, unknown>;
  } catch (error) {
    const e = error as { line?: unknown; col?: unknown; message?: unknown };
    const line = typeof e.line === 'number' ? e.line + 1 : undefined;
    const column = typeof e.col === 'number' ? e.col + 1 : undefined;
    const raw = typeof e.message === 'string' ? e.message : String(error);
    const reason = (raw.split('\n')[0] ?? raw).replace(/ at row \d+, col \d+, pos \d+:?$/, '').trim() || 'invalid TOML';
    const sourceLine = line === undefined ? undefined : text.split(/\r?\n/)[line - 1];
    throw new TomlSyntaxError(reason, { file, line, column, sourceLine, cause: error });
  }
}
