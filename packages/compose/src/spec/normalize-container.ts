import { isRecord, joinPath } from './issues.js';
import { isValidResourceName } from './names.js';
import {
  bool, checkKeys, compact, int, parseAt, problem, scalarString, sortRecord, str, stringList, stringRecord, type NormalizeContext,
} from './normalize-helpers.js';
import { show } from './show.js';
import type { HookSpec, LoggingSpec, ServiceFileRef, ServiceNetworkSpec, ServiceSpec, UlimitSpec, WatchSpec } from './types.js';
import { parseMemory, splitCommand } from './values.js';

type Draft = { -readonly [K in keyof ServiceSpec]: ServiceSpec[K] };

/**
 * The service fields that describe the container itself (beyond image, command, environment,
 * ports, volumes and the rest of the first format): each is optional and left out of the
 * canonical spec when not written, so adding them changed no existing config hash.
 */
export const CONTAINER_KEYS: readonly string[] = [
  'annotations', 'attach', 'cap_add', 'cap_drop', 'configs', 'container_name', 'cpu_shares', 'develop', 'devices', 'dns', 'dns_opt',
  'dns_search', 'domainname', 'entrypoint', 'expose', 'extra_hosts', 'group_add', 'hostname', 'init', 'ipc', 'links', 'logging',
  'memswap_limit', 'network_mode', 'pid', 'platform', 'post_start', 'pre_stop', 'privileged', 'pull_policy', 'security_opt',
  'shm_size', 'stdin_open', 'sysctls', 'tmpfs', 'tty', 'ulimits',
];

const STRING_FIELDS = ['container_name', 'hostname', 'domainname', 'platform', 'network_mode', 'pid', 'ipc'] as const;
const BOOLEAN_FIELDS = ['attach', 'init', 'privileged', 'stdin_open', 'tty'] as const;
const LIST_FIELDS = ['cap_add', 'cap_drop', 'dns_opt', 'security_opt', 'links'] as const;
const STRING_OR_LIST_FIELDS = ['dns', 'dns_search', 'tmpfs'] as const;
const PULL_POLICY = /^(always|never|missing|build|if_not_present|daily|weekly|every_[0-9]+[smhdw]?)$/;

/** A command given as a string (split like a shell) or an argv array; `[]` is kept (it clears). */
export function commandList(ctx: NormalizeContext, path: string, value: unknown): string[] | undefined {
  if (typeof value === 'string') return value.trim() === '' ? [] : parseAt(ctx, path, () => [...splitCommand(value, path)]);
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return [...(value as string[])];
  return problem(ctx, path, `must be an array of strings or a command string, received ${show(value)}`, 'type');
}

/** A file mode: a number (TOML `0o440`) or an octal string (`"0440"`). */
function fileMode(ctx: NormalizeContext, path: string, value: unknown): number | undefined {
  if (typeof value === 'string' && /^0?[0-7]{1,4}$/.test(value)) return Number.parseInt(value, 8);
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 0o7777) return value;
  return problem(ctx, path, `must be a file mode like 0o440 (TOML), "0440" or 288, received ${show(value)}`, 'type');
}

/**
 * A service's `secrets` or `configs`: names, or long forms `{ source, target, uid, gid, mode }`.
 * Duplicates by target (or by source without one) are refused: only one file can sit at a path.
 */
