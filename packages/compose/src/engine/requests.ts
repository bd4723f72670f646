import { isAbsolute, resolve } from 'node:path';
import { homedir } from 'node:os';
import { LABEL_CONFIG_FIELDS } from '../plan/config-hash.js';
import { runtimeResourceName, secretsOf } from '../plan/desired.js';
import type { DesiredService } from '../plan/types.js';
import { LABEL_OWNER, ownerLabel } from './owner.js';
import { LABEL_CONFIG_HASH, LABEL_PROJECT, LABEL_REPLICA, LABEL_SERVICE, type ContainerRequest, type SecretSource } from '../runtime/types.js';
import type { ProjectSpec } from '../spec/types.js';

/** `<project>_<service>_<replica>`. */
export function containerName(project: string, service: string, replica: number): string {
  return `${project}_${service}_${replica}`;
}

function bindSource(source: string, workingDir: string): string {
  if (source.startsWith('~')) return resolve(homedir(), source.slice(1).replace(/^\/+/, ''));
  return isAbsolute(source) ? source : resolve(workingDir, source);
}

/** @internal Everything a runtime needs to create one replica of a desired service. */
export function containerRequest(spec: ProjectSpec, workingDir: string, desired: DesiredService, replica: number, withNetworks: boolean): ContainerRequest {
  const service = desired.spec;
  const environment: Record<string, string> = {};
  for (const [key, value] of Object.entries(service.environment)) if (typeof value === 'string') environment[key] = value;
  const secrets: SecretSource[] = [];
  for (const name of secretsOf(service)) {
    const secret = spec.secrets[name];
    if (secret?.file) secrets.push({ name, file: resolve(workingDir, secret.file) });
  }
  const networks = withNetworks
    ? (service.networks.length > 0 ? service.networks : ['default']).map((n) => runtimeResourceName(spec.name, n, spec.networks[n]?.external ?? false))
    : [];
  const mounts = service.volumes.map((m) => ({
    type: m.type,
    source: m.type === 'bind' ? bindSource(m.source, workingDir) : runtimeResourceName(spec.name, m.source, spec.volumes[m.source]?.external ?? false),
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
    networks,
    mounts,
    labels,
  };
}
