import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { defaultStateDir, envName, mountEnvName, newContainerId, projectOfId, safeSegment } from './paths.js';

describe('process runtime paths and names', () => {
  it('defaults the state folder to XDG_STATE_HOME, else ~/.local/state', () => {
    expect(defaultStateDir({ XDG_STATE_HOME: '/x/state' })).toBe('/x/state/selur-compose');
    expect(defaultStateDir({})).toMatch(/\/\.local\/state\/selur-compose$/);
  });
  it('names env vars and mount vars', () => {
    expect(envName('db-token')).toBe('DB_TOKEN');
    expect(mountEnvName('/var/lib/data')).toBe('SELUR_MOUNT_VAR_LIB_DATA');
    expect(mountEnvName('/data/')).toBe('SELUR_MOUNT_DATA');
  });
  it('finds the project back from any id it makes', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,30}$/), (project) => {
        expect(projectOfId(newContainerId(project))).toBe(project);
      }),
    );
    expect(projectOfId('no-dot-here')).toBeUndefined();
    expect(projectOfId('Bad.abc')).toBeUndefined();
  });
  it('makes file-name-safe segments', () => {
    fc.assert(
      fc.property(fc.string(), (name) => {
        const segment = safeSegment(name);
        expect(segment).not.toMatch(/[/\\]/);
        expect(['.', '..', '']).not.toContain(segment);
      }),
    );
  });
});
