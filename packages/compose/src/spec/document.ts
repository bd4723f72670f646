import { formatVolumeMount, hasShortForm } from './mount.js';
import { formatPort } from './port.js';
import { CONTAINER_KEYS } from './normalize-container.js';
import type { DependencySpec, NetworkSpec, ProjectSpec, ServiceFileRef, ServiceSpec, VolumeSpec } from './types.js';

/** Names alone when no reference has a long-form field, else the long form for each. */
function refsToDocument(refs: readonly ServiceFileRef[]): unknown[] {
  return refs.map((r) => (Object.keys(r).length === 1 ? r.source : { ...r }));
}

/** A compose document: the TOML-shaped plain object (what compose.toml parses to). */
export type ComposeDocument = Record<string, unknown>;

const isDefaultDependency = (d: DependencySpec) => d.condition === 'service_started' && d.required && !d.restart;

function put(out: Record<string, unknown>, key: string, value: unknown, keep = true): void {
  if (value === undefined || !keep) return;
  if (Array.isArray(value) && value.length === 0) return;
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 0) return;
  out[key] = value;
}

/** A canonical service as a compose table: short forms where they say the same, empty fields left out, defaults kept. */
export function serviceToDocument(spec: ServiceSpec): Record<string, unknown> {
  // a build-only service has no image (it is named <project>-<service> when built)
  const out: Record<string, unknown> = spec.image === '' && spec.build !== undefined ? {} : { image: spec.image };
  put(out, 'command', spec.command === undefined ? undefined : [...spec.command]);
  put(out, 'environment', spec.environment);
  put(out, 'env_file', spec.env_file);
  const ports = spec.ports.map((p) => (p.host_ip !== undefined && p.published === undefined ? { ...p } : formatPort(p)));
  put(out, 'ports', ports);
  const deps = Object.entries(spec.depends_on);
  put(out, 'depends_on', deps.every(([, d]) => isDefaultDependency(d)) ? deps.map(([name]) => name) : spec.depends_on);
  put(out, 'volumes', spec.volumes.map((v) => (hasShortForm(v) ? formatVolumeMount(v) : { ...v })));
  const networks = Object.entries(spec.networks);
  put(out, 'networks', networks.every(([, n]) => Object.keys(n).length === 0) ? networks.map(([name]) => name) : spec.networks);
  put(out, 'secrets', refsToDocument(spec.secrets));
  put(out, 'profiles', spec.profiles);
  out['restart'] = spec.restart;
  if (spec.healthcheck) {
    const { test, ...rest } = spec.healthcheck;
    out['healthcheck'] = test === undefined ? rest : { test, ...rest }; // no test: the image's
  }
  out['deploy'] = spec.deploy;
  put(out, 'build', spec.build);
  put(out, 'labels', spec.labels);
  put(out, 'working_dir', spec.working_dir);
  put(out, 'user', spec.user);
  out['stop_grace_period'] = spec.stop_grace_period;
  out['stop_signal'] = spec.stop_signal;
  out['read_only'] = spec.read_only;
  for (const key of CONTAINER_KEYS) {
    const value = spec[key as keyof ServiceSpec];
    if (value === undefined) continue;
    if (key === 'configs') put(out, key, refsToDocument(value as readonly ServiceFileRef[]));
    else if (key === 'entrypoint' || typeof value !== 'object') out[key] = Array.isArray(value) ? [...value] : value; // `entrypoint = []` clears, so it is kept
    else put(out, key, value);
  }
  for (const [key, value] of Object.entries(spec.extensions)) out[key] = value;
  return out;
}

function resourceToDocument(spec: VolumeSpec | NetworkSpec): Record<string, unknown> {
  const out: Record<string, unknown> = { driver: spec.driver };
  put(out, 'driver_opts', spec.driver_opts);
  if ('ipam' in spec) put(out, 'ipam', spec.ipam);
  put(out, 'labels', spec.labels);
  if (spec.external) out['external'] = true;
  for (const key of ['name', 'internal', 'attachable', 'enable_ipv6', 'enable_ipv4'] as const)
    if (key in spec) put(out, key, (spec as unknown as Record<string, unknown>)[key]);
  return out;
}

/**
 * Turns a canonical {@link ProjectSpec} into a compose document (the shape compose.toml parses
 * to): extensions inlined as `x-*` keys, short forms where they mean the same. Normalising the
 * result gives the same spec back.
 *
 * @example
 * ```ts
 * const doc = projectToDocument(project.toJSON()); // { name, version, services: { api: { image, ports: ['8080:80'] } } }
 * ```
 */
export function projectToDocument(spec: ProjectSpec): ComposeDocument {
  const out: ComposeDocument = { name: spec.name, version: spec.version };
  if (spec['x-svalinn'] !== undefined) out['x-svalinn'] = spec['x-svalinn'];
  for (const [key, value] of Object.entries(spec.extensions)) out[key] = value;
  const services: Record<string, unknown> = {};
  for (const [name, service] of Object.entries(spec.services)) services[name] = serviceToDocument(service);
  out['services'] = services;
  const map = <T>(record: Readonly<Record<string, T>>, f: (v: T) => unknown) => {
    const result: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(record)) result[name] = f(value);
    return result;
  };
  put(out, 'volumes', map(spec.volumes, resourceToDocument));
  put(out, 'networks', map(spec.networks, resourceToDocument));
  put(out, 'secrets', map(spec.secrets, (s) => ({ ...s })));
  put(out, 'configs', map(spec.configs, (c) => ({ ...c })));
  return out;
}
