import { projectToDocument } from './document.js';
import { isRecord } from './issues.js';
import type { ProjectSpec } from './types.js';

const BARE_KEY = /^[A-Za-z0-9_-]+$/;

function key(name: string): string {
  return BARE_KEY.test(name) ? name : string(name);
}

function string(text: string): string {
  let out = '"';
  for (const c of text) {
    const code = c.codePointAt(0) as number;
    if (c === '"') out += '\\"';
    else if (c === '\\') out += '\\\\';
    else if (c === '\n') out += '\\n';
    else if (c === '\t') out += '\\t';
    else if (c === '\r') out += '\\r';
    else if (code < 0x20 || code === 0x7f) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += c;
  }
  return `${out}"`;
}

/** A value in TOML's inline syntax (`undefined` and `null` are left out by the callers). */
function inline(value: unknown): string {
  // values are already interpolated: a literal `$` is written `$$` so that loading the text gives it back
  if (typeof value === 'string') return string(value.replaceAll('$', '$$$$'));
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number') {
    if (Number.isInteger(value)) return String(value);
    if (Number.isNaN(value)) return 'nan';
    if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
    return String(value).includes('e') ? value.toExponential() : String(value);
  }
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return `[${value.filter((v) => v !== undefined && v !== null).map(inline).join(', ')}]`;
  if (isRecord(value)) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined && v !== null);
    return entries.length === 0 ? '{}' : `{ ${entries.map(([k, v]) => `${key(k)} = ${inline(v)}`).join(', ')} }`;
  }
  return string(String(value));
}

/** Fields rendered as their own `[a.b.c]` sub-table rather than inline. */
const SUB_TABLES = new Set(['healthcheck', 'deploy', 'build', 'resources', 'limits', 'reservations', 'depends_on', 'ipam']);

function table(lines: string[], header: string, value: Record<string, unknown>, depth: number): void {
  const scalars: string[] = [];
  const nested: Array<[string, Record<string, unknown>]> = [];
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined || v === null) continue;
    if (isRecord(v) && SUB_TABLES.has(k) && depth < 4 && Object.keys(v).length > 0) nested.push([k, v]);
    else if (k === 'depends_on' && isRecord(v)) nested.push([k, v]);
    else scalars.push(`${key(k)} = ${inline(v)}`);
  }
  if (header !== '' && (scalars.length > 0 || nested.length === 0)) lines.push('', `[${header}]`);
  lines.push(...scalars);
  for (const [k, v] of nested) {
    const sub = header === '' ? key(k) : `${header}.${key(k)}`;
    if (k === 'depends_on') {
      // each dependency gets its own table: [services.api.depends_on.db]
      for (const [name, dep] of Object.entries(v)) table(lines, `${sub}.${key(name)}`, isRecord(dep) ? dep : {}, depth + 2);
    } else table(lines, sub, v, depth + 1);
  }
}

/**
 * Renders a canonical {@link ProjectSpec} as TOML: top-level fields first, then one
 * `[services.NAME]` table per service (sub-tables for healthcheck, deploy, build and long-form
 * depends_on), then volumes, networks and secrets. Stable: the same spec always renders the same
 * text, and loading it gives the same spec back (values are already interpolated, so a literal
 * `$` is written `$$`).
 *
 * @example
 * ```ts
 * renderToml(project.toJSON()); // 'name = "shop"\nversion = "1.0"\n\n[services.api]\nimage = "…"\n…'
 * ```
 */
export function renderToml(spec: ProjectSpec): string {
  const document = projectToDocument(spec);
  const lines: string[] = [];
  const top: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(document)) if (!['services', 'volumes', 'networks', 'secrets'].includes(k) && !(isRecord(v) && k === 'x-svalinn')) top[k] = v;
  table(lines, '', top, 0);
  if (isRecord(document['x-svalinn'])) table(lines, 'x-svalinn', document['x-svalinn'], 1);
  for (const section of ['services', 'volumes', 'networks', 'secrets']) {
    const entries = document[section];
    if (!isRecord(entries)) continue;
    if (section === 'services' && Object.keys(entries).length === 0) lines.push('', '[services]');
    for (const [name, body] of Object.entries(entries)) table(lines, `${section}.${key(name)}`, isRecord(body) ? body : {}, 1);
  }
  return `${lines.join('\n').replace(/^\n+/, '')}\n`;
}
