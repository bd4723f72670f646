import type { ServiceSpec, VolumeMountSpec } from '@selur/compose';
import type { V1Capabilities, V1HostAlias, V1PodDNSConfig, V1PodSecurityContext, V1SecurityContext, V1Volume, V1VolumeMount } from '@kubernetes/client-node';
import { memoryQuantity } from './units.js';

/** @internal Refuses one field of the service (a path below `services.NAME.`) with a reason. */
export type Refuse = (field: string, reason: string) => void;

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** @internal True when `key` is a valid Kubernetes label / annotation key (`[prefix/]name`). */
export function qualifiedKey(key: string): boolean {
  const parts = key.split('/');
  if (parts.length > 2) return false;
  const name = parts.at(-1) as string;
  const prefix = parts.length === 2 ? (parts[0] as string) : undefined;
  return name.length <= 63 && LABEL_NAME.test(name) && (prefix === undefined || (prefix.length <= 253 && DNS_SUBDOMAIN.test(prefix)));
}

/** @internal A Linux capability as Kubernetes names it: `CAP_NET_ADMIN` / `net_admin` → `NET_ADMIN`. */
export function capabilityName(name: string): string {
  return name.trim().toUpperCase().replace(/^CAP_/, '');
}

/**
 * @internal The container's and the pod's security contexts: `user` (numeric `UID[:GID]`),
 * `read_only`, `privileged`, `cap_add` / `cap_drop`, and, at pod level in Kubernetes, `sysctls` and
 * `group_add` (numeric gids → `supplementalGroups`; a group name is refused: a pod has no /etc/group
 * of the image to read it from).
 */
export function securityContexts(s: ServiceSpec, no: Refuse): { container?: V1SecurityContext; pod?: V1PodSecurityContext } {
  const container: V1SecurityContext = {};
  if (s.user !== undefined) {
    const m = /^(\d+)(?::(\d+))?$/.exec(s.user);
    if (m) {
      container.runAsUser = Number(m[1]);
      if (m[2] !== undefined) container.runAsGroup = Number(m[2]);
    } else no('user', `'${s.user}' is a name; Kubernetes runs as a numeric uid[:gid] only`);
  }
  if (s.read_only) container.readOnlyRootFilesystem = true;
  if (s.privileged === true) container.privileged = true;
  const capabilities: V1Capabilities = {};
  if (s.cap_add && s.cap_add.length > 0) capabilities.add = [...new Set(s.cap_add.map(capabilityName))];
  if (s.cap_drop && s.cap_drop.length > 0) capabilities.drop = [...new Set(s.cap_drop.map(capabilityName))];
  if (capabilities.add || capabilities.drop) container.capabilities = capabilities;

  const pod: V1PodSecurityContext = {};
  const sysctls = Object.entries(s.sysctls ?? {});
  if (sysctls.length > 0) pod.sysctls = sysctls.map(([name, value]) => ({ name, value: String(value) }));
  const groups = s.group_add ?? [];
  const named = groups.filter((g) => !/^\d+$/.test(g));
  if (named.length > 0) no('group_add', `${named.map((g) => `'${g}'`).join(', ')} ${named.length === 1 ? 'is a name' : 'are names'}; Kubernetes adds numeric supplemental groups only`);
  else if (groups.length > 0) pod.supplementalGroups = [...new Set(groups.map(Number))];
  return {
    ...(Object.keys(container).length > 0 ? { container } : {}),
    ...(Object.keys(pod).length > 0 ? { pod } : {}),
  };
}

/**
 * @internal `hostname`, `extra_hosts` (→ `hostAliases`) and `dns` / `dns_search` / `dns_opt`
 * (→ `dnsConfig`; `dnsPolicy: None` only when name servers are given, else the cluster's DNS stays
 * and the searches and options are added to it).
 */
