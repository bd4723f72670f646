/** Project names: lowercase letters, digits, `-`, `_`, starting with a letter or digit. */
export const PROJECT_NAME_PATTERN = /^[a-z0-9][a-z0-9_-]*$/;
/** Service, volume, network and secret names: letters, digits, `.`, `-`, `_`, starting with a letter or digit. */
export const RESOURCE_NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
/** Extension keys: `x-` followed by anything. */
export const EXTENSION_KEY_PATTERN = /^x-/;

/**
 * True when `name` is a valid project name (`^[a-z0-9][a-z0-9_-]*$`).
 *
 * @example
 * ```ts
 * isValidProjectName('shop-2'); // true
 * isValidProjectName('Shop');   // false
 * ```
 */
export function isValidProjectName(name: unknown): name is string {
  return typeof name === 'string' && name.length <= 63 && PROJECT_NAME_PATTERN.test(name);
}

/** True when `name` is a valid service / volume / network / secret name. */
export function isValidResourceName(name: unknown): name is string {
  return typeof name === 'string' && name.length <= 128 && RESOURCE_NAME_PATTERN.test(name);
}

/**
 * Turns any text (a folder name, say) into a valid project name: lowercased, other characters
 * replaced by `-`, leading separators dropped; `'default'` when nothing is left.
 *
 * @example
 * ```ts
 * sanitizeProjectName('My Shop!'); // 'my-shop-'
 * ```
 */
export function sanitizeProjectName(text: string): string {
  const cleaned = text
    .toLowerCase()
    .replace(/[^a-z0-9_-]/g, '-')
    .replace(/^[-_]+/, '')
    .slice(0, 63);
  return cleaned.length > 0 ? cleaned : 'default';
}
