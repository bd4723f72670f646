import { ContainerNotFoundError, InvalidArgumentError, PortConflictError, isContainerNotFoundError, LABEL_PROJECT, LABEL_SERVICE, resolveSecretEnvironment } from '@selur/compose';
import type {
  BuildRequest,
  ComposeField,
  ContainerInfo,
  ContainerState,
  FileSync,
  ContainerRequest,
  ExecOptions,
  ExecResult,
  HookSpec,
  HostPortClaim,
  HostPortConflict,
  ListOptions,
  LogLine,
  LogOptions,
  NetworkRequest,
  ProbeResult,
  ProjectSummary,
  ResourceInfo,
  RuntimeCapability,
  StopOptions,
  VolumeRequest,
} from '@selur/compose';
import { resolveEngineAddress } from './client/docker-host.js';
import { EngineClient } from './client/engine-client.js';
import { BundleNotRunnableError } from './errors/bundle-not-runnable-error.js';
import { isDockerEngineError, type DockerEngineError } from './errors/docker-engine-error.js';
import { ImageNotFoundError } from './errors/image-not-found-error.js';
import { execInContainer } from './exec.js';
import { checkHostPorts } from './host-ports.js';
import { buildImage, pullImage, type BuildImageOptions, type BuildImageResult } from './images.js';
import { containerLogs } from './logs.js';
import { containerCreateBody, containerNameOf, laterNetworks } from './mapping/container-config.js';
import { copyFilesInto, syncIntoContainer } from './copy-files.js';
import { secretAndConfigFiles } from './mapping/files.js';
import { containerInfo, containerInfoFromSummary } from './mapping/container-info.js';
import type { ContainerCreateBody, ContainerInspect, ContainerSummary } from './mapping/engine-types.js';
import { imageAgeBase, pullPolicyOf, type PullPolicy } from './pull-policy.js';
import { LABEL_HOOKS, hooksLabel, hooksOf, runHooks } from './hooks.js';
import path from 'node:path';
import type { DockerRuntime, DockerRuntimeOptions, EngineVersion } from './options.js';
import * as resources from './resources.js';
import { waitForExit } from './wait.js';
import { labelStopSignal, signalName, stopSignalOfLabels } from './stop-signal.js';
import { pruneDanglingImages } from './prune-images.js';
import { compareNames } from './compare-names.js';
import { watchExit } from './exit-watch.js';

/**
 * The Compose fields this runtime applies (see the table in the package README). Left out, so
 * that the engine refuses them by name: what Engine API 1.41 cannot express (`annotations`,
 * `volumes.volume.subpath`, `networks.mac_address`), what the engine does not hand to runtimes
 * (inline or environment-sourced configs and secrets, external ones), `network.enable_ipv4`
 * (API 1.47), Swarm's (`deploy.*` but resources and `update_config`, which the engine carries out
 * itself as a rolling update, `ports.mode.ingress`), and what belongs to a tool around the runtime
 * (`build.*` options). `develop` is applied by `stack.watch()` through syncFiles and buildService. `pull_policy`, `platform` and `links` are applied at create (see
 * #supplyImage and #links); `post_start` and `pre_stop` run through exec after start and before
 * stop (hooks.ts); a healthcheck without `test` runs the image's.
 */
const FIELDS = [
  'post_start', 'pre_stop',
  // `stack.watch()`: syncs through the archive endpoint, rebuilds through buildService
  'develop',
  'cap_add', 'cap_drop', 'container_name', 'cpu_shares', 'devices', 'dns', 'dns_opt', 'dns_search', 'domainname', 'entrypoint',
  'expose', 'extra_hosts', 'hostname', 'init', 'ipc', 'links', 'logging', 'memswap_limit', 'network_mode', 'pid', 'platform', 'privileged', 'pull_policy',
  'read_only', 'security_opt', 'shm_size', 'stdin_open', 'sysctls', 'tmpfs', 'tty', 'ulimits', 'user',
  'configs', 'configs.ownership', 'configs.mode', 'secrets.target', 'secrets.ownership', 'secrets.mode',
  'volumes.anonymous', 'volumes.tmpfs', 'volumes.bind.create_host_path', 'volumes.bind.propagation', 'volumes.bind.selinux',
  'volumes.volume.nocopy', 'volumes.consistency',
  'networks.aliases', 'networks.ipv4_address', 'networks.ipv6_address', 'networks.link_local_ips',
  'deploy.update_config',
  'deploy.resources.limits.cpus', 'deploy.resources.limits.memory', 'deploy.resources.limits.pids', 'deploy.resources.reservations',
  'network.internal', 'network.attachable', 'network.enable_ipv6', 'network.ipam', 'network.driver_opts', 'volume.driver_opts',
  'healthcheck.image_test',
] as const satisfies readonly ComposeField[];

