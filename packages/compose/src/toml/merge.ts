import { isRecord } from '../spec/issues.js';

/**
 * Merges an override document over a base one: tables are merged key by key, arrays are
 * appended (duplicates of scalar items dropped), anything else is replaced. Inputs are not changed.
 *
 * @example
 * ```ts
 * mergeDocuments({ services: { api: { ports: ['80:80'] } } }, { services: { api: { ports: ['443:443'] } } });
 * // { services: { api: { ports: ['80:80', '443:443'] } } }
 * ```
 */
export function mergeDocuments(base: Record<string, unknown>, override: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const current = out[key];
    if (isRecord(current) && isRecord(value)) out[key] = mergeDocuments(current, value);
    else if (Array.isArray(current) && Array.isArray(value))
      out[key] = [...current, ...value.filter((item) => typeof item === 'object' || !current.includes(item))];
    else out[key] = value;
  }
  return out;
}
