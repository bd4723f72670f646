import { isAbsolute, resolve } from 'node:path';
import { homedir } from 'node:os';
import { LABEL_CONFIG_FIELDS } from '../plan/config-hash.js';
import { runtimeResourceName, secretsOf } from '../plan/desired.js';
import type { DesiredService } from '../plan/types.js';
import { LABEL_OWNER, ownerLabel } from './owner.js';
import { LABEL_CONFIG_HASH, LABEL_PROJECT, LABEL_REPLICA, LABEL_SERVICE, type ConfigSource, type ContainerRequest, type SecretSource, type ServiceRequest } from '../runtime/types.js';
import type { ProjectSpec, ServiceNetworkSpec } from '../spec/types.js';

/** `<project>_<service>_<replica>`. */
export function containerName(project: string, service: string, replica: number): string {
  return `${project}_${service}_${replica}`;
}

function bindSource(source: string, workingDir: string): string {
  if (source.startsWith('~')) return resolve(homedir(), source.slice(1).replace(/^\/+/, ''));
  return isAbsolute(source) ? source : resolve(workingDir, source);
}

function compactRef<T extends object>(ref: T): T {
  const out = {} as T;
  for (const key in ref) if (ref[key] !== undefined) out[key] = ref[key];
  return out;
}

/** @internal Everything a runtime needs to create one replica of a desired service. */
export function containerRequest(spec: ProjectSpec, workingDir: string, desired: DesiredService, replica: number, withNetworks: boolean): ContainerRequest {
  const service = desired.spec;
  const environment: Record<string, string> = {};
  for (const [key, value] of Object.entries(service.environment)) if (typeof value === 'string') environment[key] = value;
  const secrets: SecretSource[] = [];
  for (const name of secretsOf(service)) {
    const secret = spec.secrets[name];
    const ref = service.secrets.find((r) => r.source === name);
    if (secret?.file) secrets.push(compactRef({ name, file: resolve(workingDir, secret.file), target: ref?.target, uid: ref?.uid, gid: ref?.gid, mode: ref?.mode }));
  }
  const configs: ConfigSource[] = [];
  for (const ref of service.configs ?? []) {
    const config = spec.configs[ref.source];
    if (config?.file)
      configs.push(compactRef({ name: ref.source, file: resolve(workingDir, config.file), target: ref.target ?? `/${ref.source}`, uid: ref.uid, gid: ref.gid, mode: ref.mode }));
  }
  const networkSettings: Record<string, ServiceNetworkSpec> = {};
  const logical = Object.keys(service.networks);
  // higher priority first (Docker Compose connects them in that order); ties keep name order
  logical.sort((a, b) => (service.networks[b]?.priority ?? 0) - (service.networks[a]?.priority ?? 0));
  const networks = withNetworks
    ? (logical.length > 0 ? logical : ['default']).map((n) => {
        const runtimeName = runtimeResourceName(spec.name, n, spec.networks[n]?.external ?? false, spec.networks[n]?.name);
        const settings = service.networks[n];
        if (settings !== undefined && Object.keys(settings).length > 0) networkSettings[runtimeName] = settings;
        return runtimeName;
      })
    : [];
  const mounts = service.volumes.map((m) => ({
    type: m.type,
    source:
      m.type === 'bind'
        ? bindSource(m.source, workingDir)
        : m.type === 'tmpfs' || m.source === ''
          ? ''
          : runtimeResourceName(spec.name, m.source, spec.volumes[m.source]?.external ?? false, spec.volumes[m.source]?.name),
    target: m.target,
    readOnly: m.read_only,
  }));
  const labels: Record<string, string> = {
    ...service.labels,
    [LABEL_PROJECT]: spec.name,
    [LABEL_SERVICE]: desired.name,
    [LABEL_REPLICA]: String(replica),
    [LABEL_CONFIG_HASH]: desired.configHash,
    [LABEL_CONFIG_FIELDS]: JSON.stringify(desired.fields),
    [LABEL_OWNER]: ownerLabel(),
  };
  return {
    project: spec.name,
    service: desired.name,
    replica,
    name: containerName(spec.name, desired.name, replica),
    configHash: desired.configHash,
    spec: service,
    workingDir,
    environment,
    secrets,
    configs,
    networks,
    networkSettings,
    mounts,
    labels,
  };
}

/**
 * @internal Everything a runtime that owns its replicas needs to deploy a desired service whole
 * (see `Runtime.deployService`): a replica's request without the replica.
 */
export function serviceRequest(spec: ProjectSpec, workingDir: string, desired: DesiredService, replicas: number, withNetworks: boolean): ServiceRequest {
  const { replica: _replica, name: _name, labels, ...rest } = containerRequest(spec, workingDir, desired, 1, withNetworks);
  const { [LABEL_REPLICA]: _label, ...serviceLabels } = labels;
  return { ...rest, name: `${spec.name}_${desired.name}`, replicas, labels: serviceLabels };
}
