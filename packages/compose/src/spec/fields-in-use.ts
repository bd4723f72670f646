import type { ProjectSpec, ServiceSpec } from './types.js';

/**
 * The Compose fields that not every runtime can apply. A runtime lists the ones it honours in its
 * capabilities as `field:<name>` (for example `field:cap_add`); the engine refuses a project that
 * uses any other before creating anything (or warns, with `unsupported: 'warn'`), so no field is
 * ever dropped in silence. Names are Compose paths: `cap_add`, `networks.aliases`,
 * `volumes.tmpfs` (a tmpfs mount), `secrets.target`, `deploy.placement`.
 *
 * @example
 * ```ts
 * const missing = COMPOSE_FIELDS.filter((field) => !runtime.capabilities.has(`field:${field}`));
 * ```
 */
export const COMPOSE_FIELDS = [
  // the container
  'annotations', 'cap_add', 'cap_drop', 'container_name', 'cpu_shares', 'develop', 'devices', 'dns', 'dns_opt', 'dns_search',
  'domainname', 'entrypoint', 'expose', 'extra_hosts', 'group_add', 'hostname', 'init', 'ipc', 'links', 'logging', 'memswap_limit',
  'network_mode', 'pid', 'platform', 'post_start', 'pre_stop', 'privileged', 'pull_policy', 'read_only', 'security_opt',
  'shm_size', 'stdin_open', 'sysctls', 'tmpfs', 'tty', 'ulimits', 'user',
  // files
  'configs', 'configs.ownership', 'configs.mode', 'secrets.target', 'secrets.ownership', 'secrets.mode',
  // mounts
  'volumes.anonymous', 'volumes.tmpfs', 'volumes.bind.create_host_path', 'volumes.bind.propagation', 'volumes.bind.selinux',
  'volumes.volume.nocopy', 'volumes.volume.subpath', 'volumes.consistency',
  // networks of a service
  'networks.aliases', 'networks.ipv4_address', 'networks.ipv6_address', 'networks.mac_address', 'networks.link_local_ips',
  // ports
  'ports.mode.ingress',
  // a healthcheck without `test`: the image's HEALTHCHECK test, with the file's timing
  'healthcheck.image_test',
  // deploy
  'deploy.mode', 'deploy.placement', 'deploy.update_config', 'deploy.rollback_config', 'deploy.restart_policy',
  'deploy.endpoint_mode', 'deploy.labels', 'deploy.resources.limits.cpus', 'deploy.resources.limits.memory',
  'deploy.resources.limits.pids', 'deploy.resources.reservations',
  // build
  'build.dockerfile_inline', 'build.labels', 'build.cache_from', 'build.cache_to', 'build.tags', 'build.platforms', 'build.network',
  'build.shm_size', 'build.no_cache', 'build.pull', 'build.privileged', 'build.extra_hosts', 'build.secrets', 'build.ssh',
  'build.additional_contexts',
  // top level
  'network.internal', 'network.attachable', 'network.enable_ipv6', 'network.enable_ipv4', 'network.ipam', 'network.driver_opts',
  'volume.driver_opts', 'secret.environment', 'secret.external', 'config.content', 'config.environment', 'config.external',
] as const;

/**
 * One Compose field that a runtime may or may not honour (see {@link COMPOSE_FIELDS}).
 *
 * @example
 * ```ts
 * const field: ComposeField = 'cap_add';
 * runtime.capabilities.has(`field:${field}`);
 * ```
 */
export type ComposeField = (typeof COMPOSE_FIELDS)[number];

const CONTAINER_FIELDS = COMPOSE_FIELDS.slice(0, COMPOSE_FIELDS.indexOf('configs')) as readonly (ComposeField & keyof ServiceSpec)[];
const BUILD_FIELDS = COMPOSE_FIELDS.filter((f) => f.startsWith('build.'));

function present(value: unknown): boolean {
  if (value === undefined || value === false) return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object' && value !== null) return Object.keys(value).length > 0;
  return true;
}

/**
 * The {@link ComposeField}s a service uses, in the order of {@link COMPOSE_FIELDS}. A field at its
 * default (`init: false`, an empty list) is not "used".
 *
 * @example
 * ```ts
 * serviceFieldsInUse(project.toJSON().services.api); // ['cap_drop', 'networks.aliases']
 * ```
 */
