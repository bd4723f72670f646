/**
 * What a redactor puts where a secret was. Its first and last characters are not word
 * characters, so it never makes a short secret beside it stand alone.
 *
 * @example
 * ```ts
 * secretRedactor(['hunter22'])('password is hunter22') === `password is ${REDACTED}`; // 'password is [redacted]'
 * ```
 */
export const REDACTED = '[redacted]';

/**
 * A function that returns its text with every secret it knows replaced by {@link REDACTED}.
 *
 * @example
 * ```ts
 * const redact: Redactor = secretRedactor([process.env['API_TOKEN']]);
 * console.error(redact(String(error)));
 * ```
 */
export type Redactor = (text: string) => string;

/** Secrets at least this long are replaced wherever they occur; shorter ones only as a whole word. */
const SUBSTRING_MIN = 4;
const WORD_AT_END = /[\p{L}\p{N}_]$/u;
const WORD_AT_START = /^[\p{L}\p{N}_]/u;

/**
 * Builds the redactor that errors, events, log lines and the CLI pass text through before a
 * person sees it: the one rule, and the one marker ({@link REDACTED}), of the whole SDK.
 *
 * The rule, and why:
 * - A secret of 4 or more characters is replaced **wherever it occurs**, also inside a longer
 *   word: such a value is unlikely to occur by chance, and any fragment of text around it may be
 *   the secret glued to something else (`token=abcd1234;`, a URL, JSON).
 * - A secret of 1 to 3 characters is replaced **where it stands as a whole word**: not preceded or
 *   followed by a letter, digit or `_`, so `KEY=ab`, `"ab"`, `pin ab.` lose it, but `about` and
 *   `tab` stay. Replacing it everywhere would mangle ordinary text (a secret `a` would eat every
 *   `a`), and it must still never appear as the value it is.
 * - Empty secrets are ignored. Overlapping and adjacent occurrences become one marker, and the
 *   text is scanned again until nothing is left to replace, so that replacing never uncovers a
 *   secret (a short secret that the first marker leaves standing alone is replaced too).
 *
 * So the result contains no secret of 4+ characters and no short secret standing alone, except
 * as part of the marker text itself (a secret `dact` "appears" in `[redacted]`, revealing nothing).
 *
 * @example
 * ```ts
 * const redact = secretRedactor(['hunter22', 'ab', undefined]);
 * redact('login hunter22 / pin ab, about'); // 'login [redacted] / pin [redacted], about'
 * ```
 */
export function secretRedactor(secrets: Iterable<string | undefined>): Redactor {
  const values = [...new Set([...secrets].filter((s): s is string => typeof s === 'string' && s.length > 0))];
  if (values.length === 0) return (text) => text;
  return (text) => {
    if (!values.some((v) => text.includes(v))) return text;
    const hole = unusedCharacter(text, values);
    let out = text;
    for (let spans = occurrences(out, values); spans.length > 0; spans = occurrences(out, values)) out = punch(out, spans, hole);
    return out.replace(new RegExp(`${hole}+`, 'g'), REDACTED);
  };
}

/** Where the secrets occur (as the rule counts them), as `[start, end)` pairs sorted by start. */
function occurrences(text: string, values: readonly string[]): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  for (const value of values) {
    for (let at = text.indexOf(value); at >= 0; at = text.indexOf(value, at + 1)) {
      const end = at + value.length;
      const whole = !WORD_AT_END.test(text.slice(Math.max(0, at - 2), at)) && !WORD_AT_START.test(text.slice(end, end + 2));
      if (value.length >= SUBSTRING_MIN || whole) spans.push([at, end]);
    }
  }
  return spans.sort((a, b) => a[0] - b[0]);
}

/** Replaces each run of overlapping or touching spans by one `hole`. */
function punch(text: string, spans: ReadonlyArray<[number, number]>, hole: string): string {
  let out = '';
  let kept = 0;
  for (let i = 0; i < spans.length; ) {
    const start = spans[i]![0];
    let end = spans[i]![1];
    for (i++; i < spans.length && spans[i]![0] <= end; i++) end = Math.max(end, spans[i]![1]);
    out += `${text.slice(kept, start)}${hole}`;
    kept = end;
  }
  return out + text.slice(kept);
}

/**
 * A private-use character found in neither the text nor any secret: it stands for a marker while
 * scanning, so that a marker can never take part in a match (the loop ends: every pass turns
 * secret characters into fewer holes).
 */
function unusedCharacter(text: string, values: readonly string[]): string {
  for (let code = 0xe000; code <= 0xf8ff; code++) {
    const c = String.fromCharCode(code);
    if (!text.includes(c) && !values.some((v) => v.includes(c))) return c;
  }
  throw new RangeError('secretRedactor: the text and secrets use every private-use character');
}
