/**
 * Fields of the Compose Specification that @selur/compose does not implement (yet), by where they
 * appear. A file that uses one is refused with a message that says so, rather than as a typo, and
 * never silently loaded without it.
 */
const UNSUPPORTED: Readonly<Record<string, ReadonlySet<string>>> = {
  project: new Set(['models']),
  service: new Set([
    'blkio_config', 'cgroup', 'cgroup_parent', 'cpu_count', 'cpu_percent', 'cpu_period', 'cpu_quota', 'cpu_rt_period',
    'cpu_rt_runtime', 'cpuset', 'credential_spec', 'device_cgroup_rules', 'external_links', 'gpus', 'isolation',
    'label_file', 'mac_address', 'mem_swappiness', 'models', 'oom_kill_disable', 'oom_score_adj', 'provider', 'runtime',
    'storage_opt', 'use_api_socket', 'userns_mode', 'uts', 'volumes_from',
  ]),
  deploy: new Set([]),
  build: new Set(['entitlements', 'isolation', 'ulimits']),
  volume: new Set([]),
  network: new Set([]),
  secret: new Set([]),
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