export function serviceFieldsInUse(spec: ServiceSpec): ComposeField[] {
  const used = new Set<ComposeField>();
  for (const field of CONTAINER_FIELDS) if (present(spec[field])) used.add(field);
  for (const [list, prefix] of [[spec.configs ?? [], 'configs'], [spec.secrets, 'secrets']] as const) {
    if (prefix === 'configs' && list.length > 0) used.add('configs');
    for (const ref of list) {
      if (prefix === 'secrets' && ref.target !== undefined) used.add('secrets.target');
      if (ref.uid !== undefined || ref.gid !== undefined) used.add(`${prefix}.ownership`);
      if (ref.mode !== undefined) used.add(`${prefix}.mode`);
    }
  }
  for (const mount of spec.volumes) {
    if (mount.type === 'tmpfs') used.add('volumes.tmpfs');
    else if (mount.type === 'volume' && mount.source === '') used.add('volumes.anonymous');
    if (mount.bind?.create_host_path !== undefined) used.add('volumes.bind.create_host_path');
    if (mount.bind?.propagation !== undefined) used.add('volumes.bind.propagation');
    if (mount.bind?.selinux !== undefined) used.add('volumes.bind.selinux');
    if (mount.volume?.nocopy) used.add('volumes.volume.nocopy');
    if (mount.volume?.subpath !== undefined) used.add('volumes.volume.subpath');
    if (mount.consistency !== undefined) used.add('volumes.consistency');
  }
  for (const settings of Object.values(spec.networks)) {
    if (present(settings.aliases)) used.add('networks.aliases');
    if (settings.ipv4_address !== undefined) used.add('networks.ipv4_address');
    if (settings.ipv6_address !== undefined) used.add('networks.ipv6_address');
    if (settings.mac_address !== undefined) used.add('networks.mac_address');
    if (present(settings.link_local_ips)) used.add('networks.link_local_ips');
  }
  if (spec.ports.some((p) => p.mode === 'ingress')) used.add('ports.mode.ingress');
  if (spec.healthcheck !== undefined && !spec.healthcheck.disable && spec.healthcheck.test === undefined) used.add('healthcheck.image_test');
  const { deploy } = spec;
  if (deploy.mode !== undefined && deploy.mode !== 'replicated') used.add('deploy.mode');
  for (const key of ['placement', 'update_config', 'rollback_config', 'restart_policy', 'endpoint_mode', 'labels'] as const)
    if (present(deploy[key])) used.add(`deploy.${key}`);
  const limits = deploy.resources?.limits;
  if (limits?.cpus !== undefined) used.add('deploy.resources.limits.cpus');
  if (limits?.memory !== undefined) used.add('deploy.resources.limits.memory');
  if (limits?.pids !== undefined) used.add('deploy.resources.limits.pids');
  if (present(deploy.resources?.reservations)) used.add('deploy.resources.reservations');
  if (spec.build !== undefined)
    for (const field of BUILD_FIELDS) if (present(spec.build[field.slice('build.'.length) as keyof typeof spec.build])) used.add(field);
  return COMPOSE_FIELDS.filter((f) => used.has(f));
}

/**
 * The top-level {@link ComposeField}s used by the networks, volumes, secrets and configs that
 * `services` use, with the resource each comes from.
 *
 * @example
 * ```ts
 * projectFieldsInUse(spec, ['api']); // [{ field: 'network.internal', resource: 'back' }]
 * ```
 */
export function projectFieldsInUse(spec: ProjectSpec, services: readonly string[]): { field: ComposeField; resource: string }[] {
  const out: { field: ComposeField; resource: string }[] = [];
  const networks = new Set<string>();
  const volumes = new Set<string>();
  const secrets = new Set<string>();
  const configs = new Set<string>();
  for (const name of services) {
    const service = spec.services[name];
    if (service === undefined) continue;
    for (const network in service.networks) networks.add(network);
    for (const mount of service.volumes) if (mount.type === 'volume' && mount.source !== '') volumes.add(mount.source);
    for (const ref of service.secrets) secrets.add(ref.source);
    for (const value of Object.values(service.environment)) if (typeof value === 'object') secrets.add(value.secret);
    for (const ref of service.configs ?? []) configs.add(ref.source);
  }
  for (const name of [...networks].sort()) {
    const network = spec.networks[name];
    if (network === undefined || network.external) continue;
    for (const key of ['internal', 'attachable', 'enable_ipv6'] as const) if (network[key] === true) out.push({ field: `network.${key}`, resource: name });
    if (network.enable_ipv4 === false) out.push({ field: 'network.enable_ipv4', resource: name });
    if (network.ipam !== undefined && (network.ipam.config.length > 0 || network.ipam.driver !== undefined || present(network.ipam.options)))
      out.push({ field: 'network.ipam', resource: name });
    if (present(network.driver_opts)) out.push({ field: 'network.driver_opts', resource: name });
  }
  for (const name of [...volumes].sort()) {
    const volume = spec.volumes[name];
    if (volume !== undefined && !volume.external && present(volume.driver_opts)) out.push({ field: 'volume.driver_opts', resource: name });
  }
  for (const name of [...secrets].sort()) {
    const secret = spec.secrets[name];
    if (secret?.environment !== undefined) out.push({ field: 'secret.environment', resource: name });
    if (secret?.external === true) out.push({ field: 'secret.external', resource: name });
  }
  for (const name of [...configs].sort()) {
    const config = spec.configs[name];
    if (config?.content !== undefined) out.push({ field: 'config.content', resource: name });
    if (config?.environment !== undefined) out.push({ field: 'config.environment', resource: name });
    if (config?.external === true) out.push({ field: 'config.external', resource: name });
  }
  return out;
}
