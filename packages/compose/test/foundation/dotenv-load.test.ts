import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isComposeValidationError, loadProject, parseDotenv, type ComposeValidationError } from '@selur/compose';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'selur-dotenv-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const write = (name: string, text: string) => writeFileSync(join(dir, name), text);
const COMPOSE = 'version = "1.0"\n[services.api]\nimage = "api.ctp"\nenv_file = "api.env"\n';

describe('the loader reads .env and env_file with parseDotenv', () => {
  it('env_file: escapes, quotes and interpolation from the project variables (options.env, .env)', async () => {
    const text = 'TAB="a\\tb"\nSLASH="c:\\\\x"\nRAW=\'$REGION\'\nURL=https://${REGION}.${DOMAIN:-example.org}\nTAG\n';
    write('.env', 'REGION=eu\n');
    write('api.env', text);
    write('compose.toml', COMPOSE);
    const api = (await loadProject(join(dir, 'compose.toml'), { env: { TAG: 'v2' } })).toJSON().services['api'];
    expect(api?.environment).toEqual({ TAB: 'a\tb', SLASH: 'c:\\x', RAW: '$REGION', URL: 'https://eu.example.org', TAG: 'v2' });
    expect(api?.environment).toEqual(parseDotenv(text, { lookup: (name) => ({ REGION: 'eu', TAG: 'v2' })[name] }));
  });

  it('.env interpolates from the environment and its own earlier keys', async () => {
    write('.env', 'ROOT=/srv\nDATA="${ROOT}/data"\nNAME=${SELUR_T_DOTENV_NAME:-shop}\n');
    write('compose.toml', 'version = "1.0"\n[services.api]\nimage = "api.ctp"\nenvironment = { DATA = "${DATA}", NAME = "${NAME}" }\n');
    const api = (await loadProject(join(dir, 'compose.toml'), { env: { SELUR_T_DOTENV_NAME: 'from-option' } })).toJSON().services['api'];
    expect(api?.environment).toEqual({ DATA: '/srv/data', NAME: 'from-option' });
  });

  it('a malformed env_file is a validation issue naming the file and line', async () => {
    write('api.env', 'A=1\nB="never closed\n');
    write('compose.toml', COMPOSE);
    const error = await loadProject(join(dir, 'compose.toml')).catch((e: unknown) => e);
    expect(isComposeValidationError(error)).toBe(true);
    expect((error as ComposeValidationError).issues[0]).toMatchObject({
      code: 'env-file',
      path: 'services.api.env_file[0]',
      message: "service 'api': env_file 'api.env' line 2: the value of B opens a double quote that is never closed",
    });
  });

  it('a malformed .env is a validation error, not silently ignored', async () => {
    write('.env', 'A=${REQUIRED:?set REQUIRED}\n');
    write('compose.toml', 'version = "1.0"\n[services.api]\nimage = "api.ctp"\n');
    const error = await loadProject(join(dir, 'compose.toml')).catch((e: unknown) => e);
    expect(isComposeValidationError(error)).toBe(true);
    expect((error as ComposeValidationError).issues[0]).toMatchObject({ code: 'env-file', path: '.env', file: join(dir, '.env'), message: 'line 1: A: required variable REQUIRED is not set: set REQUIRED' });
  });
});