export function fileRefs(ctx: NormalizeContext, path: string, value: unknown): ServiceFileRef[] {
  if (!Array.isArray(value)) {
    problem(ctx, path, `must be an array of names or { source, target, uid, gid, mode } tables, received ${show(value)}`, 'type');
    return [];
  }
  const out: ServiceFileRef[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < value.length; i++) {
    const item: unknown = value[i];
    const at = `${path}[${i}]`;
    let ref: ServiceFileRef | undefined;
    if (typeof item === 'string') ref = { source: item };
    else if (isRecord(item)) {
      checkKeys(ctx, at, item, new Set(['source', 'target', 'uid', 'gid', 'mode']));
      const source = str(ctx, joinPath(at, 'source'), item['source'], true);
      if (source !== undefined)
        ref = compact({
          gid: item['gid'] === undefined ? undefined : scalarString(ctx, joinPath(at, 'gid'), item['gid']),
          mode: item['mode'] === undefined ? undefined : fileMode(ctx, joinPath(at, 'mode'), item['mode']),
          source,
          target: item['target'] === undefined ? undefined : str(ctx, joinPath(at, 'target'), item['target'], true),
          uid: item['uid'] === undefined ? undefined : scalarString(ctx, joinPath(at, 'uid'), item['uid']),
        });
    } else problem(ctx, at, `must be a name or a table { source, target, uid, gid, mode }, received ${show(item)}`, 'type');
    if (ref === undefined) continue;
    if (!isValidResourceName(ref.source)) {
      problem(ctx, typeof item === 'string' ? at : joinPath(at, 'source'), `'${ref.source}' is not a valid name (letters, digits, '.', '-', '_'; starting with a letter or digit)`, 'invalid-name');
      continue;
    }
    const key = ref.target ?? ref.source;
    if (seen.has(key)) {
      if (typeof item === 'string' && out.some((r) => r.source === item && r.target === undefined)) continue; // a repeated name is harmless
      problem(ctx, at, `'${key}' is used twice; each secret or config needs its own target`, 'duplicate');
      continue;
    }
    seen.add(key);
    out.push(ref);
  }
  return out;
}

/** A service's `networks`: a list of names, or a map of name → settings (or null). */
export function serviceNetworks(ctx: NormalizeContext, path: string, value: unknown): Record<string, ServiceNetworkSpec> {
  const out: Record<string, ServiceNetworkSpec> = {};
  if (Array.isArray(value)) {
    for (const name of stringList(ctx, path, value)) out[name] = {};
    return sortRecord(out);
  }
  if (!isRecord(value)) {
    problem(ctx, path, `must be an array of network names or a table { NAME = { aliases, ipv4_address, ipv6_address, priority } }, received ${show(value)}`, 'type');
    return out;
  }
  for (const name of Object.keys(value).sort()) {
    const item = value[name];
    const at = joinPath(path, name);
    if (name === '__proto__') {
      problem(ctx, at, `'${name}' is not a valid network name`, 'invalid-name');
      continue;
    }
    if (item === null || item === undefined || (isRecord(item) && Object.keys(item).length === 0)) {
      out[name] = {};
      continue;
    }
    if (!isRecord(item)) {
      problem(ctx, at, `must be a table { aliases, ipv4_address, ipv6_address, priority } or empty, received ${show(item)}`, 'type');
      continue;
    }
    checkKeys(ctx, at, item, new Set(['aliases', 'ipv4_address', 'ipv6_address', 'priority', 'mac_address', 'link_local_ips']));
    out[name] = compact({
      aliases: item['aliases'] === undefined ? undefined : stringList(ctx, joinPath(at, 'aliases'), item['aliases']),
      ipv4_address: item['ipv4_address'] === undefined ? undefined : str(ctx, joinPath(at, 'ipv4_address'), item['ipv4_address'], true),
      ipv6_address: item['ipv6_address'] === undefined ? undefined : str(ctx, joinPath(at, 'ipv6_address'), item['ipv6_address'], true),
      link_local_ips: item['link_local_ips'] === undefined ? undefined : stringList(ctx, joinPath(at, 'link_local_ips'), item['link_local_ips']),
      mac_address: item['mac_address'] === undefined ? undefined : str(ctx, joinPath(at, 'mac_address'), item['mac_address'], true),
      priority: item['priority'] === undefined ? undefined : int(ctx, joinPath(at, 'priority'), item['priority'], Number.MIN_SAFE_INTEGER),
    });
  }
  return out;
}

/** `extra_hosts`: `["host:ip", "host=ip"]` or `{ host: ip | [ip] }` → host → addresses. */
export function extraHosts(ctx: NormalizeContext, path: string, value: unknown): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const add = (at: string, host: string, address: string) => {
    if (host === '' || address === '' || host === '__proto__') return problem(ctx, at, `expected "HOST:IP" or "HOST=IP", received ${show(`${host}:${address}`)}`);
    const list = (out[host] ??= []);
    if (!list.includes(address)) list.push(address);
    return undefined;
  };
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      const at = joinPath(path, i);
      const text = str(ctx, at, item, true);
      if (text === undefined) return;
      // `=` is the unambiguous separator (IPv6 addresses contain ':'); otherwise the first ':'
      const cut = text.includes('=') ? text.indexOf('=') : text.indexOf(':');
      if (cut <= 0) problem(ctx, at, `expected "HOST:IP" or "HOST=IP", received ${show(text)}`);
      else add(at, text.slice(0, cut), text.slice(cut + 1).replace(/^\[(.*)\]$/, '$1'));
    });
    return sortRecord(out);
  }
  if (!isRecord(value)) {
    problem(ctx, path, `must be an array of "HOST:IP" strings or a table { HOST = "IP" }, received ${show(value)}`, 'type');
    return out;
  }
  for (const [host, addresses] of Object.entries(value)) {
    const at = joinPath(path, host);
    if (typeof addresses === 'string') add(at, host, addresses);
    else if (Array.isArray(addresses)) for (const address of stringList(ctx, at, addresses)) add(at, host, address);
    else problem(ctx, at, `must be an address or an array of addresses, received ${show(addresses)}`, 'type');
  }
  return sortRecord(out);
}

