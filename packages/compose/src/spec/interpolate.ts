import { InvalidArgumentError } from '../errors/invalid-argument-error.js';

/**
 * Where interpolation reads variables from: a name → value lookup (`undefined` = unset). Read
 * own properties only (`Object.hasOwn`), so that `${constructor}` is not `Object.prototype`'s.
 *
 * @example
 * ```ts
 * const vars: Record<string, string> = { TAG: 'v2' };
 * const lookup: VariableLookup = (name) => (Object.hasOwn(vars, name) ? vars[name] : process.env[name]);
 * ```
 */
export type VariableLookup = (name: string) => string | undefined;

/**
 * The longest compose string that is interpolated, in UTF-16 code units (1 MiB); its result may
 * not be longer either. A value past it is refused (a located `interpolation` issue when
 * loading a file), not processed.
 *
 * @example
 * ```ts
 * if (value.length > MAX_INTERPOLATION_LENGTH) throw new Error('too long for a compose value');
 * ```
 */
export const MAX_INTERPOLATION_LENGTH = 1_048_576;

/**
 * How deeply `${…}` may nest inside defaults (`${A:-${B:-${C}}}` nests 3 deep); deeper is a
 * located `interpolation` issue when loading a file.
 *
 * @example
 * ```ts
 * MAX_INTERPOLATION_DEPTH; // 64
 * ```
 */
export const MAX_INTERPOLATION_DEPTH = 64;

/** @internal Work counter: the characters examined by the last {@link interpolate} calls (tests assert it stays linear). */
export const interpolationWork = { steps: 0 };

const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;
const NAME_START = /[A-Za-z_]/;

type Op = '-' | '+' | '?';

/** One open `${NAME<op>…}` while its argument is read. */
interface Frame {
  readonly name: string;
  readonly op: Op;
  readonly colon: boolean;
  readonly value: string | undefined;
  readonly missing: boolean;
  /** True when the argument's text is used (so its variables are read and `?` may fail). */
  readonly live: boolean;
  /** Whether the enclosing text is used. */
  readonly outerLive: boolean;
  out: string;
}

function quote(text: string): string {
  const shown = JSON.stringify(text);
  return shown.length > 120 ? `${shown.slice(0, 117)}..."` : shown;
}

/**
 * Interpolates compose variables in `text`: `$V`, `${V}`, `${V:-default}` (unset or empty),
 * `${V-default}` (unset), `${V:+alt}` / `${V+alt}` (set: `alt`), `${V:?error}` (unset or empty
 * is an error), `${V?error}` (unset is an error), and `$$` for a literal `$`. Defaults may
 * themselves contain variables; only the branch that is used reads variables (and fails).
 *
 * One pass over the text, no recursion: linear in its length. Limits: the text and the result
 * at most {@link MAX_INTERPOLATION_LENGTH} characters, `${…}` nested at most
 * {@link MAX_INTERPOLATION_DEPTH} deep. A `$` not followed by a name or `{` is kept as is.
 * Lookup results that are not strings count as unset. `onUnset` is told each variable used bare
 * (`$V`, `${V}`: no default) that is unset, and so became the empty string.
 *
 * @throws {@link InvalidArgumentError} for a required variable without a value, a malformed
 * `${…}` anywhere in the text, or a text past a limit.
 * @example
 * ```ts
 * interpolate('postgres://${DB_HOST:-localhost}:5432', (name) => process.env[name]);
 * ```
 */
