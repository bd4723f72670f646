/**
 * Fields of the Compose Specification that @selur/compose does not implement (yet), by where they
 * appear. A file that uses one is refused with a message that says so, rather than as a typo, and
 * never silently loaded without it.
 */
const UNSUPPORTED: Readonly<Record<string, ReadonlySet<string>>> = {
  project: new Set(['configs', 'include', 'models']),
  service: new Set([
    'annotations', 'attach', 'blkio_config', 'cap_add', 'cap_drop', 'cgroup', 'cgroup_parent', 'configs', 'container_name',
    'cpu_count', 'cpu_percent', 'cpu_period', 'cpu_quota', 'cpu_rt_period', 'cpu_rt_runtime', 'cpu_shares', 'cpus', 'cpuset',
    'credential_spec', 'develop', 'device_cgroup_rules', 'devices', 'dns', 'dns_opt', 'dns_search', 'domainname', 'driver_opts',
    'entrypoint', 'expose', 'extends', 'external_links', 'extra_hosts', 'gpus', 'group_add', 'hostname', 'init', 'ipc',
    'isolation', 'label_file', 'links', 'logging', 'mac_address', 'mem_limit', 'mem_reservation', 'mem_swappiness',
    'memswap_limit', 'models', 'network_mode', 'oom_kill_disable', 'oom_score_adj', 'pid', 'pids_limit', 'platform',
    'post_start', 'pre_stop', 'privileged', 'provider', 'pull_policy', 'runtime', 'scale', 'security_opt', 'shm_size',
    'stdin_open', 'storage_opt', 'sysctls', 'tmpfs', 'tty', 'ulimits', 'use_api_socket', 'userns_mode', 'uts',
    'volumes_from',
  ]),
  deploy: new Set(['endpoint_mode', 'labels', 'mode', 'placement', 'restart_policy', 'rollback_config', 'update_config']),
  build: new Set([
    'additional_contexts', 'cache_from', 'cache_to', 'dockerfile_inline', 'entitlements', 'extra_hosts', 'isolation', 'labels',
    'network', 'no_cache', 'platforms', 'privileged', 'pull', 'secrets', 'shm_size', 'ssh', 'tags', 'ulimits',
  ]),
  volume: new Set(['name']),
  network: new Set(['attachable', 'enable_ipv4', 'enable_ipv6', 'internal', 'name']),
  secret: new Set(['content', 'environment', 'name']),
};

function kindOf(path: string): string | undefined {
  if (path === '') return 'project';
  if (/^services\.[^.[]+$|^services\["[^\]]*"\]$/.test(path)) return 'service';
  const nested = /^services(?:\.[^.[]+|\["[^\]]*"\])\.(deploy|build)$/.exec(path);
  if (nested) return nested[1];
  const resource = /^(volumes|networks|secrets)(?:\.[^.[]+|\["[^\]]*"\])$/.exec(path);
  return resource ? (resource[1] as string).slice(0, -1) : undefined;
}

/**
 * True when `key`, found in the table at `path`, is a Compose Specification field that is not
 * supported yet (so the message says "not supported", not "unknown").
 *
 * @example
 * ```ts
 * isUnsupportedComposeField('services.api', 'entrypoint'); // true
 * isUnsupportedComposeField('services.api', 'entrypont'); // false (a typo, not a field)
 * ```
 */
export function isUnsupportedComposeField(path: string, key: string): boolean {
  const kind = kindOf(path);
  return kind !== undefined && (UNSUPPORTED[kind]?.has(key) ?? false);
}