function ulimits(ctx: NormalizeContext, path: string, value: unknown): Record<string, UlimitSpec> {
  const out: Record<string, UlimitSpec> = {};
  if (!isRecord(value)) {
    problem(ctx, path, `must be a table { nofile = { soft = 1024, hard = 2048 }, nproc = 65535 }, received ${show(value)}`, 'type');
    return out;
  }
  for (const name of Object.keys(value).sort()) {
    const at = joinPath(path, name);
    const item = value[name];
    if (!/^[a-z]+$/.test(name)) {
      problem(ctx, at, `'${name}' is not a ulimit name (nofile, nproc, core, memlock, …)`, 'invalid-name');
      continue;
    }
    if (typeof item === 'number') {
      const n = int(ctx, at, item, -1);
      if (n !== undefined) out[name] = { hard: n, soft: n };
      continue;
    }
    if (!isRecord(item)) {
      problem(ctx, at, `must be a number or a table { soft, hard }, received ${show(item)}`, 'type');
      continue;
    }
    checkKeys(ctx, at, item, new Set(['soft', 'hard']));
    const soft = int(ctx, joinPath(at, 'soft'), item['soft'], -1);
    const hard = int(ctx, joinPath(at, 'hard'), item['hard'], -1);
    if (soft === undefined || hard === undefined) continue;
    if (hard !== -1 && (soft === -1 || soft > hard)) problem(ctx, at, `soft limit ${soft} is above the hard limit ${hard}`);
    else out[name] = { hard, soft };
  }
  return out;
}

function logging(ctx: NormalizeContext, path: string, value: unknown): LoggingSpec | undefined {
  if (!isRecord(value)) return problem(ctx, path, `must be a table { driver, options }, received ${show(value)}`, 'type');
  checkKeys(ctx, path, value, new Set(['driver', 'options']));
  return compact({
    driver: value['driver'] === undefined ? undefined : str(ctx, joinPath(path, 'driver'), value['driver'], true),
    options: value['options'] === undefined || value['options'] === null ? {} : stringRecord(ctx, joinPath(path, 'options'), value['options']),
  });
}

function hook(ctx: NormalizeContext, path: string, value: unknown): HookSpec | undefined {
  if (!isRecord(value)) return problem(ctx, path, `must be a table { command, user, privileged, working_dir, environment }, received ${show(value)}`, 'type');
  checkKeys(ctx, path, value, new Set(['command', 'user', 'privileged', 'working_dir', 'environment']));
  const command = value['command'] === undefined ? problem(ctx, joinPath(path, 'command'), 'a hook needs a command', 'missing-field') : commandList(ctx, joinPath(path, 'command'), value['command']);
  if (command === undefined) return undefined;
  if (command.length === 0) return problem(ctx, joinPath(path, 'command'), 'must not be empty');
  return compact({
    command,
    environment: value['environment'] === undefined ? {} : stringRecord(ctx, joinPath(path, 'environment'), value['environment'], true),
    privileged: value['privileged'] === undefined ? undefined : bool(ctx, joinPath(path, 'privileged'), value['privileged']),
    user: value['user'] === undefined ? undefined : str(ctx, joinPath(path, 'user'), value['user'], true),
    working_dir: value['working_dir'] === undefined ? undefined : str(ctx, joinPath(path, 'working_dir'), value['working_dir'], true),
  });
}

