import { InvalidArgumentError, LABEL_CONFIG_HASH, LABEL_PROJECT, LABEL_REPLICA, LABEL_SERVICE } from '@selur/compose';
import type { ContainerRequest, HealthcheckSpec, RestartPolicy, ServiceSpec, VolumeMountSpec } from '@selur/compose';
import type { ContainerCreateBody, EngineEndpoint, EngineHealthConfig, EngineMount, PortBinding } from './engine-types.js';
import { secretAndConfigFiles } from './files.js';
import { durationMs, memoryBytes, msToNs } from './units.js';

/** Maps a compose restart policy to Docker's. @internal */
export function restartPolicy(policy: RestartPolicy): { Name: string; MaximumRetryCount?: number } {
  if (policy === 'always' || policy === 'unless-stopped' || policy === 'no') return { Name: policy };
  if (policy === 'on-failure') return { Name: 'on-failure', MaximumRetryCount: 0 };
  const max = Number(policy.slice('on-failure:'.length));
  return { Name: 'on-failure', MaximumRetryCount: Number.isFinite(max) ? max : 0 };
}

/** The healthcheck test in Docker's argv form: a string becomes `CMD-SHELL`. @internal */
export function healthTest(test: string | readonly string[]): string[] {
  if (typeof test === 'string') return ['CMD-SHELL', test];
  const [first] = test;
  if (first === 'CMD' || first === 'CMD-SHELL' || first === 'NONE') return [...test];
  return ['CMD', ...test];
}

/** Docker's defaults, which the Project holds when the file says nothing (see healthConfig). */
const HEALTH_DEFAULT_NS = { Interval: 30e9, Timeout: 30e9, Retries: 3, StartPeriod: 0 } as const;

/**
 * Maps a healthcheck (durations to ns). Without `test`, `Test` is empty: the engine merges the
 * image's HEALTHCHECK into the container's config at create (its test, and each of interval,
 * timeout, retries and start period sent as 0), as Docker Compose does. A value at Docker's
 * default is then sent as 0, so that the image's own value stays, as when the file leaves it out
 * (the Project cannot tell `interval: 30s` written from the default). @internal
 */
export function healthConfig(health: HealthcheckSpec | undefined): EngineHealthConfig | undefined {
  if (health === undefined) return undefined;
  if (health.disable) return { Test: ['NONE'] };
  const config = {
    Interval: msToNs(durationMs(health.interval, 'healthcheck.interval')),
    Timeout: msToNs(durationMs(health.timeout, 'healthcheck.timeout')),
    Retries: health.retries,
    StartPeriod: msToNs(durationMs(health.start_period, 'healthcheck.start_period')),
  };
  if (health.test !== undefined) return { Test: healthTest(health.test), ...config };
  const inherit = (key: keyof typeof config) => (config[key] === HEALTH_DEFAULT_NS[key] ? 0 : config[key]);
  return { Test: [], Interval: inherit('Interval'), Timeout: inherit('Timeout'), Retries: inherit('Retries'), StartPeriod: inherit('StartPeriod') };
}

/** Options that shape the body beyond the request. @internal */
export interface BodyOptions {
  /** Default host address ports bind on. */
  readonly publishHost: string;
  /** Run an init process as PID 1 (unless the service says `init: false`). */
  readonly init?: boolean | undefined;
}

/**
 * A namespace mode (`network_mode`, `pid`, `ipc`): `service:NAME` becomes the first replica of
 * that service in the project (`container:<project>_NAME_1`), anything else is passed as is. @internal
 */
export function namespaceMode(value: string, project: string): string {
  return value.startsWith('service:') ? `container:${project}_${value.slice('service:'.length)}_1` : value;
}

/** `expose` entries (`"80"`, `"8000-8002/udp"`) → `ExposedPorts` keys, one per port. @internal */
export function exposedPortKeys(expose: readonly string[]): string[] {
  const keys: string[] = [];
  for (const entry of expose) {
    const [ports = '', protocol = 'tcp'] = entry.split('/');
    const [from, to = from] = ports.split('-').map(Number) as [number, number?];
    if (!Number.isInteger(from) || !Number.isInteger(to) || to < from || to - from >= 65536) {
      throw new InvalidArgumentError(`expose: '${entry}' is not a port or a port range`, { field: 'expose' });
    }
    for (let port = from; port <= to; port++) keys.push(`${port}/${protocol}`);
  }
  return keys;
}