export function interpolate(text: string, lookup: VariableLookup, field = 'value', onUnset?: (name: string) => void): string {
  if (!text.includes('$')) return text;
  if (text.length > MAX_INTERPOLATION_LENGTH)
    throw new InvalidArgumentError(`${field}: the text is ${text.length} characters long; interpolation accepts at most ${MAX_INTERPOLATION_LENGTH}`, { field });
  const read = (name: string): string | undefined => {
    const value = lookup(name);
    return typeof value === 'string' ? value : undefined;
  };
  // A variable used bare (no default): unset, it becomes '' and the caller may warn.
  const bare = (name: string): string => {
    const value = read(name);
    if (value === undefined) onUnset?.(name);
    return value ?? '';
  };
  const fail = (message: string): never => {
    throw new InvalidArgumentError(`${field}: ${message}`, { field });
  };
  const stack: Frame[] = [];
  let out = '';
  let live = true;
  const emit = (piece: string) => {
    if (!live || piece === '') return;
    const top = stack[stack.length - 1];
    if (top) top.out += piece;
    else out += piece;
    if ((top?.out.length ?? out.length) > MAX_INTERPOLATION_LENGTH)
      fail(`the interpolated value would be longer than ${MAX_INTERPOLATION_LENGTH} characters`);
  };
  const n = text.length;
  let i = 0;
  while (i < n) {
    // copy the run of plain characters up to the next `$` (or `}` inside a `${…}`)
    let j = i;
    const inside = stack.length > 0;
    while (j < n) {
      const c = text.charCodeAt(j);
      if (c === 36 /* $ */ || (inside && c === 125) /* } */) break;
      j++;
    }
    interpolationWork.steps += j - i + 1;
    emit(text.slice(i, j));
    i = j;
    if (i >= n) break;
    if (text.charCodeAt(i) === 125) {
      // `}` closes the innermost `${NAME<op>…`
      const frame = stack.pop() as Frame;
      live = frame.outerLive;
      let result: string;
      if (frame.op === '-') result = frame.missing ? frame.out : (frame.value as string);
      else if (frame.op === '+') result = frame.missing ? '' : frame.out;
      else {
        if (frame.missing && frame.outerLive)
          fail(`required variable ${frame.name} is ${frame.value === undefined ? 'not set' : 'empty'}${frame.out ? `: ${frame.out}` : ''}`);
        result = frame.value ?? '';
      }
      emit(result);
      i++;
      continue;
    }
    // text[i] === '$'
    const next = text[i + 1];
    if (next === '$') {
      emit('$');
      i += 2;
    } else if (next === '{') {
      NAME.lastIndex = i + 2;
      const name = NAME.exec(text)?.[0];
      if (name === undefined) fail(`"\${" at ${i} does not start with a variable name in ${quote(text)}`);
      const after = i + 2 + (name as string).length;
      interpolationWork.steps += after - i;
      const c = text[after];
      if (c === '}') {
        emit(live ? bare(name as string) : '');
        i = after + 1;
        continue;
      }
      if (c === undefined) fail(`unterminated "\${" in ${quote(text)}; write "$$" for a literal "$"`);
      const colon = c === ':';
      const op = colon ? text[after + 1] : c;
      if (op !== '-' && op !== '+' && op !== '?') {
        if (colon && op === undefined) fail(`unterminated "\${" in ${quote(text)}; write "$$" for a literal "$"`);
        fail(`unsupported substitution "\${${name}${text.slice(after, after + 2)}…" in ${quote(text)} (use :- - :+ + :? ?)`);
      }
      if (stack.length >= MAX_INTERPOLATION_DEPTH) fail(`"\${…}" is nested more than ${MAX_INTERPOLATION_DEPTH} deep in ${quote(text)}`);
      const value = live ? read(name as string) : undefined;
      const missing = value === undefined || (colon && value === '');
      const used = live && (op === '+' ? !missing : missing);
      stack.push({ name: name as string, op: op as Op, colon, value, missing, live: used, outerLive: live, out: '' });
      live = used;
      i = after + (colon ? 2 : 1);
    } else if (next !== undefined && NAME_START.test(next)) {
      NAME.lastIndex = i + 1;
      const name = (NAME.exec(text) as RegExpExecArray)[0];
      interpolationWork.steps += name.length;
      emit(live ? bare(name) : '');
      i += 1 + name.length;
    } else {
      emit('$');
      i += 1;
    }
  }
  if (stack.length > 0) fail(`unterminated "\${" in ${quote(text)}; write "$$" for a literal "$"`);
  return out;
}
