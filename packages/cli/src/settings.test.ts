import { describe, expect, it } from 'vitest';
import { findComposeFiles } from '@selur/compose';
import { UsageError } from './errors/usage-error.js';
import { resolveSettings } from './settings.js';

describe('resolveSettings', () => {
  it('defaults to ./compose.toml on the process runtime', () => {
    const s = resolveSettings({}, {}, '/work/app', findComposeFiles);
    expect(s).toMatchObject({ file: '/work/app/compose.toml', overrideFiles: [], fileGiven: false, runtime: 'process', progress: 'auto', verbose: false, svalinnUrl: 'http://localhost:8000' });
    expect(s.parallel).toBeUndefined();
    expect(s.projectName).toBeUndefined();
  });

  it('reads the upstream environment variables', () => {
    const s = resolveSettings({}, {
      SELUR_COMPOSE_FILE: 'a.toml:/etc/b.toml',
      SELUR_PROJECT_NAME: 'shop',
      SELUR_COMPOSE_PARALLEL: '4',
      SELUR_COMPOSE_RUNTIME: 'docker',
      SVALINN_URL: 'http://127.0.0.1:9000',
      VORDR_MCP_URL: 'http://127.0.0.1:9001',
    }, '/w', findComposeFiles);
    expect(s).toMatchObject({ file: '/w/a.toml', overrideFiles: ['/etc/b.toml'], fileGiven: true, projectName: 'shop', parallel: 4, runtime: 'docker', svalinnUrl: 'http://127.0.0.1:9000', vordrUrl: 'http://127.0.0.1:9001' });
  });

  it("takes Docker Compose's COMPOSE_PROJECT_NAME when neither -p nor SELUR_PROJECT_NAME names the project", () => {
    expect(resolveSettings({}, { COMPOSE_PROJECT_NAME: 'legacy' }, '/w', findComposeFiles).projectName).toBe('legacy');
    expect(resolveSettings({}, { COMPOSE_PROJECT_NAME: 'legacy', SELUR_PROJECT_NAME: 'shop' }, '/w', findComposeFiles).projectName).toBe('shop');
    expect(resolveSettings({ 'project-name': 'cli' }, { COMPOSE_PROJECT_NAME: 'legacy' }, '/w', findComposeFiles).projectName).toBe('cli');
  });

  it('lets options win over variables', () => {
    const s = resolveSettings({ file: ['x.toml', 'y.toml'], 'project-name': 'cli', parallel: '2', runtime: 'process', verbose: true }, { SELUR_COMPOSE_FILE: 'a.toml', SELUR_PROJECT_NAME: 'env', SELUR_COMPOSE_PARALLEL: '9', SELUR_COMPOSE_RUNTIME: 'docker' }, '/w', findComposeFiles);
    expect(s).toMatchObject({ file: '/w/x.toml', overrideFiles: ['/w/y.toml'], projectName: 'cli', parallel: 2, runtime: 'process', verbose: true });
  });

  it('treats a parallel of 0 as no limit and rejects bad variables as usage errors', () => {
    expect(resolveSettings({ parallel: '0' }, {}, '/', findComposeFiles).parallel).toBeUndefined();
    expect(() => resolveSettings({}, { SELUR_COMPOSE_PARALLEL: 'many' }, '/', findComposeFiles)).toThrow(UsageError);
    expect(() => resolveSettings({}, { SELUR_COMPOSE_RUNTIME: 'k8s' }, '/', findComposeFiles)).toThrow(/SELUR_COMPOSE_RUNTIME must be one of process, docker, selur, swarm/);
  });

  it('accepts swarm from SELUR_COMPOSE_RUNTIME and from --runtime', () => {
    expect(resolveSettings({}, { SELUR_COMPOSE_RUNTIME: 'swarm' }, '/', findComposeFiles).runtime).toBe('swarm');
    expect(resolveSettings({ runtime: 'swarm' }, { SELUR_COMPOSE_RUNTIME: 'docker' }, '/', findComposeFiles).runtime).toBe('swarm');
  });
});