/** A `devices` entry `HOST[:CONTAINER[:PERMISSIONS]]`. @internal */
export function deviceMapping(entry: string): { PathOnHost: string; PathInContainer: string; CgroupPermissions: string } {
  const [host = '', container, permissions] = entry.split(':');
  if (host === '' || entry.includes('=')) {
    throw new InvalidArgumentError(`devices: '${entry}' is not HOST[:CONTAINER[:PERMISSIONS]] (CDI device names need a newer Engine API)`, { field: 'devices' });
  }
  return { PathOnHost: host, PathInContainer: container || host, CgroupPermissions: permissions || 'rwm' };
}

/** `tmpfs` entries `PATH[:OPTIONS]` → `HostConfig.Tmpfs`. @internal */
export function tmpfsMap(entries: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of entries) {
    const cut = entry.indexOf(':');
    out[cut === -1 ? entry : entry.slice(0, cut)] = cut === -1 ? '' : entry.slice(cut + 1);
  }
  return out;
}

/**
 * One network attachment: the service name and its `aliases`, its fixed `ipv4_address`,
 * `ipv6_address` and `link_local_ips`. @internal
 */
export function endpointConfig(request: ContainerRequest, network: string): EngineEndpoint {
  const settings = request.networkSettings[network];
  const aliases = [request.service];
  for (const alias of settings?.aliases ?? []) if (!aliases.includes(alias)) aliases.push(alias);
  const endpoint: EngineEndpoint = { Aliases: aliases };
  const ipam: NonNullable<EngineEndpoint['IPAMConfig']> = {};
  if (settings?.ipv4_address !== undefined) ipam.IPv4Address = settings.ipv4_address;
  if (settings?.ipv6_address !== undefined) ipam.IPv6Address = settings.ipv6_address;
  if (settings?.link_local_ips !== undefined && settings.link_local_ips.length > 0) ipam.LinkLocalIPs = [...settings.link_local_ips];
  if (Object.keys(ipam).length > 0) endpoint.IPAMConfig = ipam;
  return endpoint;
}

function bindString(request: ContainerRequest, mount: ContainerRequest['mounts'][number], options: VolumeMountSpec | undefined): string {
  if (mount.source.includes(':') || mount.target.includes(':')) {
    throw new InvalidArgumentError(`service '${request.service}': a bind mount with create_host_path or selinux cannot have ':' in its paths (${mount.source} → ${mount.target})`, {
      service: request.service,
      field: 'volumes',
    });
  }
  const flags = [mount.readOnly ? 'ro' : 'rw'];
  if (options?.bind?.selinux !== undefined) flags.push(options.bind.selinux);
  if (options?.bind?.propagation !== undefined) flags.push(options.bind.propagation);
  return `${mount.source}:${mount.target}:${flags.join(',')}`;
}

/**
 * The request's mounts: `volumes` (with their bind, volume and tmpfs options, found in the same
 * entry of `spec.volumes`), then secrets and configs that are bind-mounted. A bind mount that
 * asks the engine to create its source or to relabel it (SELinux) is a legacy `Binds` string:
 * the `Mounts` API does neither. @internal
 */
export function mountsOf(request: ContainerRequest): { mounts: EngineMount[]; binds: string[] } {
  const mounts: EngineMount[] = [];
  const binds: string[] = [];
  request.mounts.forEach((m, i) => {
    const candidate = request.spec.volumes[i];
    const options = candidate !== undefined && candidate.target === m.target ? candidate : undefined;
    if (m.type === 'bind' && (options?.bind?.create_host_path === true || options?.bind?.selinux !== undefined)) {
      binds.push(bindString(request, m, options));
      return;
    }
    const mount: EngineMount = { Type: m.type, Source: m.type === 'tmpfs' ? '' : m.source, Target: m.target, ReadOnly: m.readOnly };
    if (options?.consistency !== undefined) mount.Consistency = options.consistency;
    if (m.type === 'bind' && options?.bind?.propagation !== undefined) mount.BindOptions = { Propagation: options.bind.propagation };
    if (m.type === 'volume' && options?.volume?.nocopy === true) mount.VolumeOptions = { NoCopy: true };
    if (m.type === 'tmpfs' && options?.tmpfs !== undefined) {
      const tmpfs: NonNullable<EngineMount['TmpfsOptions']> = {};
      if (options.tmpfs.size !== undefined) tmpfs.SizeBytes = options.tmpfs.size;
      if (options.tmpfs.mode !== undefined) tmpfs.Mode = options.tmpfs.mode;
      if (Object.keys(tmpfs).length > 0) mount.TmpfsOptions = tmpfs;
    }
    mounts.push(mount);
  });
  mounts.push(...secretAndConfigFiles(request).mounts);
  return { mounts, binds };
}