function hooks(ctx: NormalizeContext, path: string, value: unknown): HookSpec[] {
  if (!Array.isArray(value)) {
    problem(ctx, path, `must be an array of { command } tables, received ${show(value)}`, 'type');
    return [];
  }
  return value.flatMap((item, i) => hook(ctx, `${path}[${i}]`, item) ?? []);
}

const WATCH_ACTIONS = new Set(['rebuild', 'sync', 'restart', 'sync+restart', 'sync+exec']);

function develop(ctx: NormalizeContext, path: string, value: unknown): { watch: WatchSpec[] } | undefined {
  if (!isRecord(value)) return problem(ctx, path, `must be a table { watch }, received ${show(value)}`, 'type');
  checkKeys(ctx, path, value, new Set(['watch']));
  const raw = value['watch'] ?? [];
  const at = joinPath(path, 'watch');
  if (!Array.isArray(raw)) return problem(ctx, at, `must be an array of { path, action } tables, received ${show(raw)}`, 'type');
  const watch: WatchSpec[] = [];
  raw.forEach((item: unknown, i) => {
    const here = `${at}[${i}]`;
    if (!isRecord(item)) return problem(ctx, here, `must be a table { path, action, target, ignore }, received ${show(item)}`, 'type');
    checkKeys(ctx, here, item, new Set(['path', 'action', 'target', 'ignore', 'include', 'initial_sync', 'exec']));
    const file = str(ctx, joinPath(here, 'path'), item['path'], true);
    const action = item['action'];
    if (typeof action !== 'string' || !WATCH_ACTIONS.has(action))
      return problem(ctx, joinPath(here, 'action'), `must be one of ${[...WATCH_ACTIONS].join(', ')}, received ${show(action)}`);
    if (file === undefined) return undefined;
    watch.push(compact({
      action: action as WatchSpec['action'],
      exec: item['exec'] === undefined ? undefined : hook(ctx, joinPath(here, 'exec'), item['exec']),
      ignore: item['ignore'] === undefined ? undefined : stringList(ctx, joinPath(here, 'ignore'), item['ignore']),
      include: item['include'] === undefined ? undefined : stringList(ctx, joinPath(here, 'include'), item['include']),
      initial_sync: item['initial_sync'] === undefined ? undefined : bool(ctx, joinPath(here, 'initial_sync'), item['initial_sync']),
      path: file,
      target: item['target'] === undefined ? undefined : str(ctx, joinPath(here, 'target'), item['target'], true),
    }));
    return undefined;
  });
  return { watch };
}

function devices(ctx: NormalizeContext, path: string, value: unknown): string[] {
  if (!Array.isArray(value)) {
    problem(ctx, path, `must be an array of "HOST[:CONTAINER[:PERMISSIONS]]" strings, received ${show(value)}`, 'type');
    return [];
  }
  const out: string[] = [];
  value.forEach((item: unknown, i) => {
    const at = `${path}[${i}]`;
    if (typeof item === 'string' && item.trim() !== '') out.push(item);
    else if (isRecord(item)) {
      checkKeys(ctx, at, item, new Set(['source', 'target', 'permissions']));
      const source = str(ctx, joinPath(at, 'source'), item['source'], true);
      const target = item['target'] === undefined ? source : str(ctx, joinPath(at, 'target'), item['target'], true);
      const permissions = item['permissions'] === undefined ? undefined : str(ctx, joinPath(at, 'permissions'), item['permissions'], true);
      if (source !== undefined && target !== undefined) out.push([source, target, ...(permissions ? [permissions] : [])].join(':'));
    } else problem(ctx, at, `must be "HOST[:CONTAINER[:PERMISSIONS]]" or { source, target, permissions }, received ${show(item)}`, 'type');
  });
  return out;
}

function expose(ctx: NormalizeContext, path: string, value: unknown): string[] {
  if (!Array.isArray(value)) {
    problem(ctx, path, `must be an array of ports like "80" or "8000-8010/udp", received ${show(value)}`, 'type');
    return [];
  }
  const out: string[] = [];
  value.forEach((item: unknown, i) => {
    const text = typeof item === 'number' ? String(item) : item;
    if (typeof text === 'string' && /^[0-9]{1,5}(-[0-9]{1,5})?(\/(tcp|udp|sctp))?$/.test(text)) {
      if (!out.includes(text)) out.push(text);
    } else problem(ctx, `${path}[${i}]`, `must be a port like 80, "80" or "8000-8010/udp", received ${show(item)}`);
  });
  return out;
}

