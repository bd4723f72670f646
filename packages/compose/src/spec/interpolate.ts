import { InvalidArgumentError } from '../errors/invalid-argument-error.js';

/**
 * Where interpolation reads variables from: a name → value lookup (`undefined` = unset).
 *
 * @example
 * ```ts
 * const lookup: VariableLookup = (name) => ({ TAG: 'v2' })[name] ?? process.env[name];
 * ```
 */
export type VariableLookup = (name: string) => string | undefined;

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

/** Index of the `}` closing the `${` that starts at `open`, honouring nested `${…}`. */
function closingBrace(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '$' && text[i + 1] === '{') {
      depth++;
      i++;
    } else if (text[i] === '$' && text[i + 1] === '$') i++;
    else if (text[i] === '}' && --depth === 0) return i;
  }
  return -1;
}

/**
 * Interpolates compose variables in `text`: `$V`, `${V}`, `${V:-default}` (unset or empty),
 * `${V-default}` (unset), `${V:?error}` (unset or empty is an error), `${V?error}` (unset is an
 * error), and `$$` for a literal `$`. Defaults may themselves contain variables. A `$` not
 * followed by a name or `{` is kept as is.
 *
 * @throws {@link InvalidArgumentError} for a required variable without a value, or a malformed `${…}`.
 * @example
 * ```ts
 * interpolate('postgres://${DB_HOST:-localhost}:5432', (name) => process.env[name]);
 * ```
 */
export function interpolate(text: string, lookup: VariableLookup, field = 'value'): string {
  if (!text.includes('$')) return text;
  let out = '';
  let i = 0;
  while (i < text.length) {
    const dollar = text.indexOf('$', i);
    if (dollar < 0) {
      out += text.slice(i);
      break;
    }
    out += text.slice(i, dollar);
    const next = text[dollar + 1];
    if (next === '$') {
      out += '$';
      i = dollar + 2;
    } else if (next === '{') {
      const end = closingBrace(text, dollar);
      if (end < 0) throw new InvalidArgumentError(`${field}: unterminated "\${" in ${JSON.stringify(text)}; write "$$" for a literal "$"`, { field });
      out += expand(text.slice(dollar + 2, end), lookup, field, text);
      i = end + 1;
    } else {
      const name = NAME.exec(text.slice(dollar + 1))?.[0];
      if (name === undefined) {
        out += '$';
        i = dollar + 1;
      } else {
        out += lookup(name) ?? '';
        i = dollar + 1 + name.length;
      }
    }
  }
  return out;
}

function expand(body: string, lookup: VariableLookup, field: string, whole: string): string {
  const name = NAME.exec(body)?.[0];
  if (name === undefined) throw new InvalidArgumentError(`${field}: "\${${body}}" does not start with a variable name in ${JSON.stringify(whole)}`, { field });
  const rest = body.slice(name.length);
  const value = lookup(name);
  if (rest === '') return value ?? '';
  const colon = rest.startsWith(':');
  const op = rest[colon ? 1 : 0];
  const arg = rest.slice(colon ? 2 : 1);
  const missing = value === undefined || (colon && value === '');
  if (op === '-') return missing ? interpolate(arg, lookup, field) : (value as string);
  if (op === '+') return missing ? '' : interpolate(arg, lookup, field);
  if (op === '?') {
    if (!missing) return value as string;
    const reason = interpolate(arg, lookup, field);
    throw new InvalidArgumentError(`${field}: required variable ${name} is ${value === undefined ? 'not set' : 'empty'}${reason ? `: ${reason}` : ''}`, { field });
  }
  throw new InvalidArgumentError(`${field}: unsupported substitution "\${${body}}" in ${JSON.stringify(whole)}`, { field });
}
