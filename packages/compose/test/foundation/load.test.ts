import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isComposeFileError, isComposeValidationError, isInvalidArgumentError, loadProject, parseProject, type ComposeValidationError } from '@selur/compose';

let root: string;
let dir: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'selur-load-'));
  dir = join(root, 'My Shop');
  mkdirSync(dir);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const write = (name: string, text: string) => writeFileSync(join(dir, name), text);

describe('loadProject', () => {
  it('names the project after its folder (sanitised) and resolves relative to it', async () => {
    write('compose.toml', 'version = "1.0"\n[services.api]\nimage = "api.ctp"\n');
    const project = await loadProject(join(dir, 'compose.toml'));
    expect(project.name).toBe('my-shop');
    expect(project.source).toEqual({ workingDir: dir, files: [join(dir, 'compose.toml')], variables: expect.any(Function) });
    // the variables the file was read with, for environment-sourced secrets and configs
    expect(project.source.variables?.('PATH')).toBe(process.env['PATH']);
  });

  it('uses the file name, then the option', async () => {
    write('compose.toml', 'version = "1.0"\nname = "shop"\n[services.api]\nimage = "api.ctp"\n');
    expect((await loadProject(join(dir, 'compose.toml'))).name).toBe('shop');
    expect((await loadProject(join(dir, 'compose.toml'), { projectName: 'other' })).name).toBe('other');
    await expect(loadProject(join(dir, 'compose.toml'), { projectName: 'Bad Name' })).rejects.toSatisfy(isInvalidArgumentError);
  });

  it('interpolates from options.env, then the process environment, then .env', async () => {
    write('.env', 'TAG=from-dotenv\nREGISTRY=ghcr.io\n# comment\nexport PORT="8080"\nSELUR_T_LEVEL=dotenv\n');
    write('compose.toml', 'version = "1.0"\n[services.api]\nimage = "${REGISTRY}/api:${TAG}.ctp"\nports = ["${PORT}:80"]\nenvironment = { COST = "$$5", KIND = "${SELUR_T_KIND:-dev}", LEVEL = "$SELUR_T_LEVEL" }\n');
    const fromDotenv = (await loadProject(join(dir, 'compose.toml'))).toJSON().services['api'];
    expect(fromDotenv?.image).toBe('ghcr.io/api:from-dotenv.ctp');
    expect(fromDotenv?.ports[0]?.published).toBe(8080);
    expect(fromDotenv?.environment).toEqual({ COST: '$5', KIND: 'dev', LEVEL: 'dotenv' });
    process.env['SELUR_T_LEVEL'] = 'process';
    try {
      const fromProcess = (await loadProject(join(dir, 'compose.toml'))).toJSON().services['api'];
      expect(fromProcess?.environment['LEVEL']).toBe('process');
      const withOption = (await loadProject(join(dir, 'compose.toml'), { env: { TAG: 'v2', SELUR_T_KIND: 'prod', SELUR_T_LEVEL: 'option' } })).toJSON().services['api'];
      expect(withOption?.image).toBe('ghcr.io/api:v2.ctp');
      expect(withOption?.environment).toEqual({ COST: '$5', KIND: 'prod', LEVEL: 'option' });
    } finally {
      delete process.env['SELUR_T_LEVEL'];
    }
  });

  it('merges compose.override.toml by default (tables merged, arrays appended)', async () => {
    write('compose.toml', 'version = "1.0"\n[services.api]\nimage = "api.ctp"\nports = ["8080:80"]\nenvironment = { A = "1", B = "1" }\n');
    write('compose.override.toml', '[services.api]\nports = ["9229:9229"]\nenvironment = { B = "2" }\n[services.debug]\nimage = "debug.ctp"\n');
    const project = await loadProject(join(dir, 'compose.toml'));
    const api = project.toJSON().services['api'];
    expect(api?.ports.map((p) => p.published)).toEqual([8080, 9229]);
    expect(api?.environment).toEqual({ A: '1', B: '2' });
    expect(project.serviceNames()).toEqual(['api', 'debug']);
    expect(project.source.files).toEqual([join(dir, 'compose.toml'), join(dir, 'compose.override.toml')]);
    expect((await loadProject(join(dir, 'compose.toml'), { overrideFiles: [] })).serviceNames()).toEqual(['api']);
  });

  it('reports issues in override files with their own positions', async () => {
    write('compose.toml', 'version = "1.0"\n[services.api]\nimage = "api.ctp"\n');
    write('prod.toml', '\n\n[services.api]\nrestart = "sometimes"\n');
    try {
      await loadProject(join(dir, 'compose.toml'), { overrideFiles: [join(dir, 'prod.toml')] });
      expect.unreachable();
    } catch (error) {
      expect(isComposeValidationError(error)).toBe(true);
      expect((error as ComposeValidationError).issues[0]).toMatchObject({ path: 'services.api.restart', file: join(dir, 'prod.toml'), line: 4 });
    }
  });

  it('merges env_file contents under environment', async () => {
    write('api.env', 'A=from-file\nB=from-file\n');
    write('compose.toml', 'version = "1.0"\n[services.api]\nimage = "api.ctp"\nenv_file = "api.env"\nenvironment = { B = "inline" }\n');
    const api = (await loadProject(join(dir, 'compose.toml'))).toJSON().services['api'];
    expect(api?.environment).toEqual({ A: 'from-file', B: 'inline' });
    expect(api?.env_file).toEqual(['api.env']);
  });

  it('a missing env_file is a validation issue', async () => {
    write('compose.toml', 'version = "1.0"\n[services.api]\nimage = "api.ctp"\nenv_file = ["missing.env"]\n');
    await expect(loadProject(join(dir, 'compose.toml'))).rejects.toSatisfy(
      (error: unknown) => isComposeValidationError(error) && error.issues[0]?.code === 'env-file' && error.issues[0]?.line === 4,
    );
  });

  it('activates profiles (and what active services depend on)', async () => {
    write('compose.toml', 'version = "1.0"\n[services.api]\nimage = "a"\n[services.debug]\nimage = "d"\nprofiles = ["debug"]\ndepends_on = ["tools"]\n[services.tools]\nimage = "t"\nprofiles = ["tools"]\n');
    expect((await loadProject(join(dir, 'compose.toml'))).serviceNames()).toEqual(['api']);
    expect((await loadProject(join(dir, 'compose.toml'), { profiles: ['debug'] })).serviceNames()).toEqual(['api', 'debug', 'tools']);
  });

  it('a missing file is a ComposeFileError', async () => {
    await expect(loadProject(join(dir, 'nope.toml'))).rejects.toSatisfy(isComposeFileError);
    await expect(loadProject(dir)).rejects.toSatisfy(isComposeFileError);
  });

  it('parseProject uses cwd for .env and the default name', () => {
    write('.env', 'TAG=v9\n');
    const project = parseProject('version = "1.0"\n[services.api]\nimage = "api:${TAG}"\n', { cwd: dir });
    expect(project.name).toBe('my-shop');
    expect(project.toJSON().services['api']?.image).toBe('api:v9');
  });
});
