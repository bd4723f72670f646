/**
 * Names (services, networks, volumes, labels) in code-unit order, as the SDK and Docker Compose
 * order them, the same in every locale: `localeCompare` would load ICU's collator on first use,
 * 7–10 ms of a CLI command.
 */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