const CAPABILITIES: ReadonlySet<RuntimeCapability> = new Set<RuntimeCapability>([
  ...FIELDS.map((field): RuntimeCapability => `field:${field}`),
  'networks',
  'volumes',
  'ports',
  'secrets',
  'bind-mounts',
  'logs',
  'logs.follow',
  'exec',
  'exec.output',
  'exec.user',
  'exec.privileged',
  'health',
  'restart-policy',
  'replicas',
  'build',
  'pause',
]);

const PROBE_OUTPUT_LIMIT = 4096;



const is = (error: unknown, status: number): error is DockerEngineError => isDockerEngineError(error) && error.statusCode === status;

/** Parses `Bind for 127.0.0.1:8080 failed: port is already allocated` / `listen tcp4 0.0.0.0:8080: bind: address already in use`. */
function portConflict(message: string): { host?: string; port?: number } | undefined {
  if (!/port is already allocated|address already in use/i.test(message)) return undefined;
  const match = /(?:Bind for|listen tcp[46]?|listen udp[46]?)\s+\[?([0-9a-fA-F:.]*)\]?:(\d+)/.exec(message);
  return match ? { host: match[1] || undefined, port: Number(match[2]) } : {};
}

/** What probeHealth needs of a container: fixed when it was created. */
interface HealthProbe {
  readonly id: string;
  readonly container: string;
  readonly service: string | undefined;
  readonly test: readonly string[];
  readonly timeoutNs: number | undefined;
}