export function podNaming(s: ServiceSpec, no: Refuse): { hostname?: string; hostAliases?: V1HostAlias[]; dnsPolicy?: string; dnsConfig?: V1PodDNSConfig } {
  const out: { hostname?: string; hostAliases?: V1HostAlias[]; dnsPolicy?: string; dnsConfig?: V1PodDNSConfig } = {};
  if (s.hostname !== undefined) {
    if (DNS_LABEL.test(s.hostname) && s.hostname.length <= 63) out.hostname = s.hostname;
    else no('hostname', `'${s.hostname}' is not an RFC 1123 label; a pod's hostname is one label (lowercase letters, digits, '-')`);
  }
  const aliases = new Map<string, string[]>();
  for (const [host, addresses] of Object.entries(s.extra_hosts ?? {})) {
    for (const address of addresses) {
      if (address === 'host-gateway') {
        no(`extra_hosts.${host}`, "'host-gateway' is Docker's address of the host; a pod has no such address");
        continue;
      }
      aliases.set(address, [...(aliases.get(address) ?? []), host]);
    }
  }
  if (aliases.size > 0) out.hostAliases = [...aliases].map(([ip, hostnames]) => ({ ip, hostnames }));
  const dnsConfig: V1PodDNSConfig = {};
  if (s.dns && s.dns.length > 0) {
    if (s.dns.length > 3) no('dns', `Kubernetes allows at most 3 name servers (${s.dns.length} given)`);
    else {
      dnsConfig.nameservers = [...s.dns];
      out.dnsPolicy = 'None';
    }
  }
  if (s.dns_search && s.dns_search.length > 0) dnsConfig.searches = [...s.dns_search];
  if (s.dns_opt && s.dns_opt.length > 0)
    dnsConfig.options = s.dns_opt.map((option) => {
      const at = option.indexOf(':');
      return at < 0 ? { name: option } : { name: option.slice(0, at), value: option.slice(at + 1) };
    });
  if (Object.keys(dnsConfig).length > 0) out.dnsConfig = dnsConfig;
  return out;
}

const WORLD_WRITABLE = new Set([0o777, 0o1777]);

function emptyDirMemory(name: string, size: number | string | undefined): V1Volume {
  const sizeLimit = size === undefined ? undefined : typeof size === 'number' ? memoryQuantity(String(size)) : memoryQuantity(size);
  return { name, emptyDir: { medium: 'Memory', ...(sizeLimit !== undefined ? { sizeLimit } : {}) } };
}

/**
 * @internal Memory file systems as `emptyDir` volumes with `medium: Memory` (and `sizeLimit`):
 * the `tmpfs` field (`PATH[:size=…,mode=…]`), `volumes` of type `tmpfs`, and `shm_size` (at
 * `/dev/shm`). An emptyDir is world-writable (0777): a `mode` other than 0777 / 1777, and other
 * mount options (`uid`, `noexec`, …), have no equivalent and are refused.
 */
export function memoryVolumes(s: ServiceSpec, no: Refuse): { volumes: V1Volume[]; mounts: V1VolumeMount[] } {
  const volumes: V1Volume[] = [];
  const mounts: V1VolumeMount[] = [];
  const add = (field: string, target: string, size: number | string | undefined, readOnly: boolean) => {
    if (mounts.some((m) => m.mountPath === target)) {
      no(field, `${target} is mounted twice`);
      return;
    }
    let volume: V1Volume;
    try {
      volume = emptyDirMemory(`tmpfs-${volumes.length}`, size);
    } catch {
      no(field, `size '${String(size)}' is not a memory size`);
      return;
    }
    volumes.push(volume);
    mounts.push({ name: volume.name, mountPath: target, ...(readOnly ? { readOnly: true } : {}) });
  };
  for (const [index, entry] of (s.tmpfs ?? []).entries()) {
    const at = entry.indexOf(':');
    const target = at < 0 ? entry : entry.slice(0, at);
    let size: string | undefined;
    let ok = true;
    for (const option of at < 0 ? [] : entry.slice(at + 1).split(',').filter(Boolean)) {
      const [key, value = ''] = option.split('=');
      if (key === 'size') size = value;
      else if (key === 'mode' && WORLD_WRITABLE.has(Number.parseInt(value, 8))) continue;
      else {
        no(`tmpfs[${index}]`, `option '${option}' has no emptyDir equivalent (an emptyDir in memory takes a size only, and is mode 0777)`);
        ok = false;
      }
    }
    if (ok) add(`tmpfs[${index}]`, target, size, false);
  }
  for (const [index, mount] of s.volumes.entries()) {
    if (mount.type !== 'tmpfs') continue;
    const mode = (mount as VolumeMountSpec).tmpfs?.mode;
    if (mode !== undefined && !WORLD_WRITABLE.has(mode)) {
      no(`volumes[${index}].tmpfs.mode`, `mode 0${mode.toString(8)} has no emptyDir equivalent (an emptyDir is mode 0777)`);
      continue;
    }
    add(`volumes[${index}]`, mount.target, mount.tmpfs?.size, mount.read_only);
  }
  if (s.shm_size !== undefined) add('shm_size', '/dev/shm', s.shm_size, false);
  return { volumes, mounts };
}