/** The container-level Compose fields (capabilities, namespaces, limits, DNS, …) into the body. */
function applyContainerFields(body: ContainerCreateBody, spec: ServiceSpec, project: string): void {
  const host = body.HostConfig;
  if (spec.entrypoint !== undefined) body.Entrypoint = [...spec.entrypoint];
  if (spec.hostname !== undefined) body.Hostname = spec.hostname;
  if (spec.domainname !== undefined) body.Domainname = spec.domainname;
  if (spec.tty === true) body.Tty = true;
  if (spec.stdin_open === true) body.OpenStdin = true;
  if (spec.cap_add !== undefined && spec.cap_add.length > 0) host.CapAdd = [...spec.cap_add];
  if (spec.cap_drop !== undefined && spec.cap_drop.length > 0) host.CapDrop = [...spec.cap_drop];
  if (spec.privileged === true) host.Privileged = true;
  if (spec.security_opt !== undefined && spec.security_opt.length > 0) host.SecurityOpt = [...spec.security_opt];
  if (spec.sysctls !== undefined && Object.keys(spec.sysctls).length > 0) host.Sysctls = { ...spec.sysctls };
  if (spec.ulimits !== undefined && Object.keys(spec.ulimits).length > 0) {
    host.Ulimits = Object.entries(spec.ulimits).map(([Name, limit]) => ({ Name, Soft: limit.soft, Hard: limit.hard }));
  }
  if (spec.tmpfs !== undefined && spec.tmpfs.length > 0) host.Tmpfs = tmpfsMap(spec.tmpfs);
  if (spec.shm_size !== undefined) host.ShmSize = memoryBytes(spec.shm_size, 'shm_size');
  if (spec.memswap_limit !== undefined) host.MemorySwap = spec.memswap_limit === '-1' ? -1 : memoryBytes(spec.memswap_limit, 'memswap_limit');
  if (spec.cpu_shares !== undefined) host.CpuShares = spec.cpu_shares;
  if (spec.extra_hosts !== undefined) {
    const entries = Object.entries(spec.extra_hosts).flatMap(([name, addresses]) => addresses.map((address) => `${name}:${address}`));
    if (entries.length > 0) host.ExtraHosts = entries;
  }
  if (spec.dns !== undefined && spec.dns.length > 0) host.Dns = [...spec.dns];
  if (spec.dns_search !== undefined && spec.dns_search.length > 0) host.DnsSearch = [...spec.dns_search];
  if (spec.dns_opt !== undefined && spec.dns_opt.length > 0) host.DnsOptions = [...spec.dns_opt];
  if (spec.devices !== undefined && spec.devices.length > 0) host.Devices = spec.devices.map(deviceMapping);
  if (spec.pid !== undefined) host.PidMode = namespaceMode(spec.pid, project);
  if (spec.ipc !== undefined) host.IpcMode = namespaceMode(spec.ipc, project);
  if (spec.logging !== undefined) host.LogConfig = { Type: spec.logging.driver ?? '', Config: { ...spec.logging.options } };
}