function healthProbeOf(inspect: ContainerInspect): HealthProbe {
  const hc = inspect.Config.Healthcheck;
  return { id: inspect.Id, container: inspect.Name.replace(/^\//, ''), service: inspect.Config.Labels?.[LABEL_SERVICE], test: hc?.Test ?? [], timeoutNs: hc?.Timeout ?? undefined };
}

/**
 * Healthcheck probes (and command waits) the engine's checks may keep running at once per core.
 * A probe is an exec through the engine (create, start, wait, inspect): measured on a 2-core
 * machine, 40 probes of `test -f` in a busybox container cost dockerd, containerd and the shims
 * ~100 ms of CPU each, about as long as each probe took, so a probe in flight keeps about one
 * core busy. The engine's default (4, for a short host process) let the probes of a few checks
 * take the CPU the engine needed to create and start the services being waited for.
 */
export const DOCKER_PROBES_PER_CORE = 1;

class DockerEngineRuntime implements DockerRuntime {
  readonly name = 'docker' as const;
  readonly capabilities = CAPABILITIES;
  /** @internal See {@link DOCKER_PROBES_PER_CORE}. */
  readonly probesPerCore = DOCKER_PROBES_PER_CORE;
  readonly host: string;
  private readonly client: EngineClient;
  /** The engine runs on this host (a unix socket): a bind test here tells whether a host process holds a port. */
  private readonly localEngine: boolean;
  private readonly publishHost: string;
  private readonly pull: boolean;
  private readonly init: boolean;
  private readonly secretsDevMode: boolean;
  /**
   * What is fixed when a container is created, by id: its `pre_stop` hooks (from its labels, so a
   * listing tells them too) and its stop signal (from its config, and from our stop-signal label
   * when the create named one: see stop-signal.ts), for the containers this object listed or
   * inspected (see preStopOf and stopSignalOf).
   */
  private readonly preStops = new Map<string, readonly HookSpec[]>();
  private readonly stopSignals = new Map<string, string>();
  /** The healthcheck each container was created with (its config), as probeHealth needs it: a probe asks the engine nothing else first. */
  private readonly probes = new Map<string, HealthProbe>();
  /**
   * Ids of the project's networks by `project/name`, as the last listing of that project gave
   * them: `down` removes what it just listed by id, without inspecting each name again (a
   * removal takes its entry; one gone meanwhile is looked up by name).
   */
  private readonly listedNetworks = new Map<string, string>();
  /** Projects whose networks this object listed (ensureNetwork: a name missing from the listing is created at once). */
  private readonly listedProjects = new Set<string>();
  /** Images being built for `pull_policy: build`, by project, service and config hash. */
  private readonly builds = new Map<string, Promise<void>>();

  constructor(options: DockerRuntimeOptions) {
    const address = resolveEngineAddress(options.host);
    this.client = new EngineClient(address, options.apiVersion);
    this.localEngine = address.kind === 'unix';
    this.host = address.display;
    this.publishHost = options.publishHost ?? '127.0.0.1';
    this.pull = options.pull ?? true;
    this.init = options.init ?? false;
    this.secretsDevMode = options.secretsDevMode ?? process.env['SELUR_DEV_SECRETS'] === '1';
    // A local engine is asked its API version at once, while the caller prepares its first
    // request (the CLI reads the project file meanwhile); a remote one at the first request.
    if (this.localEngine) this.client.prefetch();
  }

  private path(id: string): string {
    return `/containers/${encodeURIComponent(id)}`;
  }

  private async raw(id: string): Promise<ContainerInspect> {
    let inspect: ContainerInspect;
    try {
      inspect = await this.client.json<ContainerInspect>('GET', `${this.path(id)}/json`);
    } catch (error) {
      if (is(error, 404)) {
        this.forget(id);
        throw new ContainerNotFoundError('docker', id, { cause: error });
      }
      throw error;
    }
    if (!this.stopSignals.has(id)) this.stopSignals.set(id, inspect.Config.StopSignal || 'SIGTERM');
    if (!this.preStops.has(id)) this.preStops.set(id, hooksOf(inspect.Config.Labels).pre_stop);
    if (!this.probes.has(id)) this.probes.set(id, healthProbeOf(inspect));
    return inspect;
  }

  private forget(id: string): void {
    this.preStops.delete(id);
    this.stopSignals.delete(id);
    this.probes.delete(id);
  }

  /**
   * A container's `pre_stop` hooks and stop signal: fixed when it is created (config and labels
   * never change under one id), so one inspection or listing tells them for good, and a stop
   * needs no inspection of its own. The hooks are in a label (a listing tells them), the stop
   * signal in the config (an inspection tells it) and, when the create named one, in a label too.
   */
  private async preStopOf(id: string): Promise<readonly HookSpec[]> {
    return this.preStops.get(id) ?? (await this.raw(id), this.preStops.get(id) ?? []); // (raw records it)
  }
  private async stopSignalOf(id: string): Promise<string> {
    return this.stopSignals.get(id) ?? (await this.raw(id), this.stopSignals.get(id) ?? 'SIGTERM');
  }

  async version(): Promise<EngineVersion> {
    const answer = await this.client.json<{ Version?: string; ApiVersion?: string; Platform?: { Name?: string } }>('GET', '/version', { timeoutMs: 10_000 });
    return { apiVersion: await this.client.apiVersion(), version: answer.Version ?? 'unknown', platform: answer.Platform?.Name || undefined };
  }

  ensureNetwork(request: NetworkRequest): Promise<{ info: ResourceInfo; created: boolean }> {
    // a listing of the project (an up's observation) that did not give it: created without a lookup first
    const listedAbsent = this.listedProjects.has(request.project) && !this.listedNetworks.has(`${request.project}/${request.runtimeName}`);
    return resources.ensureNetwork(this.client, request, listedAbsent);
  }
  removeNetwork(project: string, runtimeName: string): Promise<void> {
    const key = `${project}/${runtimeName}`;
    const listedId = this.listedNetworks.get(key);
    this.listedNetworks.delete(key);
    return resources.removeNetwork(this.client, project, runtimeName, listedId);
  }
  async listNetworks(project: string): Promise<readonly ResourceInfo[]> {
    const networks = await resources.listNetworks(this.client, project);
    for (const key of this.listedNetworks.keys()) if (key.startsWith(`${project}/`)) this.listedNetworks.delete(key);
    for (const n of networks) if (n.labels[LABEL_PROJECT] === project) this.listedNetworks.set(`${project}/${n.runtimeName}`, n.id);
    this.listedProjects.add(project);
    return networks;
  }
  ensureVolume(request: VolumeRequest): Promise<{ info: ResourceInfo; created: boolean }> {
    return resources.ensureVolume(this.client, request);
  }
  removeVolume(project: string, runtimeName: string): Promise<void> {
    return resources.removeVolume(this.client, project, runtimeName);
  }
  listVolumes(project: string): Promise<readonly ResourceInfo[]> {
    return resources.listVolumes(this.client, project);
  }

  async createContainer(request: ContainerRequest): Promise<ContainerInfo> {
    const image = request.spec.image;
    if (image.endsWith('.ctp')) throw new BundleNotRunnableError(image, { service: request.service });
    const name = containerNameOf(request);
    const body = containerCreateBody(await this.withSecretEnvironment(request), { publishHost: this.publishHost, init: this.init });
    body.HostConfig.Links = await this.#links(request, body);
    const hooks = hooksLabel(request.spec);
    if (hooks !== undefined) body.Labels[LABEL_HOOKS] = hooks;
    labelStopSignal(body);
    const { copies } = secretAndConfigFiles(request);
    const platform = request.spec.platform;
    const policy = pullPolicyOf(request.spec.pull_policy);
    await this.#supplyImage(request, policy);
    // `platform` (API 1.41): the engine picks that variant of the image, or says it has none
    const query = { name, ...(platform !== undefined ? { platform } : {}) };
    const create = () => this.client.json<{ Id: string }>('POST', '/containers/create', { query, body });
    let created: { Id: string };
    try {
      created = await create();
    } catch (error) {
      if (!(is(error, 404) && /image/i.test(error.engineMessage))) throw error;
      const notPulledBecause = !this.pull ? 'the runtime\'s option pull is false' : policy.kind === 'never' ? 'pull_policy: never' : policy.kind === 'build' ? 'pull_policy: build' : undefined;
      if (notPulledBecause !== undefined) throw new ImageNotFoundError(image, error.engineMessage, { service: request.service, cause: error, notPulledBecause });
      await pullImage(this.client, image, request.service, undefined, platform);
      created = await create();
    }
    try {
      for (const { network, endpoint } of laterNetworks(request)) {
        await this.client.json('POST', `/networks/${encodeURIComponent(network)}/connect`, { body: { Container: created.Id, EndpointConfig: endpoint } });
      }
      await copyFilesInto(this.client, created.Id, copies, request.service);
    } catch (error) {
      await this.removeContainer(created.Id, { force: true });
      throw error;
    }
    return this.inspectContainer(created.Id);
  }

  /**
   * Gets the image as `pull_policy` says before the create (`missing`, the default, is left to the
   * create: a 404 pulls). `always` pulls; `daily`/`weekly`/`every_…` pull when the local image was
   * tagged longer ago than that; `build` builds the service's `build` section under its `image`
   * (once per runtime object and service config, so replicas share it). The runtime's
   * `pull: false` wins over any pull.
   */
  async #supplyImage(request: ContainerRequest, policy: PullPolicy): Promise<void> {
    const { spec } = request;
    if (policy.kind === 'build') {
      const build = spec.build;
      if (build === undefined || spec.image === '') {
        throw new InvalidArgumentError(`service '${request.service}': pull_policy build needs a \`build\` section and an \`image\` to tag`, { service: request.service, field: 'pull_policy' });
      }
      const key = `${request.project}/${request.service}/${request.configHash}`;
      let built = this.builds.get(key);
      if (built === undefined) {
        built = buildImage(this.client, {
          context: path.resolve(request.workingDir, build.context),
          dockerfile: build.dockerfile,
          args: build.args,
          ...(build.target !== undefined ? { target: build.target } : {}),
          tag: spec.image,
          labels: { [LABEL_PROJECT]: request.project, [LABEL_SERVICE]: request.service },
          service: request.service,
        }).then(() => undefined);
        this.builds.set(key, built);
        built.catch(() => this.builds.delete(key));
      }
      return built;
    }
    if (!this.pull || (policy.kind !== 'always' && policy.kind !== 'every')) return;
    if (policy.kind === 'every') {
      const inspect = await this.client.json<{ Created?: string; Metadata?: { LastTagTime?: string } }>('GET', `/images/${encodeURIComponent(spec.image)}/json`).catch((error: unknown) => {
        if (is(error, 404)) return undefined;
        throw error;
      });
      const since = inspect === undefined ? undefined : imageAgeBase(inspect);
      if (since !== undefined && Date.now() - since < policy.ms) return;
    }
    await pullImage(this.client, spec.image, request.service, undefined, spec.platform);
  }

  /**
   * `links` (legacy): `SERVICE[:ALIAS]` → `CONTAINER:ALIAS` for each container of that service,
   * as Docker Compose writes them (under the alias, the service name and the container name).
   * On the project's user-defined network the engine resolves these names for this container
   * only. Undefined without links or without a project network (`network_mode`).
   */
  async #links(request: ContainerRequest, body: ContainerCreateBody): Promise<string[] | undefined> {
    const links = request.spec.links ?? [];
    const endpoints = body.NetworkingConfig?.EndpointsConfig;
    if (links.length === 0 || endpoints === undefined) return undefined;
    const containers = await this.listContainers(request.project);
    const out: string[] = [];
    for (const link of links) {
      const cut = link.indexOf(':');
      const service = cut === -1 ? link : link.slice(0, cut);
      const alias = cut === -1 ? link : link.slice(cut + 1);
      for (const c of containers.filter((c) => c.service === service)) {
        for (const name of [alias, service, c.name]) if (!out.includes(`${c.name}:${name}`)) out.push(`${c.name}:${name}`);
      }
    }
    for (const endpoint of Object.values(endpoints)) endpoint.Links = out;
    return out;
  }

  /**
   * Environment variables that refer to a secret (`KEY: { secret: NAME }`) and that the caller
   * has not filled in (the engine does, under its own rule): the same rule applies here, so that a
   * runtime used without the engine never starts a container without them, nor leaks them outside
   * development mode.
   */
  private async withSecretEnvironment(request: ContainerRequest): Promise<ContainerRequest> {
    const missing = Object.entries(request.spec.environment).some(([key, value]) => typeof value !== 'string' && request.environment[key] === undefined);
    if (!missing) return request;
    const injected = await resolveSecretEnvironment(request.service, request.spec, request.secrets, this.secretsDevMode);
    return { ...request, environment: { ...request.environment, ...injected } };
  }

  async startContainer(id: string): Promise<ContainerInfo> {
    try {
      await this.client.json('POST', `${this.path(id)}/start`);
    } catch (error) {
      if (is(error, 404)) throw new ContainerNotFoundError('docker', id, { cause: error });
      const conflict = isDockerEngineError(error) ? portConflict(error.engineMessage) : undefined;
      if (conflict && isDockerEngineError(error)) {
        const service = await this.raw(id).then((c) => c.Config.Labels?.[LABEL_SERVICE], () => undefined);
        const where = conflict.port !== undefined ? `${conflict.host || this.publishHost}:${conflict.port}` : 'a published port';
        throw new PortConflictError({ service, port: conflict.port, reason: `cannot bind ${where}: ${error.engineMessage}`, cause: error });
      }
      throw error;
    }
    // `post_start` hooks (carried by a label), through exec, once the container runs
    const started = await this.raw(id);
    const { post_start } = hooksOf(started.Config.Labels);
    if (post_start.length === 0) return containerInfo(started, this.publishHost);
    await runHooks(this.client, started.Id, 'post_start', post_start, this.#where(started));
    return this.inspectContainer(id); // afresh: the hooks ran meanwhile
  }

  #where(inspect: ContainerInspect): { service?: string | undefined; container: string } {
    return { service: inspect.Config.Labels?.[LABEL_SERVICE], container: inspect.Name.replace(/^\//, '') };
  }

  async stopContainer(id: string, options: StopOptions): Promise<void> {
    const seconds = Math.max(0, Math.ceil(options.timeoutMs / 1000));
    // `pre_stop` hooks (carried by a label), through exec, while the container still runs (its
    // state is read afresh only then); a failed hook fails the stop, as in Docker Compose
    const preStop = await this.preStopOf(id);
    if (preStop.length > 0) {
      const running = await this.raw(id);
      if (running.State.Running === true) await runHooks(this.client, running.Id, 'pre_stop', preStop, this.#where(running));
    }
    const stop = (t: number) => this.client.json('POST', `${this.path(id)}/stop`, { query: { t }, timeoutMs: t * 1000 + 30_000 });
    // The teardown goes on once the process has ended; the engine answers ~130 ms later (exit-watch.ts).
    const watch = options.onExited !== undefined && this.localEngine ? new AbortController() : undefined;
    if (watch && options.onExited) await this.watchForExit(id, watch.signal, options.onExited);
    try {
      const wanted = options.signal === undefined ? undefined : signalName(options.signal);
      // `stop` (not `kill`) is what marks a container as stopped by hand, so that its restart
      // policy does not bring it back: use it whenever it sends the wanted signal.
      // (without a wanted signal the engine sends the container's own: its config is not needed)
      if (wanted === undefined || wanted === 'KILL' || wanted === signalName(await this.stopSignalOf(id))) {
        await stop(wanted === 'KILL' ? 0 : seconds);
        return;
      }
      // Another signal (API 1.41 has no stop signal parameter): send it, wait, then stop (forcing).
      try {
        await this.client.json('POST', `${this.path(id)}/kill`, { query: { signal: options.signal } });
      } catch (error) {
        if (!is(error, 409)) throw error; // 409: not running
      }
      await this.client.call('POST', `${this.path(id)}/wait`, { query: { condition: 'not-running' }, timeoutMs: Math.max(1, options.timeoutMs) }).catch(() => undefined);
      await stop(0);
    } catch (error) {
      if (is(error, 404) || isContainerNotFoundError(error)) throw new ContainerNotFoundError('docker', id, { cause: error });
      throw error;
    } finally {
      watch?.abort();
    }
  }

  /**
   * Starts watching for the end of the container's process on this host, to call `onExited`
   * before its stop settles (see exit-watch.ts). Its pid is read before the stop is sent: once the
   * process has ended, an inspection waits for the engine's cleanup, as the stop's answer does.
   */
  private async watchForExit(id: string, signal: AbortSignal, onExited: () => void): Promise<void> {
    let inspect: ContainerInspect;
    try {
      inspect = await this.raw(id);
    } catch {
      return; // the stop itself says what is wrong
    }
    // not running: the engine itself says there is no process to wait for
    if (inspect.State.Running !== true) onExited();
    else void watchExit(inspect.Id, inspect.State.Pid ?? 0, signal, onExited);
  }

  async removeContainer(id: string, options: { readonly force?: boolean } = {}): Promise<void> {
    this.forget(id);
    try {
      await this.client.json('DELETE', this.path(id), { query: { force: options.force === true, v: false } });
    } catch (error) {
      if (is(error, 404)) return;
      if (is(error, 409) && /already in progress/i.test(error.engineMessage)) return;
      throw error;
    }
  }

  async listContainers(project: string, options: ListOptions = {}): Promise<readonly ContainerInfo[]> {
    const summaries = await this.client.json<ContainerSummary[]>('GET', '/containers/json', {
      query: { all: options.all ?? true, filters: { label: [`${LABEL_PROJECT}=${project}`] } },
    });
    if (options.brief === true) {
      // the listing tells what a stop and a removal take: no inspection each (`down` asks so)
      for (const s of summaries) {
        if (!this.preStops.has(s.Id)) this.preStops.set(s.Id, hooksOf(s.Labels).pre_stop);
        const signal = stopSignalOfLabels(s.Labels);
        if (signal !== undefined && !this.stopSignals.has(s.Id)) this.stopSignals.set(s.Id, signal);
      }
      return summaries.map((s) => containerInfoFromSummary(s, this.publishHost)).sort((a, b) => compareNames(a.service, b.service) || a.replica - b.replica);
    }
    const infos = await Promise.all(
      summaries.map((s) =>
        this.inspectContainer(s.Id).catch((error: unknown) => {
          if (isContainerNotFoundError(error)) return undefined; // removed meanwhile
          throw error;
        }),
      ),
    );
    return infos
      .filter((info): info is ContainerInfo => info !== undefined)
      .sort((a, b) => compareNames(a.service, b.service) || a.replica - b.replica);
  }

  /** Every project with containers on the engine (those carrying this SDK's project label), counted by state. */
  async listProjects(): Promise<readonly ProjectSummary[]> {
    const summaries = await this.client.json<ContainerSummary[]>('GET', '/containers/json', { query: { all: true, filters: { label: [LABEL_PROJECT] } } });
    const byName = new Map<string, { containers: number; states: Partial<Record<ContainerState, number>> }>();
    for (const summary of summaries) {
      const { project, state } = containerInfoFromSummary(summary, this.publishHost);
      if (project === '') continue;
      const entry = byName.get(project) ?? { containers: 0, states: {} };
      entry.containers++;
      entry.states[state] = (entry.states[state] ?? 0) + 1;
      byName.set(project, entry);
    }
    return [...byName].map(([name, entry]) => ({ name, ...entry })).sort((a, b) => compareNames(a.name, b.name));
  }

  /**
   * Before a run creates anything: a fixed host port published by a running container of another
   * project (named by its project and service when it carries ours or Docker Compose's labels),
   * or, with a local engine, held by a host process, is a conflict.
   */
  checkHostPorts(project: string, claims: readonly HostPortClaim[]): Promise<readonly HostPortConflict[]> {
    return checkHostPorts(this.client, project, claims, { localEngine: this.localEngine });
  }

  async inspectContainer(id: string): Promise<ContainerInfo> {
    return containerInfo(await this.raw(id), this.publishHost);
  }

  /**
   * Settles once the container has stopped for good, with its exit code: the engine's `wait`
   * long-poll (`condition=not-running`), each at most 30 s, sent anew after a restart policy's
   * restart; rejects with the signal's reason when it aborts (see wait.ts).
   */
  waitContainer(id: string, options: { readonly signal?: AbortSignal | undefined } = {}): Promise<number | undefined> {
    return waitForExit(this.client, id, (container) => this.raw(container), options.signal);
  }

  async *logs(id: string, options: LogOptions = {}): AsyncIterable<LogLine> {
    const inspect = await this.raw(id);
    yield* containerLogs(this.client, inspect.Id, inspect.Config.Tty === true, options);
  }

  async exec(id: string, command: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    if (command.length === 0) throw new InvalidArgumentError('exec: the command is empty', { field: 'command' });
    try {
      return await execInContainer(this.client, id, command, options);
    } catch (error) {
      if (is(error, 404)) throw new ContainerNotFoundError('docker', id, { cause: error });
      throw error;
    }
  }

  /**
   * Runs the container's healthcheck `test` once, through exec. Its healthcheck is fixed when the
   * container is created, so it is read from the inspection this object already made (a start
   * makes one), else inspected once: a probe sends no inspection of its own.
   */
  async probeHealth(id: string, options: { readonly timeoutMs?: number; readonly signal?: AbortSignal } = {}): Promise<ProbeResult> {
    const known = this.probes.get(id);
    const probe = known ?? healthProbeOf(await this.raw(id));
    const [kind, ...rest] = probe.test;
    if (kind === undefined || kind === 'NONE' || rest.length === 0) {
      throw new InvalidArgumentError(`docker: container '${probe.container}' has no healthcheck to probe`, {
        service: probe.service,
        field: 'healthcheck',
      });
    }
    const command = kind === 'CMD-SHELL' ? ['/bin/sh', '-c', rest.join(' ')] : rest;
    const timeoutMs = options.timeoutMs ?? (probe.timeoutNs ? probe.timeoutNs / 1e6 : 30_000);
    let result: ExecResult;
    try {
      result = await execInContainer(this.client, probe.id, command, { timeoutMs, signal: options.signal });
    } catch (error) {
      // gone: what the inspection this probe used to start with said (known from an earlier one)
      if (known !== undefined && is(error, 404)) {
        this.forget(id);
        throw new ContainerNotFoundError('docker', id, { cause: error });
      }
      if (is(error, 409) || is(error, 404)) return { healthy: false, exitCode: -1, output: error.engineMessage };
      throw error;
    }
    const output = `${result.stdout}${result.stderr}`.trim();
    return { healthy: result.exitCode === 0, exitCode: result.exitCode, output: output.length > PROBE_OUTPUT_LIMIT ? output.slice(0, PROBE_OUTPUT_LIMIT) : output };
  }

  /** Copies and removes files in a running container (`develop.watch` syncs): see copy-files.ts. */
  async syncFiles(id: string, changes: readonly FileSync[], options: { readonly signal?: AbortSignal | undefined } = {}): Promise<void> {
    try {
      await syncIntoContainer(this.client, id, changes, options.signal);
    } catch (error) {
      if (is(error, 404)) throw new ContainerNotFoundError('docker', id, { cause: error });
      throw error;
    }
  }

  /** Builds a service's `build` section into its `image` (`develop.watch`'s rebuild). */
  async buildService(request: BuildRequest, options: { readonly signal?: AbortSignal | undefined; readonly onOutput?: ((line: string) => void) | undefined } = {}): Promise<void> {
    const { build, image } = request.spec;
    if (build === undefined || image === '')
      throw new InvalidArgumentError(`service '${request.service}': rebuilding needs a build section and an image to tag`, { service: request.service, field: build === undefined ? 'build' : 'image' });
    await buildImage(this.client, {
      context: path.resolve(request.workingDir, build.context),
      dockerfile: build.dockerfile,
      args: build.args,
      ...(build.target !== undefined ? { target: build.target } : {}),
      tag: image,
      // as Docker Compose labels what it builds: what `pruneImages` finds again once dangling
      labels: { ...build.labels, [LABEL_PROJECT]: request.project, [LABEL_SERVICE]: request.service },
      service: request.service,
      ...(options.signal !== undefined ? { signal: options.signal } : {}),
      ...(options.onOutput !== undefined ? { onOutput: options.onOutput } : {}),
    });
  }

  pruneImages(project: string, options: { readonly signal?: AbortSignal | undefined } = {}): Promise<readonly string[]> {
    return pruneDanglingImages(this.client, project, options.signal);
  }

  buildImage(options: BuildImageOptions): Promise<BuildImageResult> {
    return buildImage(this.client, options);
  }

  pullImage(image: string, options: { readonly signal?: AbortSignal | undefined } = {}): Promise<void> {
    return pullImage(this.client, image, undefined, options.signal);
  }

  async pauseContainer(id: string): Promise<void> {
    await this.#lifecycle(id, 'pause');
  }

  async unpauseContainer(id: string): Promise<void> {
    await this.#lifecycle(id, 'unpause');
  }

  async #lifecycle(id: string, verb: 'pause' | 'unpause'): Promise<void> {
    try {
      await this.client.json('POST', `${this.path(id)}/${verb}`);
    } catch (error) {
      if (is(error, 404)) throw new ContainerNotFoundError('docker', id, { cause: error });
      throw error;
    }
  }

  async hasImage(image: string): Promise<boolean> {
    try {
      await this.client.json('GET', `/images/${encodeURIComponent(image)}/json`);
      return true;
    } catch (error) {
      if (is(error, 404)) return false;
      throw error;
    }
  }

  async close(): Promise<void> {
    this.client.close();
  }
}

/**
 * A {@link DockerRuntime} over the Docker Engine API (or Podman's compatible socket). Creates
 * `<project>_<name>` networks and volumes and `<project>_<service>_<replica>` containers, all
 * labelled with the project, service, replica and config hash; publishes ports on 127.0.0.1.
 *
 * @example
 * ```ts
 * import { dockerRuntime } from '@selur/compose-docker';
 * const runtime = dockerRuntime({ host: process.env.DOCKER_HOST });
 * for (const c of await runtime.listContainers('shop')) console.log(c.name, c.state, c.health);
 * await runtime.close?.();
 * ```
 */
export function dockerRuntime(options: DockerRuntimeOptions = {}): DockerRuntime {
  return new DockerEngineRuntime(options);
}
