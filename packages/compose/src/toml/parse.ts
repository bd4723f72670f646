import TOML from '@iarna/toml';
import { TomlSyntaxError } from '../errors/toml-syntax-error.js';
import type { ParsedComposeFile } from '../spec/compose-file.js';
import type { Locator } from '../spec/locate.js';
import { createLocator } from './locator.js';

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

/**
 * Parses the TOML text of a compose file into a {@link ParsedComposeFile} (no merge tags; the
 * locator is built on first use, only when there is something to locate).
 *
 * @throws {@link TomlSyntaxError}
 * @example
 * ```ts
 * parseTomlFile('version = "1.0"\n[services.api]\nimage = "a"\n', 'compose.toml').locate('services.api.image'); // { line: 3, column: 1 }
 * ```
 */
export function parseTomlFile(text: string, file?: string): ParsedComposeFile {
  const document = parseToml(text, file);
  let locator: Locator | undefined;
  return { file, format: 'toml', document, resets: [], locate: (path, exact) => (locator ??= createLocator(text)).locate(path, exact) };
}