/** Builds the `POST /containers/create` body for one replica. Pure. @internal */
export function containerCreateBody(request: ContainerRequest, options: BodyOptions): ContainerCreateBody {
  const { spec } = request;
  const exposed: Record<string, Record<string, never>> = {};
  const bindings: Record<string, PortBinding[]> = {};
  for (const port of spec.ports) {
    const key = `${port.target}/${port.protocol}`;
    exposed[key] = {};
    const binding = { HostIp: port.host_ip ?? options.publishHost, HostPort: port.published ? String(port.published) : '' };
    (bindings[key] ??= []).push(binding);
  }
  for (const key of exposedPortKeys(spec.expose ?? [])) exposed[key] = {};
  const { mounts, binds } = mountsOf(request);
  const labels: Record<string, string> = {
    ...spec.labels,
    ...request.labels,
    [LABEL_PROJECT]: request.project,
    [LABEL_SERVICE]: request.service,
    [LABEL_REPLICA]: String(request.replica),
    [LABEL_CONFIG_HASH]: request.configHash,
  };
  const limits = spec.deploy.resources?.limits;
  const reservations = spec.deploy.resources?.reservations;
  const [firstNetwork] = request.networks;
  const body: ContainerCreateBody = {
    Image: spec.image,
    Env: Object.entries(request.environment).map(([key, value]) => `${key}=${value}`),
    Labels: labels,
    ExposedPorts: exposed,
    Tty: false,
    OpenStdin: false,
    AttachStdout: false,
    AttachStderr: false,
    HostConfig: {
      PortBindings: bindings,
      RestartPolicy: restartPolicy(spec.restart),
      Mounts: mounts,
      ReadonlyRootfs: spec.read_only,
    },
  };
  if (binds.length > 0) body.HostConfig.Binds = binds;
  const init = spec.init ?? options.init;
  if (init === true) body.HostConfig.Init = true;
  else if (spec.init === false) body.HostConfig.Init = false;
  if (spec.command !== undefined) body.Cmd = [...spec.command];
  if (spec.working_dir !== undefined) body.WorkingDir = spec.working_dir;
  if (spec.user !== undefined) body.User = spec.user;
  if (spec.stop_signal) body.StopSignal = spec.stop_signal;
  if (spec.stop_grace_period) body.StopTimeout = Math.ceil(durationMs(spec.stop_grace_period, 'stop_grace_period') / 1000);
  const health = healthConfig(spec.healthcheck);
  if (health !== undefined) body.Healthcheck = health;
  if (limits?.memory !== undefined) body.HostConfig.Memory = memoryBytes(limits.memory, 'deploy.resources.limits.memory');
  if (limits?.cpus !== undefined) body.HostConfig.NanoCpus = Math.round(limits.cpus * 1e9);
  if (limits?.pids !== undefined) body.HostConfig.PidsLimit = limits.pids;
  if (reservations?.memory !== undefined) body.HostConfig.MemoryReservation = memoryBytes(reservations.memory, 'deploy.resources.reservations.memory');
  applyContainerFields(body, spec, request.project);
  if (spec.network_mode !== undefined) {
    // `none`, `host`, `bridge`, `container:ID`, `service:NAME`: no network of the project is joined.
    body.HostConfig.NetworkMode = namespaceMode(spec.network_mode, request.project);
  } else if (firstNetwork !== undefined) {
    body.HostConfig.NetworkMode = firstNetwork;
    body.NetworkingConfig = { EndpointsConfig: { [firstNetwork]: endpointConfig(request, firstNetwork) } };
  }
  return body;
}

/**
 * The networks joined after create (API 1.41 takes one network in the create body): every
 * network but the first, in the request's order (highest `priority` first), each with its
 * endpoint settings; none under `network_mode`. @internal
 */
export function laterNetworks(request: ContainerRequest): { network: string; endpoint: EngineEndpoint }[] {
  if (request.spec.network_mode !== undefined) return [];
  return request.networks.slice(1).map((network) => ({ network, endpoint: endpointConfig(request, network) }));
}

/** The container's name: `container_name` when the service sets one (a single replica), else `<project>_<service>_<replica>`. @internal */
export function containerNameOf(request: ContainerRequest): string {
  const fixed = request.spec.container_name;
  if (fixed === undefined) return request.name;
  if (request.replica !== 1) {
    throw new InvalidArgumentError(`service '${request.service}' sets container_name '${fixed}', so it cannot have more than one replica`, {
      service: request.service,
      field: 'container_name',
    });
  }
  return fixed;
}