/**
 * Normalises the container fields ({@link CONTAINER_KEYS}) of one service table into `spec`.
 * Absent fields stay absent.
 */
function set<K extends keyof Draft>(spec: Draft, key: K, value: Draft[K] | undefined): void {
  if (value !== undefined) spec[key] = value;
}

function nonEmpty<T>(list: T[]): T[] | undefined {
  return list.length > 0 ? list : undefined;
}

export function normalizeContainerFields(ctx: NormalizeContext, path: string, raw: Record<string, unknown>, spec: Draft): void {
  const at = (key: string) => `${path}.${key}`;
  for (const key of STRING_FIELDS) if (raw[key] !== undefined) set(spec, key, str(ctx, at(key), raw[key], true));
  for (const key of BOOLEAN_FIELDS) if (raw[key] !== undefined) set(spec, key, bool(ctx, at(key), raw[key]));
  // an empty list is the same as none: left out, so that a loaded project and one built in code agree
  for (const key of LIST_FIELDS) if (raw[key] !== undefined) set(spec, key, nonEmpty(stringList(ctx, at(key), raw[key])));
  for (const key of STRING_OR_LIST_FIELDS) if (raw[key] !== undefined) set(spec, key, nonEmpty(stringList(ctx, at(key), raw[key], true)));
  // group names or gids: a gid may be written as a number
  const groups = raw['group_add'];
  if (groups !== undefined) set(spec, 'group_add', nonEmpty(stringList(ctx, at('group_add'), Array.isArray(groups) ? groups.map((g: unknown) => (typeof g === 'number' && Number.isInteger(g) ? String(g) : g)) : groups)));
  if (raw['entrypoint'] !== undefined) set(spec, 'entrypoint', commandList(ctx, at('entrypoint'), raw['entrypoint']));
  if (raw['pull_policy'] !== undefined) {
    const policy = str(ctx, at('pull_policy'), raw['pull_policy'], true);
    if (policy !== undefined && !PULL_POLICY.test(policy))
      problem(ctx, at('pull_policy'), `must be always, never, missing, build, daily, weekly or every_<duration>, received ${show(policy)}`);
    else set(spec, 'pull_policy', policy);
  }
  if (raw['shm_size'] !== undefined) set(spec, 'shm_size', parseAt(ctx, at('shm_size'), () => parseMemory(raw['shm_size'], at('shm_size'))));
  if (raw['memswap_limit'] !== undefined) {
    const value = raw['memswap_limit'];
    set(spec, 'memswap_limit', value === -1 || value === '-1' ? '-1' : parseAt(ctx, at('memswap_limit'), () => parseMemory(value, at('memswap_limit'))));
  }
  if (raw['cpu_shares'] !== undefined) set(spec, 'cpu_shares', int(ctx, at('cpu_shares'), raw['cpu_shares']));
  if (raw['expose'] !== undefined) set(spec, 'expose', nonEmpty(expose(ctx, at('expose'), raw['expose'])));
  if (raw['devices'] !== undefined) set(spec, 'devices', devices(ctx, at('devices'), raw['devices']));
  if (raw['extra_hosts'] !== undefined) set(spec, 'extra_hosts', extraHosts(ctx, at('extra_hosts'), raw['extra_hosts']));
  if (raw['sysctls'] !== undefined) set(spec, 'sysctls', stringRecord(ctx, at('sysctls'), raw['sysctls'], true));
  if (raw['annotations'] !== undefined) set(spec, 'annotations', stringRecord(ctx, at('annotations'), raw['annotations'], true));
  if (raw['ulimits'] !== undefined) set(spec, 'ulimits', ulimits(ctx, at('ulimits'), raw['ulimits']));
  if (raw['logging'] !== undefined) set(spec, 'logging', logging(ctx, at('logging'), raw['logging']));
  if (raw['configs'] !== undefined) set(spec, 'configs', fileRefs(ctx, at('configs'), raw['configs']));
  if (raw['post_start'] !== undefined) set(spec, 'post_start', hooks(ctx, at('post_start'), raw['post_start']));
  if (raw['pre_stop'] !== undefined) set(spec, 'pre_stop', hooks(ctx, at('pre_stop'), raw['pre_stop']));
  if (raw['develop'] !== undefined) set(spec, 'develop', develop(ctx, at('develop'), raw['develop']));
}
