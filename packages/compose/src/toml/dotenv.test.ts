import { describe, expect, it } from 'vitest';
import { isInvalidArgumentError } from '../errors/invalid-argument-error.js';
import { parseDotenv } from './dotenv.js';

const env: Readonly<Record<string, string>> = { HOME: '/home/u', EMPTY: '' };
const lookup = (name: string) => env[name];

// What Docker Compose (compose-go's dotenv package) reads from each text.
const CASES: ReadonlyArray<readonly [string, string, Record<string, string>]> = [
  ['plain', 'A=1\nB=two words\n', { A: '1', B: 'two words' }],
  ['spaces around = and trailing spaces', 'A = 1  \n  B=\t2\t\n', { A: '1', B: '2' }],
  ['empty value', 'A=\nB=""\nC=\'\'\n', { A: '', B: '', C: '' }],
  ['export prefix', 'export A=1\nexport\tB="2"\nexportC=3\n', { A: '1', B: '2', exportC: '3' }],
  ['comment lines and blank lines', '# a comment\n\n   # indented\nA=1\n', { A: '1' }],
  ['inline comment after whitespace (unquoted)', 'A=v # note\nB=v\t# note\nC=v#not-a-comment\nD=#start\n', { A: 'v', B: 'v', C: 'v#not-a-comment', D: '#start' }],
  ['a # inside quotes is text', 'A="v # kept"\nB=\'v # kept\' # dropped\n', { A: 'v # kept', B: 'v # kept' }],
  ['unquoted: backslashes are literal', 'A=a\\tb\nB=c:\\\\dir\n', { A: 'a\\tb', B: 'c:\\\\dir' }],
  ['double quotes: \\t \\n \\r escapes', 'A="a\\tb"\nB="a\\nb"\nC="a\\rb"\n', { A: 'a\tb', B: 'a\nb', C: 'a\rb' }],
  ['double quotes: \\\\ and \\"', 'A="back\\\\slash"\nB="say \\"hi\\""\nC="ends with \\\\"\n', { A: 'back\\slash', B: 'say "hi"', C: 'ends with \\' }],
  ['double quotes: unknown escapes keep the backslash', 'A="\\d\\x41"\n', { A: '\\d\\x41' }],
  ['single quotes are literal', "A='a\\tb $HOME ${HOME} \\\\'\n", { A: 'a\\tb $HOME ${HOME} \\\\' }],
  ['single quotes: \\\' is a quote', "A='it\\'s'\n", { A: "it's" }],
  ['multi-line double-quoted value', 'A="line 1\nline 2"\nB=after\n', { A: 'line 1\nline 2', B: 'after' }],
  ['multi-line single-quoted value', "KEY='-----BEGIN-----\nabc\n-----END-----'\n", { KEY: '-----BEGIN-----\nabc\n-----END-----' }],
  ['interpolation: unquoted and double-quoted', 'A=$HOME/a\nB="${HOME}/b"\nC=${MISSING:-dflt}\nD=${EMPTY:-e}\n', { A: '/home/u/a', B: '/home/u/b', C: 'dflt', D: 'e' }],
  ['interpolation: earlier keys of the file', 'BASE=/srv\nDATA=${BASE}/data\n', { BASE: '/srv', DATA: '/srv/data' }],
  ['interpolation: the lookup wins over earlier keys', 'HOME=/x\nH=$HOME\n', { HOME: '/x', H: '/home/u' }],
  ['interpolation: $$ and \\$ are a literal $', 'A=$$HOME\nB="\\$HOME"\nC="cost: 5$"\n', { A: '$HOME', B: '$HOME', C: 'cost: 5$' }],
  ['interpolation: unset is empty', 'A=x${NOPE}y\n', { A: 'xy' }],
  ['KEY without = is inherited from the lookup', 'HOME\nNOPE\nEMPTY # c\n', { HOME: '/home/u', EMPTY: '' }],
  ['text after a closing quote is ignored', 'A="v" trailing\nB=1\n', { A: 'v', B: '1' }],
  ['lines that are not assignments are skipped', 'not an assignment\nA=1\n:B=2\n', { A: '1' }],
  ['later assignments win', 'A=1\nA=2\n', { A: '2' }],
  ['CRLF line ends and a byte-order mark', '\uFEFFA=1\r\nB="x"\r\n', { A: '1', B: 'x' }],
  ['dots and dashes in keys', 'a.b-c=1\n', { 'a.b-c': '1' }],
];

describe('parseDotenv reads .env text as Docker Compose does', () => {
  it.each(CASES)('%s', (_name, text, expected) => {
    expect(parseDotenv(text, { lookup })).toEqual(expected);
  });

  it('without a lookup, references read earlier keys only', () => {
    expect(parseDotenv('A=$HOME\nB=1\nC=${B}2\nHOME\n')).toEqual({ A: '', B: '1', C: '12' });
  });

  it('counts lines across multi-line values when it reports a problem', () => {
    const fail = (text: string) => {
      try {
        parseDotenv(text, { lookup });
      } catch (error) {
        expect(isInvalidArgumentError(error)).toBe(true);
        return (error as Error).message;
      }
      return expect.unreachable();
    };
    expect(fail('A=1\nB="open\n')).toMatch(/^line 2: the value of B opens a double quote that is never closed/);
    expect(fail("A='x\ny'\nC='open\n")).toMatch(/^line 3: the value of C opens a single quote/);
    expect(fail('A="x\ny"\nB=${REQUIRED:?set it}\n')).toBe('line 3: B: required variable REQUIRED is not set: set it');
    expect(fail('A=${oops\n')).toMatch(/^line 1: A: unterminated "\$\{"/);
  });

  it('keeps keys that look like Object.prototype members as plain values', () => {
    const parsed = parseDotenv('__proto__=x\nconstructor=y\n');
    expect(Object.keys(parsed)).toEqual(['__proto__', 'constructor']);
    expect(parsed['constructor']).toBe('y');
  });
});
