import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isStateFileError } from '../../errors/state-file-error.js';
import { StateStore } from './state-store.js';

describe('StateStore', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'state-store-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const resource = (name: string) => ({ id: name, name, runtimeName: name, labels: {}, createdAt: new Date(0).toISOString() });

  it('loses no update when many run at once through separate store objects', async () => {
    const a = new StateStore(dir);
    const b = new StateStore(dir);
    await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).update('proj', (state) => {
      state.networks[`n${i}`] = resource(`n${i}`);
    })));
    expect(Object.keys((await a.read('proj')).networks)).toHaveLength(40);
    expect((await readdir(join(dir, 'projects'))).sort()).toEqual(['proj.json']); // no temp or lock file left
  });

  it('removes the state file when the project holds nothing', async () => {
    const store = new StateStore(dir);
    await store.update('p', (s) => void (s.networks['x'] = resource('x')));
    await store.update('p', (s) => void delete s.networks['x']);
    expect(await readdir(join(dir, 'projects'))).toEqual([]);
  });

  it('breaks a lock left by a dead process', async () => {
    const store = new StateStore(dir);
    await store.update('p', (s) => void (s.networks['x'] = resource('x')));
    await writeFile(join(dir, 'projects', 'p.json.lock'), `${2 ** 22 + 11} 1`);
    await store.update('p', (s) => void (s.networks['y'] = resource('y')));
    expect(Object.keys((await store.read('p')).networks).sort()).toEqual(['x', 'y']);
  });

  it('reports a corrupt state file as a typed error', async () => {
    const store = new StateStore(dir);
    await store.update('p', (s) => void (s.networks['x'] = resource('x')));
    await writeFile(join(dir, 'projects', 'p.json'), '{ nope');
    expect(isStateFileError(await store.read('p').catch((e: unknown) => e))).toBe(true);
  });
});
