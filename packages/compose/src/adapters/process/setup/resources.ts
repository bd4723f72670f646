import { mkdirSync } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { LABEL_NETWORK, LABEL_PROJECT, LABEL_VOLUME, type NetworkRequest, type ResourceInfo, type VolumeRequest } from '../../../runtime/types.js';
import { safeSegment, volumeDir } from '../state/paths.js';
import type { StateStore } from '../state/store.js';
import type { ResourceRecord } from '../state/types.js';
import { moveAside, removeTree } from './remove-tree.js';

/**
 * Networks and volumes of the process runtime. Host processes share the host network, so a
 * network is only recorded (ensure/list/remove behave as on a real runtime). A named volume is a
 * persistent folder under the project's state folder; an external volume is a folder under
 * `<stateDir>/external-volumes/`, never recorded nor removed by a project.
 */

const toInfo = (project: string, record: ResourceRecord): ResourceInfo => ({
  id: record.id,
  name: record.name,
  runtimeName: record.runtimeName,
  project,
  labels: { ...record.labels },
});

export async function ensureNetwork(store: StateStore, request: NetworkRequest): Promise<{ info: ResourceInfo; created: boolean }> {
  const labels = { ...request.spec.labels, [LABEL_PROJECT]: request.project, [LABEL_NETWORK]: request.name };
  if (request.spec.external) {
    return { info: { id: request.runtimeName, name: request.name, runtimeName: request.runtimeName, project: request.project, labels }, created: false };
  }
  return store.update(request.project, (state) => {
    const existing = state.networks[request.runtimeName];
    if (existing) return { info: toInfo(request.project, existing), created: false };
    const record: ResourceRecord = { id: `${request.project}.net.${request.runtimeName}`, name: request.name, runtimeName: request.runtimeName, labels, createdAt: new Date().toISOString() };
    state.networks[request.runtimeName] = record;
    return { info: toInfo(request.project, record), created: true };
  });
}

export async function removeNetwork(store: StateStore, project: string, runtimeName: string): Promise<void> {
  const state = await store.read(project);
  if (!state.networks[runtimeName]) return;
  await store.update(project, (draft) => {
    delete draft.networks[runtimeName];
  });
}

export async function listNetworks(store: StateStore, project: string): Promise<ResourceInfo[]> {
  const state = await store.read(project);
  return Object.values(state.networks).map((r) => toInfo(project, r));
}

/** Folder of an external volume. */
export function externalVolumeDir(store: StateStore, runtimeName: string): string {
  return join(store.stateDir, 'external-volumes', safeSegment(runtimeName));
}

export async function ensureVolume(store: StateStore, request: VolumeRequest): Promise<{ info: ResourceInfo; created: boolean }> {
  const labels = { ...request.spec.labels, [LABEL_PROJECT]: request.project, [LABEL_VOLUME]: request.name };
  if (request.spec.external) {
    await mkdir(externalVolumeDir(store, request.runtimeName), { recursive: true, mode: 0o700 });
    return { info: { id: request.runtimeName, name: request.name, runtimeName: request.runtimeName, project: request.project, labels }, created: false };
  }
  const path = volumeDir(store.paths(request.project), request.runtimeName);
  return store.update(request.project, (state) => {
    const existing = state.volumes[request.runtimeName];
    mkdirSync(path, { recursive: true, mode: 0o700 }); // under the lock: a concurrent removal cannot delete it after
    if (existing) return { info: toInfo(request.project, existing), created: false };
    const record: ResourceRecord = { id: `${request.project}.vol.${request.runtimeName}`, name: request.name, runtimeName: request.runtimeName, labels, createdAt: new Date().toISOString(), path };
    state.volumes[request.runtimeName] = record;
    return { info: toInfo(request.project, record), created: true };
  });
}

export async function removeVolume(store: StateStore, project: string, runtimeName: string): Promise<void> {
  const state = await store.read(project);
  const record = state.volumes[runtimeName];
  if (!record) return;
  // Under the lock (as ensureVolume creates it) the folder is only moved aside, out of the
  // project's folder (which the write removes once the project holds nothing); its content is
  // removed after, off the lock and off this thread.
  const aside = await store.update(project, (draft) => {
    const current = draft.volumes[runtimeName];
    delete draft.volumes[runtimeName];
    return current?.path ? moveAside(current.path, join(store.stateDir, 'projects')) : undefined;
  });
  if (aside) await removeTree(aside);
}

export async function listVolumes(store: StateStore, project: string): Promise<ResourceInfo[]> {
  const state = await store.read(project);
  return Object.values(state.volumes).map((r) => toInfo(project, r));
}

/**
 * The host folder behind a `volume` mount: the project's volume, else an existing external one,
 * else a project volume folder made on first use (as Docker creates a missing volume).
 */
export async function volumeMountPath(store: StateStore, project: string, runtimeName: string): Promise<string> {
  const state = await store.read(project);
  const recorded = state.volumes[runtimeName]?.path;
  if (recorded) return recorded;
  const external = externalVolumeDir(store, runtimeName);
  if (await stat(external).then((s) => s.isDirectory(), () => false)) return external;
  const made = await ensureVolume(store, {
    project,
    name: runtimeName,
    runtimeName,
    spec: { driver: 'local', driver_opts: {}, labels: {}, external: false },
  });
  return (await store.read(project)).volumes[made.info.runtimeName]?.path ?? volumeDir(store.paths(project), runtimeName);
}
