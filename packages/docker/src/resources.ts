import { LABEL_NETWORK, LABEL_PROJECT, LABEL_VOLUME } from '@selur/compose';
import type { NetworkRequest, ResourceInfo, VolumeRequest } from '@selur/compose';
import type { EngineClient } from './client/engine-client.js';
import { isDockerEngineError } from './errors/docker-engine-error.js';
import { ExternalResourceNotFoundError } from './errors/external-resource-not-found-error.js';
import type { NetworkInspect, VolumeInspect } from './mapping/engine-types.js';
import { compareNames } from './compare-names.js';

/** Networks and volumes over the Engine API. @internal */

function logicalName(project: string, runtimeName: string, labels: Readonly<Record<string, string>>, key: string): string {
  const label = labels[key];
  if (label) return label;
  return runtimeName.startsWith(`${project}_`) ? runtimeName.slice(project.length + 1) : runtimeName;
}

function projectFilter(project: string): { label: string[] } {
  return { label: [`${LABEL_PROJECT}=${project}`] };
}

async function orUndefinedOn404<T>(work: Promise<T>): Promise<T | undefined> {
  try {
    return await work;
  } catch (error) {
    if (isDockerEngineError(error) && error.statusCode === 404) return undefined;
    throw error;
  }
}

function networkInfo(project: string, network: NetworkInspect): ResourceInfo {
  const labels = network.Labels ?? {};
  return { id: network.Id, name: logicalName(project, network.Name, labels, LABEL_NETWORK), runtimeName: network.Name, project: labels[LABEL_PROJECT] ?? project, labels: { ...labels } };
}

function volumeInfo(project: string, volume: VolumeInspect): ResourceInfo {
  const labels = volume.Labels ?? {};
  return { id: volume.Name, name: logicalName(project, volume.Name, labels, LABEL_VOLUME), runtimeName: volume.Name, project: labels[LABEL_PROJECT] ?? project, labels: { ...labels } };
}

const inspectNetwork = (client: EngineClient, name: string) => orUndefinedOn404(client.json<NetworkInspect>('GET', `/networks/${encodeURIComponent(name)}`));
const inspectVolume = (client: EngineClient, name: string) => orUndefinedOn404(client.json<VolumeInspect>('GET', `/volumes/${encodeURIComponent(name)}`));

/**
 * The network of that name, created when missing (an external one never is). `listedAbsent`: a
 * listing of the project's networks just said it has none of that name, so it is created at
 * once, not looked up first (one there all the same, another project's or created meanwhile, is
 * refused as a duplicate and then looked up, as before).
 */
export async function ensureNetwork(client: EngineClient, request: NetworkRequest, listedAbsent = false): Promise<{ info: ResourceInfo; created: boolean }> {
  if (!listedAbsent || request.spec.external) {
    const existing = await inspectNetwork(client, request.runtimeName);
    if (existing) return { info: networkInfo(request.project, existing), created: false };
  }
  if (request.spec.external) throw new ExternalResourceNotFoundError('network', request.runtimeName);
  const { spec } = request;
  const ipam = spec.ipam
    ? {
        Driver: spec.ipam.driver ?? 'default',
        Config: spec.ipam.config.map((pool) => ({ Subnet: pool.subnet, Gateway: pool.gateway, IPRange: pool.ip_range, AuxiliaryAddresses: pool.aux_addresses })),
        Options: spec.ipam.options,
      }
    : undefined;
  const labels = { ...spec.labels, [LABEL_PROJECT]: request.project, [LABEL_NETWORK]: request.name };
  let answer: { Id?: string } | undefined;
  try {
    answer = await client.json<{ Id?: string } | undefined>('POST', '/networks/create', {
      body: {
        Name: request.runtimeName,
        // The selur zero-copy driver does not exist on Docker: a bridge is the closest.
        Driver: spec.driver === 'selur' || spec.driver === '' ? 'bridge' : spec.driver,
        Options: spec.driver === 'selur' ? {} : { ...spec.driver_opts },
        IPAM: ipam,
        Internal: spec.internal === true,
        Attachable: spec.attachable === true,
        EnableIPv6: spec.enable_ipv6 === true,
        CheckDuplicate: true,
        Labels: labels,
      },
    });
  } catch (error) {
    // Another process created it meanwhile.
    if (!(isDockerEngineError(error) && error.statusCode === 409)) throw error;
    const raced = await inspectNetwork(client, request.runtimeName);
    if (raced) return { info: networkInfo(request.project, raced), created: false };
    throw error;
  }
  // the engine keeps the name and labels as sent: the answer's id completes what an inspection tells
  if (typeof answer?.Id === 'string' && answer.Id !== '') return { info: networkInfo(request.project, { Id: answer.Id, Name: request.runtimeName, Labels: labels }), created: true };
  const created = await inspectNetwork(client, request.runtimeName);
  if (!created) throw new ExternalResourceNotFoundError('network', request.runtimeName);
  return { info: networkInfo(request.project, created), created: true };
}

