import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { ProjectSpec, ServiceSpec } from '../spec/types.js';
import { configDigests, type SecretDigests } from './config-hash.js';
import type { DesiredResource, DesiredService, DesiredState } from './types.js';

/** The secrets a service uses: its `secrets` list and the secrets its environment refers to. */
export function secretsOf(spec: ServiceSpec): string[] {
  const names = new Set(spec.secrets.map((ref) => ref.source));
  for (const value of Object.values(spec.environment)) if (typeof value === 'object' && value !== null) names.add(value.secret);
  return [...names].sort();
}

/**
 * Reads each file secret once (and the variable of each environment-sourced one) and returns
 * name → SHA-256 digest of its content (never the content): a changed secret recreates its services.
 * Configs are digested the same way, keyed `config:NAME`.
 */
export async function secretDigests(spec: ProjectSpec, workingDir: string, variables: (name: string) => string | undefined = (name) => process.env[name]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  await Promise.all(
    Object.entries(spec.secrets).map(async ([name, secret]) => {
      if (secret.environment !== undefined) {
        const value = variables(secret.environment);
        if (value !== undefined) out[name] = createHash('sha256').update(value).digest('hex');
        return;
      }
      if (!secret.file) return;
      try {
        out[name] = createHash('sha256').update(await readFile(resolve(workingDir, secret.file))).digest('hex');
      } catch {
        out[name] = 'unreadable';
      }
    }),
  );
  // configs too, under `config:NAME`: an edited config file (or inline content, or variable) recreates its services
  await Promise.all(
    Object.entries(spec.configs).map(async ([name, config]) => {
      const key = `config:${name}`;
      if (config.content !== undefined) out[key] = createHash('sha256').update(config.content).digest('hex');
      else if (config.environment !== undefined) {
        const value = variables(config.environment);
        if (value !== undefined) out[key] = createHash('sha256').update(value).digest('hex');
      } else if (config.file) {
        try {
          out[key] = createHash('sha256').update(await readFile(resolve(workingDir, config.file))).digest('hex');
        } catch {
          out[key] = 'unreadable';
        }
      }
    }),
  );
  return out;
}

/** Runtime name of a network or volume: `<project>_<name>` unless external. */
export function runtimeResourceName(project: string, name: string, external: boolean, explicit?: string): string {
  return explicit ?? (external ? name : `${project}_${name}`);
}

/** Options of {@link desiredState}. */
export interface DesiredOptions {
  /** Whether the runtime has networks (else none are planned). */
  readonly networks: boolean;
  /** Whether the runtime has volumes (else none are planned). */
  readonly volumes: boolean;
  /** Secret name → content digest (from {@link secretDigests}). */
  readonly secretDigests: SecretDigests;
  /** Services that are one-shot jobs (see {@link DesiredService.oneShot}). */
  readonly oneShot?: ReadonlySet<string> | undefined;
  /** The engine may roll changed services out (see {@link DesiredState.rollingUpdates}). */
  readonly rollingUpdates?: boolean | undefined;
}

/** Services that run to completion: an `exit-zero` wait, or a `service_completed_successfully` dependency of another. */
export function oneShotServices(spec: ProjectSpec, waitKinds: ReadonlyMap<string, string>): Set<string> {
  const out = new Set<string>();
  for (const [name, kind] of waitKinds) if (kind === 'exit-zero') out.add(name);
  for (const service of Object.values(spec.services)) {
    for (const [dep, d] of Object.entries(service.depends_on)) if (d.condition === 'service_completed_successfully') out.add(dep);
  }
  return out;
}

/**
 * What a project wants for one run: the selected services with their config hashes and field
 * digests, and the networks and volumes they use. A service with no network joins `default`
 * (when the runtime has networks), as in Docker Compose.
 *
 * @example
 * ```ts
 * const desired = desiredState(spec, ['db', 'api'], { networks: true, volumes: true, secretDigests: {} });
 * ```
 */
export function desiredState(spec: ProjectSpec, selected: readonly string[], options: DesiredOptions): DesiredState {
  const services: DesiredService[] = selected.map((name) => {
    const service = spec.services[name] as ServiceSpec;
    const digests: Record<string, string> = {};
    for (const secret of secretsOf(service)) {
      const digest = options.secretDigests[secret];
      if (digest !== undefined) digests[secret] = digest;
    }
    for (const ref of service.configs ?? []) {
      const digest = options.secretDigests[`config:${ref.source}`];
      if (digest !== undefined) digests[`config:${ref.source}`] = digest;
    }
    // The field digests are made when first read (to explain a change, or to label a container
    // as it is created): most of a plan's work, and a new service of a fresh project needs them
    // only when its turn to be created comes.
    let fields: Readonly<Record<string, string>> | undefined;
    return {
      name,
      spec: service,
      configHash: configDigests(service, digests, false).configHash,
      get fields() {
        fields ??= configDigests(service, digests).fields;
        return fields;
      },
      replicas: Math.max(0, service.deploy.replicas),
      oneShot: options.oneShot?.has(name) ?? false,
    };
  });
  const networkNames = new Set<string>();
  const volumeNames = new Set<string>();
  for (const s of services) {
    let any = false;
    for (const n in s.spec.networks) {
      networkNames.add(n);
      any = true;
    }
    if (!any) networkNames.add('default');
    for (const m of s.spec.volumes) if (m.type === 'volume' && m.source !== '') volumeNames.add(m.source);
  }
  const networks: DesiredResource[] = options.networks
    ? [...networkNames].sort().map((name) => {
        const external = spec.networks[name]?.external ?? false;
        return { name, runtimeName: runtimeResourceName(spec.name, name, external, spec.networks[name]?.name), external };
      })
    : [];
  const volumes: DesiredResource[] = options.volumes
    ? [...volumeNames].sort().map((name) => {
        const external = spec.volumes[name]?.external ?? false;
        return { name, runtimeName: runtimeResourceName(spec.name, name, external, spec.volumes[name]?.name), external };
      })
    : [];
  const chosen = new Set(selected);
  return { project: spec.name, services, unselected: Object.keys(spec.services).filter((n) => !chosen.has(n)).sort(), networks, volumes, rollingUpdates: options.rollingUpdates ?? false };
}
