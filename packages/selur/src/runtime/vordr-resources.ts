/**
 * Networks and volumes of a project on Vörðr, which has no labels: named `<project>_<name>` and
 * listed by that prefix.
 */
import {
  LABEL_NETWORK,
  LABEL_PROJECT,
  LABEL_VOLUME,
  UnsupportedOperationError,
  type NetworkRequest,
  type ResourceInfo,
  type VolumeRequest,
  type VordrClient,
} from '@selur/compose';
import { isVordrError } from '../errors/vordr-error.js';
import { isNotFound } from './container-lookup.js';
import { projectPrefix } from './naming.js';
import { compareNames } from './compare-names.js';

type Ensured = { readonly info: ResourceInfo; readonly created: boolean };

function network(project: string, name: string, runtimeName: string, id: string): ResourceInfo {
  return { id, name, runtimeName, project, labels: { [LABEL_PROJECT]: project, [LABEL_NETWORK]: name } };
}

function volume(project: string, name: string, runtimeName: string): ResourceInfo {
  return { id: runtimeName, name, runtimeName, project, labels: { [LABEL_PROJECT]: project, [LABEL_VOLUME]: name } };
}

/** @internal `vordr_network_ls`, then `vordr_network_create` unless it is there (a lost race counts as there). */
export async function ensureNetwork(vordr: VordrClient, request: NetworkRequest): Promise<Ensured> {
  const found = async () => (await vordr.networkList()).find((n) => n.name === request.runtimeName);
  const existing = await found();
  if (existing) return { info: network(request.project, request.name, request.runtimeName, existing.id), created: false };
  try {
    const made = await vordr.networkCreate({ name: request.runtimeName, driver: request.spec.driver, subnet: request.spec.ipam?.config[0]?.subnet });
    return { info: network(request.project, request.name, request.runtimeName, made.id), created: true };
  } catch (error) {
    const raced = isVordrError(error) ? await found() : undefined;
    if (!raced) throw error;
    return { info: network(request.project, request.name, request.runtimeName, raced.id), created: false };
  }
}

/** @internal `vordr_network_rm`; a network that is already gone is fine. */
export async function removeNetwork(vordr: VordrClient, runtimeName: string): Promise<void> {
  try {
    await vordr.networkRemove(runtimeName);
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}

/** @internal The project's networks, by name prefix. */
export async function listNetworks(vordr: VordrClient, project: string): Promise<ResourceInfo[]> {
  const prefix = projectPrefix(project);
  return (await vordr.networkList())
    .filter((n) => n.name.startsWith(prefix) && n.name.length > prefix.length)
    .map((n) => network(project, n.name.slice(prefix.length), n.name, n.id))
    .sort((a, b) => compareNames(a.runtimeName, b.runtimeName));
}

/** @internal `vordr_volume_ls`, then `vordr_volume_create` (driver `local` only) unless it is there. */
export async function ensureVolume(vordr: VordrClient, request: VolumeRequest): Promise<Ensured> {
  if (request.spec.driver !== 'local') {
    throw new UnsupportedOperationError('selur', `volume driver '${request.spec.driver}'`, { hint: `Vörðr has the 'local' volume driver only (volume '${request.name}')` });
  }
  const existing = (await vordr.volumeList()).some((v) => v.name === request.runtimeName);
  if (!existing) await vordr.volumeCreate({ name: request.runtimeName, driver: 'local' });
  return { info: volume(request.project, request.name, request.runtimeName), created: !existing };
}

/** @internal The project's volumes, by name prefix. */
export async function listVolumes(vordr: VordrClient, project: string): Promise<ResourceInfo[]> {
  const prefix = projectPrefix(project);
  return (await vordr.volumeList())
    .filter((v) => v.name.startsWith(prefix) && v.name.length > prefix.length)
    .map((v) => volume(project, v.name.slice(prefix.length), v.name))
    .sort((a, b) => compareNames(a.runtimeName, b.runtimeName));
}
