import type { Position } from './locate.js';

/** The formats a compose file may be written in. */
export type ComposeFormat = 'toml' | 'yaml';

/**
 * One compose file after parsing, whatever its format: the plain document (what the TOML or YAML
 * means, anchors and merge keys resolved), what it resets in the files before it, and where its
 * fields are.
 */
export interface ParsedComposeFile {
  readonly file?: string | undefined;
  readonly format: ComposeFormat;
  readonly document: Record<string, unknown>;
  /**
   * Field paths (as key segments) this file clears in what was merged before it: YAML `!reset`
   * and `!override` (Compose merge rules). Empty for TOML.
   */
  readonly resets: readonly (readonly string[])[];
  /** Where `path` (or, unless `exact`, its closest enclosing field) is defined in this file. */
  locate(path: string, exact?: boolean): Position | undefined;
}

/**
 * The format of a compose file: the one given, else `yaml` for a `.yaml`/`.yml` name, else `toml`.
 *
 * @example
 * ```ts
 * composeFormatOf('docker-compose.yml'); // 'yaml'
 * composeFormatOf('compose.toml'); // 'toml'
 * composeFormatOf(undefined, 'yaml'); // 'yaml'
 * ```
 */
export function composeFormatOf(file: string | undefined, format?: ComposeFormat): ComposeFormat {
  if (format !== undefined) return format;
  return file !== undefined && /\.ya?ml$/i.test(file) ? 'yaml' : 'toml';
}