/**
 * Removes a network, but only one labelled as this project's (never an external one). `listedId`:
 * the id a listing of this project's networks (label-filtered) just gave for that name, deleted
 * without inspecting the name first; gone meanwhile (404), the name is looked up as without it.
 */
export async function removeNetwork(client: EngineClient, project: string, runtimeName: string, listedId?: string): Promise<void> {
  if (listedId !== undefined) {
    const deleted = await orUndefinedOn404(client.json('DELETE', `/networks/${encodeURIComponent(listedId)}`).then(() => true));
    if (deleted) return;
  }
  const existing = await inspectNetwork(client, runtimeName);
  if (!existing || existing.Labels?.[LABEL_PROJECT] !== project) return;
  await orUndefinedOn404(client.json('DELETE', `/networks/${encodeURIComponent(existing.Id)}`));
}

export async function listNetworks(client: EngineClient, project: string): Promise<ResourceInfo[]> {
  const networks = await client.json<NetworkInspect[]>('GET', '/networks', { query: { filters: projectFilter(project) } });
  return networks.map((n) => networkInfo(project, n)).sort((a, b) => compareNames(a.runtimeName, b.runtimeName));
}

export async function ensureVolume(client: EngineClient, request: VolumeRequest): Promise<{ info: ResourceInfo; created: boolean }> {
  const existing = await inspectVolume(client, request.runtimeName);
  if (existing) return { info: volumeInfo(request.project, existing), created: false };
  if (request.spec.external) throw new ExternalResourceNotFoundError('volume', request.runtimeName);
  const volume = await client.json<VolumeInspect>('POST', '/volumes/create', {
    body: {
      Name: request.runtimeName,
      Driver: request.spec.driver || 'local',
      DriverOpts: { ...request.spec.driver_opts },
      Labels: { ...request.spec.labels, [LABEL_PROJECT]: request.project, [LABEL_VOLUME]: request.name },
    },
  });
  return { info: volumeInfo(request.project, volume), created: true };
}

/** Removes a volume, but only one labelled as this project's (never an external one). */
export async function removeVolume(client: EngineClient, project: string, runtimeName: string): Promise<void> {
  const existing = await inspectVolume(client, runtimeName);
  if (!existing || existing.Labels?.[LABEL_PROJECT] !== project) return;
  await orUndefinedOn404(client.json('DELETE', `/volumes/${encodeURIComponent(existing.Name)}`));
}

export async function listVolumes(client: EngineClient, project: string): Promise<ResourceInfo[]> {
  const answer = await client.json<{ Volumes: VolumeInspect[] | null }>('GET', '/volumes', { query: { filters: projectFilter(project) } });
  return (answer.Volumes ?? []).map((v) => volumeInfo(project, v)).sort((a, b) => compareNames(a.runtimeName, b.runtimeName));
}
