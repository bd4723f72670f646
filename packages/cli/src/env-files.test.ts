import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadProject } from '@selur/compose';
import { UsageError } from './errors/usage-error.js';
import { readEnvFiles } from './env-files.js';

describe('env files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'selur-cli-env-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };

  it('parses comments, export, quotes and trailing comments', () => {
    const path = file('basics.env', '# c\n\nA=1\nexport B = two \nC="x y"\nD=\'$E\'\nF=v # note\nG="a\\nb"\nbad line\n');
    expect(readEnvFiles([path])).toEqual({ A: '1', B: 'two', C: 'x y', D: '$E', F: 'v', G: 'a\nb' });
  });

  it('merges files in order and reports an unreadable one', () => {
    writeFileSync(join(dir, 'a.env'), 'A=1\nB=1\n');
    writeFileSync(join(dir, 'b.env'), 'B=2\n');
    expect(readEnvFiles([join(dir, 'a.env'), join(dir, 'b.env')])).toEqual({ A: '1', B: '2' });
    expect(() => readEnvFiles([join(dir, 'missing.env')])).toThrow(/cannot read the file/);
  });

  it('interpolates from the shell first, then earlier files', () => {
    const first = file('first.env', 'ROOT=/srv\nUSER_NAME=file\n');
    const second = file('second.env', 'DATA=${ROOT}/data\nWHO=$USER_NAME\n');
    expect(readEnvFiles([first, second], { USER_NAME: 'shell' })).toMatchObject({ DATA: '/srv/data', WHO: 'shell' });
  });

  it('a malformed file is a usage error naming the file and line', () => {
    const path = file('broken.env', 'A=1\nB="never closed\n');
    expect(() => readEnvFiles([path])).toThrow(UsageError);
    expect(() => readEnvFiles([path])).toThrow(`--env-file ${path}: line 2: the value of B opens a double quote that is never closed`);
  });

  // The CLI used to have its own parser: "a\tb" and "a\\b" came out differently from env_file.
  it('--env-file and a service env_file read one file identically', async () => {
    const text = [
      '# every rule of the format once',
      'export EXPORTED=yes',
      'PLAIN=two words # a comment',
      'HASH=a#b',
      'TAB="a\\tb"',
      'BACKSLASH="c:\\\\dir\\\\"',
      'QUOTE="say \\"hi\\""',
      'NEWLINE="l1\\nl2"',
      "SINGLE='lit $PLAIN \\t'",
      'UNQUOTED_BACKSLASH=x\\ty',
      'MULTI="first',
      'second"',
      'REF=${PLAIN}!',
      'DEFAULT=${SELUR_T_UNSET_VAR:-fallback}',
      'DOLLAR=$$5',
      'EMPTY=',
      'not an assignment',
      '',
    ].join('\n');
    const path = file('shared.env', text);
    writeFileSync(join(dir, 'compose.toml'), `version = "1.0"\n[services.api]\nimage = "api.ctp"\nenv_file = ${JSON.stringify(path)}\n`);

    const fromCli = readEnvFiles([path]);
    const fromEnvFile = (await loadProject(join(dir, 'compose.toml'))).toJSON().services['api']?.environment;
    expect(fromEnvFile).toEqual(fromCli);
    expect(fromCli).toEqual({
      EXPORTED: 'yes',
      PLAIN: 'two words',
      HASH: 'a#b',
      TAB: 'a\tb',
      BACKSLASH: 'c:\\dir\\',
      QUOTE: 'say "hi"',
      NEWLINE: 'l1\nl2',
      SINGLE: 'lit $PLAIN \\t',
      UNQUOTED_BACKSLASH: 'x\\ty',
      MULTI: 'first\nsecond',
      REF: 'two words!',
      DEFAULT: 'fallback',
      DOLLAR: '$5',
      EMPTY: '',
    });
  });
});
