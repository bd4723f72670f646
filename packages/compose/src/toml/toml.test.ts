import { describe, expect, it } from 'vitest';
import { parseDotenv } from './dotenv.js';
import { parseToml } from './parse.js';
import { isTomlSyntaxError, type TomlSyntaxError } from '../errors/toml-syntax-error.js';

describe('parseToml', () => {
  it('parses and reports syntax errors with position and line text', () => {
    expect(parseToml('a = 1\n[b]\nc = "x"\n')).toEqual({ a: 1, b: { c: 'x' } });
    try {
      parseToml('a = 1\nb = = 2\n', 'f.toml');
      expect.unreachable();
    } catch (error) {
      expect(isTomlSyntaxError(error)).toBe(true);
      expect(error as TomlSyntaxError).toMatchObject({ file: 'f.toml', line: 2, column: 5, sourceLine: 'b = = 2', code: 'E_TOML_SYNTAX' });
      expect((error as Error).message).toContain('f.toml:2:5');
      expect((error as Error).message).toContain('b = = 2\n      ^');
    }
  });
});

describe('parseDotenv', () => {
  it('reads KEY=VALUE lines', () => {
    expect(
      parseDotenv('# c\nA=1\nexport B = two words # note\nC="q\\"uoted\\n"\nD=\'lit $x\'\nnot a line\nE=\n'),
    ).toEqual({ A: '1', B: 'two words', C: 'q"uoted\n', D: 'lit $x', E: '' });
  });
});
