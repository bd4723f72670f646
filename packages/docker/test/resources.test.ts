import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LABEL_NETWORK, LABEL_PROJECT, LABEL_VOLUME } from '@selur/compose';
import type { NetworkSpec, VolumeSpec } from '@selur/compose';
import { isExternalResourceNotFoundError } from '@selur/compose-docker';
import { requireEngine, sweep, testRuntime, uniqueProject } from './support/engine.js';

const runtime = testRuntime();
const project = uniqueProject('res');
const other = uniqueProject('res-other');
const network = (overrides: Partial<NetworkSpec> = {}): NetworkSpec => ({ driver: 'bridge', driver_opts: {}, labels: {}, external: false, ...overrides });
const volume = (overrides: Partial<VolumeSpec> = {}): VolumeSpec => ({ driver: 'local', driver_opts: {}, labels: {}, external: false, ...overrides });

beforeAll(() => requireEngine(runtime));
afterAll(async () => {
  await sweep(runtime, project);
  await sweep(runtime, other);
  await runtime.close();
});

describe('networks', () => {
  it('creates <project>_<name> once, labelled, and lists it by project', async () => {
    const request = { project, name: 'back', runtimeName: `${project}_back`, spec: network({ labels: { team: 'a' } }) };
    const first = await runtime.ensureNetwork(request);
    expect(first.created).toBe(true);
    expect(first.info).toMatchObject({ name: 'back', runtimeName: `${project}_back`, project });
    expect(first.info.labels).toMatchObject({ [LABEL_PROJECT]: project, [LABEL_NETWORK]: 'back', team: 'a' });
    const second = await runtime.ensureNetwork(request);
    expect(second).toMatchObject({ created: false, info: { id: first.info.id } });
    expect((await runtime.listNetworks(project)).map((n) => n.runtimeName)).toEqual([`${project}_back`]);
    expect(await runtime.listNetworks(other)).toEqual([]);
    await runtime.removeNetwork(project, `${project}_back`);
    expect(await runtime.listNetworks(project)).toEqual([]);
    await runtime.removeNetwork(project, `${project}_back`); // removing a missing one is fine
  });

  it('never creates a missing external network, and never removes an existing one', async () => {
    await expect(runtime.ensureNetwork({ project, name: 'ext', runtimeName: `${project}_nope`, spec: network({ external: true }) })).rejects.toSatisfy(
      isExternalResourceNotFoundError,
    );
    const owned = await runtime.ensureNetwork({ project: other, name: 'shared', runtimeName: `${other}_shared`, spec: network() });
    const external = await runtime.ensureNetwork({ project, name: 'shared', runtimeName: `${other}_shared`, spec: network({ external: true }) });
    expect(external).toMatchObject({ created: false, info: { id: owned.info.id } });
    await runtime.removeNetwork(project, `${other}_shared`);
    expect((await runtime.listNetworks(other)).map((n) => n.id)).toEqual([owned.info.id]);
  });
});

describe('volumes', () => {
  it('creates <project>_<name> once, labelled, lists and removes it', async () => {
    const request = { project, name: 'data', runtimeName: `${project}_data`, spec: volume() };
    const first = await runtime.ensureVolume(request);
    expect(first).toMatchObject({ created: true, info: { name: 'data', runtimeName: `${project}_data`, project } });
    expect(first.info.labels).toMatchObject({ [LABEL_PROJECT]: project, [LABEL_VOLUME]: 'data' });
    expect((await runtime.ensureVolume(request)).created).toBe(false);
    expect((await runtime.listVolumes(project)).map((v) => v.name)).toEqual(['data']);
    await runtime.removeVolume(project, `${project}_data`);
    expect(await runtime.listVolumes(project)).toEqual([]);
  });

  it('never creates a missing external volume, and never removes an existing one', async () => {
    await expect(runtime.ensureVolume({ project, name: 'ext', runtimeName: `${project}_nope`, spec: volume({ external: true }) })).rejects.toSatisfy(
      isExternalResourceNotFoundError,
    );
    await runtime.ensureVolume({ project: other, name: 'keep', runtimeName: `${other}_keep`, spec: volume() });
    expect((await runtime.ensureVolume({ project, name: 'keep', runtimeName: `${other}_keep`, spec: volume({ external: true }) })).created).toBe(false);
    await runtime.removeVolume(project, `${other}_keep`);
    expect((await runtime.listVolumes(other)).map((v) => v.runtimeName)).toEqual([`${other}_keep`]);
  });
});
