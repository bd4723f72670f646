import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { REDACTED, secretRedactor } from './redact.js';

const WORD = /[\p{L}\p{N}_]/u;
const MARK = '\uE000';

/** Occurrences of `secret` in `text` that the rule forbids: any, for 4+ characters; standing alone, for fewer. */
function forbidden(text: string, secret: string): boolean {
  for (let at = text.indexOf(secret); at >= 0; at = text.indexOf(secret, at + 1)) {
    if (secret.length >= 4) return true;
    const before = [...text.slice(0, at)].at(-1);
    const after = [...text.slice(at + secret.length)][0];
    if (!(before !== undefined && WORD.test(before)) && !(after !== undefined && WORD.test(after))) return true;
  }
  return false;
}

/** Where a secret may survive: nowhere but inside the marker's own letters (a secret `dact` is in `[redacted]`). */
const outsideMarkers = (text: string) => text.split(REDACTED).join(MARK);

const unit = fc.oneof(
  { weight: 6, arbitrary: fc.string({ minLength: 1, maxLength: 1 }) },
  { weight: 2, arbitrary: fc.constantFrom(' ', '=', '"', ':', '\n', '[', ']', '*', '_', 'a', 'é', '日', '😀') },
);
const text = fc.string({ unit, maxLength: 40 });
const secret = fc.string({ unit, minLength: 1, maxLength: 12 }).filter((s) => !s.includes(MARK));
const separator = fc.constantFrom(' ', '=', '"', ':', '\n', ', ', '/', "'");

describe('secretRedactor', () => {
  it('replaces secrets of 4+ characters everywhere, shorter ones as whole words, with one marker', () => {
    const redact = secretRedactor(['hunter22', 'ab', 'x', undefined, '']);
    expect(redact('password is hunter22')).toBe('password is [redacted]');
    expect(redact('token=hunter22;url=https://u:hunter22@host')).toBe('token=[redacted];url=https://u:[redacted]@host');
    expect(redact('PIN=ab "ab" ab. (x)')).toBe('PIN=[redacted] "[redacted]" [redacted]. ([redacted])');
    expect(redact('about a tab, x-ray? max')).toBe('about a tab, [redacted]-ray? max');
    expect(redact('yhunter22y')).toBe('y[redacted]y');
    // Once hunter22 is gone, each `x` stands alone: the secret `x` goes too.
    expect(redact('xhunter22x')).toBe(REDACTED);
  });

  it('merges overlapping and adjacent occurrences into one marker, and rescans what a marker uncovers', () => {
    expect(secretRedactor(['abab'])('ababab')).toBe(REDACTED);
    expect(secretRedactor(['aaaa', 'bbbb'])('aaaabbbb')).toBe(REDACTED);
    // `-a` after `a` is not alone; once the first `-a` is gone, the second one is.
    expect(secretRedactor(['-a'])(' -a-a ')).toBe(` ${REDACTED} `);
    // A secret that is part of the marker's text cannot loop forever.
    expect(secretRedactor(['dact', ']', '[r'])('dact ] [r')).toBe(`${REDACTED} ${REDACTED} ${REDACTED}`);
  });

  it('returns the text itself when there is nothing to hide', () => {
    expect(secretRedactor([])('anything')).toBe('anything');
    expect(secretRedactor([undefined, ''])('anything')).toBe('anything');
    expect(secretRedactor(['zz'])('fizzbuzz')).toBe('fizzbuzz');
  });

  it('property: a secret embedded in random text never survives', () => {
    fc.assert(
      fc.property(text, secret, text, separator, separator, fc.array(secret, { maxLength: 2 }), (before, value, after, open, close, others) => {
        // Short secrets are embedded standing alone (`KEY=v`), long ones glued to anything.
        const embedded = value.length >= 4 ? `${before}${value}${after}${value}` : `${before}${open}${value}${close}${after}`;
        const out = outsideMarkers(secretRedactor([...others, value])(embedded));
        for (const s of [value, ...others]) expect(forbidden(out, s), JSON.stringify({ embedded, s, out })).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it('property: ordinary text without the secrets is unchanged', () => {
    fc.assert(
      fc.property(text, fc.array(secret, { minLength: 1, maxLength: 3 }), (ordinary, secrets) => {
        fc.pre(secrets.every((s) => !forbidden(ordinary, s)));
        expect(secretRedactor(secrets)(ordinary)).toBe(ordinary);
      }),
      { numRuns: 2000 },
    );
  });
});
