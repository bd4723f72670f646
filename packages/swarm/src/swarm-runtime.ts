import {
  ContainerNotFoundError, InvalidArgumentError, LABEL_CONFIG_HASH, LABEL_NETWORK, LABEL_PROJECT, LABEL_SERVICE, LABEL_VOLUME, UnsupportedFieldError,
  UnsupportedOperationError, createGraph, projectFieldsInUse, resolveSecretEnvironment, serviceFieldsInUse,
  type ContainerInfo, type ExecOptions, type ExecResult, type LogLine, type LogOptions, type NetworkRequest, type NetworkSpec, type ProbeResult,
  type Project, type ProjectSpec, type ResourceInfo, type RuntimeCapability, type SecretSource, type UnsupportedFieldUse, type VolumeRequest,
} from '@selur/compose';
import { EngineClient, execInContainer, isDockerEngineError, resolveEngineAddress, responseLines } from '@selur/compose-docker/engine';
import path from 'node:path';
import type { IncomingMessage } from 'node:http';
import { SwarmDeployError, type SwarmTaskFailure } from './errors/swarm-deploy-error.js';
import { SwarmInactiveError } from './errors/swarm-inactive-error.js';
import { mapService, resourceName, serviceName, serviceNetworks, type MappedService } from './mapping/service-spec.js';
import type { SwarmService, SwarmServiceSpec, SwarmTask } from './mapping/swarm-types.js';
import { ensureObjects, listObjects, pruneObjects } from './objects.js';
import type { SwarmDownOptions, SwarmDownResult, SwarmRuntime, SwarmRuntimeOptions, SwarmServiceResult, SwarmUpOptions, SwarmUpResult } from './options.js';
import { hasHealthcheck, taskInfo } from './tasks.js';

/**
 * What Swarm applies. Left out (so the engine and `up` refuse them by name): the container
 * fields a Swarm task has no equivalent for (`privileged`, `devices`, `network_mode`, `pid`,
 * `ipc`, `container_name`, `links`, …), bind mounts (a path on this machine is not on the node),
 * `build` (Swarm runs images the nodes have), `pause`, per-network fixed addresses.
 */
const CAPABILITIES: ReadonlySet<RuntimeCapability> = new Set<RuntimeCapability>([
  'field:user', 'field:read_only', 'field:hostname', 'field:init', 'field:entrypoint', 'field:cap_add', 'field:cap_drop', 'field:sysctls',
  'field:configs', 'field:configs.ownership', 'field:configs.mode', 'field:secrets.target', 'field:secrets.ownership', 'field:secrets.mode',
  'field:volumes.anonymous', 'field:volumes.tmpfs', 'field:volumes.volume.nocopy',
  'field:networks.aliases', 'field:ports.mode.ingress',
  'field:deploy.mode', 'field:deploy.placement', 'field:deploy.update_config', 'field:deploy.rollback_config', 'field:deploy.restart_policy',
  'field:deploy.endpoint_mode', 'field:deploy.labels', 'field:deploy.resources.limits.cpus', 'field:deploy.resources.limits.memory',
  'field:deploy.resources.limits.pids', 'field:deploy.resources.reservations',
  'field:network.internal', 'field:network.attachable', 'field:network.driver_opts', 'field:network.ipam', 'field:volume.driver_opts',
  'field:secret.environment', 'field:secret.external', 'field:config.content', 'field:config.environment', 'field:config.external',
  'networks', 'volumes', 'ports', 'secrets', 'logs', 'logs.follow', 'exec', 'exec.output', 'health', 'restart-policy', 'replicas',
]);

const NO_CONTAINERS = 'Swarm owns its tasks; deploy the whole project with runtime.up(project), scale it with deploy.replicas, remove it with runtime.down(name)';
const FAILED_STATES = new Set(['failed', 'rejected']);
const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const abort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', abort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', abort, { once: true });
  });

function projectFilter(project: string): { label: string[] } {
  return { label: [`${LABEL_PROJECT}=${project}`] };
}

/** The fields of the project's services and resources this runtime cannot apply. @internal */
export function unsupportedSwarmFields(spec: ProjectSpec): UnsupportedFieldUse[] {
  const out: UnsupportedFieldUse[] = [];
  for (const [name, service] of Object.entries(spec.services))
    for (const field of serviceFieldsInUse(service)) if (!CAPABILITIES.has(`field:${field}`)) out.push({ field, where: `service '${name}'` });
  const kinds: Record<string, string> = { network: 'network', volume: 'volume', secret: 'secret', config: 'config' };
  for (const { field, resource } of projectFieldsInUse(spec, Object.keys(spec.services)))
    if (!CAPABILITIES.has(`field:${field}`)) out.push({ field, where: `${kinds[field.split('.')[0] as string] ?? 'resource'} '${resource}'` });
  return out;
}

class SwarmEngineRuntime implements SwarmRuntime {
  readonly name = 'swarm' as const;
  readonly capabilities = CAPABILITIES;
  readonly host: string;
  private readonly client: EngineClient;
  private readonly publishHost: string;
  private readonly convergeTimeoutMs: number;
  private readonly pollIntervalMs: number;
  private readonly maxTaskFailures: number;
  private readonly stableMs: number;
  private readonly env: Readonly<Record<string, string | undefined>>;
  private nodeId: Promise<string> | undefined;
  private readonly nodeNames = new Map<string, string>();

  constructor(options: SwarmRuntimeOptions) {
    const address = resolveEngineAddress(options.host);
    this.client = new EngineClient(address, options.apiVersion);
    this.host = address.display;
    this.publishHost = options.publishHost ?? '127.0.0.1';
    this.convergeTimeoutMs = options.convergeTimeoutMs ?? 300_000;
    this.pollIntervalMs = Math.max(50, options.pollIntervalMs ?? 500);
    this.maxTaskFailures = options.maxTaskFailures ?? 3;
    this.stableMs = Math.max(0, options.stableMs ?? 3000);
    this.env = options.env ?? process.env;
  }

  /** The id of this node, once it is known to be a manager. */
  private localNode(): Promise<string> {
    this.nodeId ??= (async () => {
      const info = await this.client.json<{ Swarm?: { LocalNodeState?: string; ControlAvailable?: boolean; NodeID?: string } }>('GET', '/info', { timeoutMs: 10_000 });
      const state = info.Swarm?.LocalNodeState ?? 'inactive';
      if (state !== 'active' || !info.Swarm?.NodeID) throw new SwarmInactiveError(this.host, state, false);
      if (!info.Swarm.ControlAvailable) throw new SwarmInactiveError(this.host, state, true);
      return info.Swarm.NodeID;
    })();
    this.nodeId.catch(() => { this.nodeId = undefined; });
    return this.nodeId;
  }

  private async nodeName(id: string | undefined): Promise<string> {
    if (!id) return '(unassigned)';
    const known = this.nodeNames.get(id);
    if (known) return known;
    const node = await this.client.json<{ Description?: { Hostname?: string } }>('GET', `/nodes/${id}`).catch(() => undefined);
    const name = node?.Description?.Hostname ?? id;
    this.nodeNames.set(id, name);
    return name;
  }

  private services(project: string): Promise<SwarmService[]> {
    return this.client.json<SwarmService[]>('GET', '/services', { query: { filters: projectFilter(project) } });
  }

  private async service(idOrName: string): Promise<SwarmService | undefined> {
    try {
      return await this.client.json<SwarmService>('GET', `/services/${encodeURIComponent(idOrName)}`);
    } catch (error) {
      if (isDockerEngineError(error) && error.statusCode === 404) return undefined;
      throw error;
    }
  }

  private tasks(serviceIds: readonly string[], desiredRunning: boolean): Promise<SwarmTask[]> {
    if (serviceIds.length === 0) return Promise.resolve([]);
    return this.client.json<SwarmTask[]>('GET', '/tasks', { query: { filters: { service: [...serviceIds], ...(desiredRunning ? { 'desired-state': ['running'] } : {}) } } });
  }

  /** Docker's health of a task's container, when it runs on this node. */
  private async containerHealth(task: SwarmTask, localNode: string): Promise<string | undefined> {
    const id = task.Status.ContainerStatus?.ContainerID;
    if (!id || task.NodeID !== localNode) return undefined;
    const inspect = await this.client.json<{ State?: { Health?: { Status?: string } } }>('GET', `/containers/${id}/json`).catch(() => undefined);
    return inspect?.State?.Health?.Status;
  }

  private async infos(tasks: readonly SwarmTask[], services: readonly SwarmService[]): Promise<ContainerInfo[]> {
    const local = await this.localNode();
    const byId = new Map(services.map((s) => [s.ID, s]));
    const nodes = [...new Set(tasks.map((t) => t.NodeID ?? ''))].sort();
    const out = await Promise.all(
      tasks.map(async (task) => {
        const service = byId.get(task.ServiceID);
        if (!service) return undefined;
        return taskInfo(task, service, { publishHost: this.publishHost, health: await this.containerHealth(task, local), replica: nodes.indexOf(task.NodeID ?? '') + 1 });
      }),
    );
    return out.filter((i): i is ContainerInfo => i !== undefined).sort((a, b) => a.service.localeCompare(b.service) || a.replica - b.replica || a.id.localeCompare(b.id));
  }

  // --- the deployment ---

  async up(project: Project, options: SwarmUpOptions = {}): Promise<SwarmUpResult> {
    await this.localNode();
    const spec = project.toJSON() as ProjectSpec;
    const unsupported = unsupportedSwarmFields(spec);
    if (unsupported.length > 0) throw new UnsupportedFieldError('swarm', unsupported);
    for (const [name, service] of Object.entries(spec.services)) {
      if (service.volumes.some((m) => m.type === 'bind')) throw new UnsupportedOperationError('swarm', 'bind-mounts', { service: name, hint: `service '${name}' binds a path of this machine, which is not on the node that runs the task; use a named volume` });
      if (service.build && !service.image) throw new UnsupportedOperationError('swarm', 'build', { service: name, hint: 'Swarm runs images its nodes have; build it (docker build) and name it in `image`' });
    }
    const workingDir = project.source.workingDir;

    // Networks: overlay, attachable, labelled as the project's.
    const logicalNetworks = new Set(Object.values(spec.services).flatMap((s) => serviceNetworks(s)));
    for (const logical of [...logicalNetworks].sort()) {
      const netSpec: NetworkSpec = spec.networks[logical] ?? { driver: 'overlay', driver_opts: {}, labels: {}, external: false };
      await this.ensureNetwork({ project: spec.name, name: logical, runtimeName: resourceName(spec.name, logical, netSpec), spec: netSpec });
    }

    // Secrets and configs under versioned names.
    const secretNames = new Set(Object.values(spec.services).flatMap((s) => s.secrets.map((r) => r.source)));
    const configNames = new Set(Object.values(spec.services).flatMap((s) => (s.configs ?? []).map((r) => r.source)));
    const secrets = await ensureObjects(this.client, 'secret', spec, secretNames, workingDir, this.env);
    const configs = await ensureObjects(this.client, 'config', spec, configNames, workingDir, this.env);

    // Each service once its dependencies are (healthy when asked); independent ones together.
    const graph = createGraph(Object.fromEntries(Object.entries(spec.services).map(([n, s]) => [n, Object.keys(s.depends_on).filter((d) => d in spec.services)])));
    const applied = new Map<string, Promise<{ result: SwarmServiceResult; converged: Promise<void> }>>();
    const wait = options.wait ?? true;
    for (const name of graph.startOrder()) {
      const service = spec.services[name];
      if (!service) continue;
      applied.set(
        name,
        (async () => {
          for (const [dep, how] of Object.entries(service.depends_on)) {
            const before = applied.get(dep);
            if (!before) continue;
            const { converged } = await before;
            if (how.condition !== 'service_started' && wait) await converged;
          }
          const secretFiles: SecretSource[] = Object.entries(spec.secrets).flatMap(([n, s]) => (s.file ? [{ name: n, file: path.resolve(workingDir, s.file) }] : []));
          const injected = await resolveSecretEnvironment(name, service, secretFiles, this.env['SELUR_DEV_SECRETS'] === '1');
          const environment: Record<string, string> = { ...injected };
          for (const [k, v] of Object.entries(service.environment)) if (typeof v === 'string') environment[k] = v;
          const mapped = mapService({ project: spec, service: name, environment, secrets, configs });
          const result = await this.apply(name, mapped);
          const converged = wait && result.action !== 'unchanged' ? this.converge(name, mapped, result.action, options.signal) : Promise.resolve();
          converged.catch(() => undefined);
          return { result, converged };
        })(),
      );
    }
    const results: SwarmServiceResult[] = [];
    const settled = await Promise.allSettled([...applied.values()].map(async (p) => {
      const { result, converged } = await p;
      results.push(result);
      await converged;
    }));
    const failure = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failure) throw failure.reason;

    const removedServices: string[] = [];
    if (options.removeOrphans ?? true) {
      for (const orphan of await this.services(spec.name)) {
        if (orphan.Spec.Labels[LABEL_SERVICE] !== undefined && orphan.Spec.Labels[LABEL_SERVICE] in spec.services) continue;
        await this.removeService(orphan.ID);
        removedServices.push(orphan.Spec.Name);
      }
    }
    const current = await this.services(spec.name);
    const usedSecrets = new Set(current.flatMap((s) => s.Spec.TaskTemplate.ContainerSpec.Secrets?.map((r) => r.SecretID) ?? []));
    const usedConfigs = new Set(current.flatMap((s) => s.Spec.TaskTemplate.ContainerSpec.Configs?.map((r) => r.ConfigID) ?? []));
    return {
      services: results.sort((a, b) => a.service.localeCompare(b.service)),
      removedServices: removedServices.sort(),
      removedSecrets: await pruneObjects(this.client, 'secret', spec.name, usedSecrets),
      removedConfigs: await pruneObjects(this.client, 'config', spec.name, usedConfigs),
    };
  }

  /** Creates the service, or updates it through Swarm (its update_config applies) when its config or scale changed. */
  private async apply(name: string, mapped: MappedService): Promise<SwarmServiceResult> {
    const swarmService = mapped.spec.Name;
    const existing = await this.service(swarmService);
    const base = { service: name, swarmService, configHash: mapped.configHash };
    if (!existing) {
      await this.client.json('POST', '/services/create', { body: mapped.spec });
      return { ...base, action: 'create' };
    }
    const sameConfig = existing.Spec.Labels[LABEL_CONFIG_HASH] === mapped.configHash;
    const sameScale = JSON.stringify(existing.Spec.Mode) === JSON.stringify(mapped.spec.Mode);
    if (sameConfig && sameScale) return { ...base, action: 'unchanged' };
    // Scaling alone keeps the task template as the swarm holds it, so no task is replaced.
    const body: SwarmServiceSpec = sameConfig ? { ...existing.Spec, Mode: mapped.spec.Mode } : mapped.spec;
    await this.client.json('POST', `/services/${existing.ID}/update`, { query: { version: existing.Version.Index }, body });
    return { ...base, action: sameConfig ? 'scale' : 'update' };
  }

  private async failureOf(task: SwarmTask, localNode: string): Promise<SwarmTaskFailure> {
    return {
      task: task.ID,
      ...(task.Slot !== undefined ? { slot: task.Slot } : {}),
      node: await this.nodeName(task.NodeID),
      state: task.Status.State,
      ...(task.Status.Err ? { error: task.Status.Err } : task.Status.Message ? { error: task.Status.Message } : {}),
      ...(await this.containerHealth(task, localNode).then((h) => (h ? { health: h } : {}))),
      logs: await this.taskTail(task.ID, 20),
    };
  }

  private async taskTail(taskId: string, lines: number): Promise<string[]> {
    const out: string[] = [];
    try {
      for await (const line of this.taskLogs(taskId, { tail: lines, signal: AbortSignal.timeout(5000) })) out.push(line.text);
    } catch {
      // no logs to be had (task never started, node gone)
    }
    return out.slice(-lines);
  }

  /**
   * Waits (bounded in time and reads) until the service has its desired tasks running with the new
   * config, healthy where it has a healthcheck, and — after an update — Swarm's update completed.
   */
  private async converge(name: string, mapped: MappedService, action: SwarmServiceResult['action'], signal: AbortSignal | undefined): Promise<void> {
    const swarmService = mapped.spec.Name;
    const since = Date.now() - 2000;
    const deadline = Date.now() + this.convergeTimeoutMs;
    const attempts = Math.ceil(this.convergeTimeoutMs / this.pollIntervalMs) + 1;
    const local = await this.localNode();
    const noRestart = mapped.spec.TaskTemplate.RestartPolicy?.Condition === 'none';
    let last = 'no task yet';
    for (let attempt = 0; attempt < attempts && Date.now() <= deadline; attempt++) {
      signal?.throwIfAborted();
      const service = await this.service(swarmService);
      if (!service) throw new SwarmDeployError(name, swarmService, 'failed', 'the service was removed while it converged', []);
      const tasks = await this.tasks([service.ID], false);
      const ours = tasks.filter((t) => t.Spec.ContainerSpec?.Labels?.[LABEL_CONFIG_HASH] === mapped.configHash && Date.parse(t.CreatedAt ?? '') >= since - 60_000);
      const failed = ours.filter((t) => FAILED_STATES.has(t.Status.State) && Date.parse(t.CreatedAt ?? '') >= since);
      const status = service.UpdateStatus;
      const statusIsOurs = status?.StartedAt !== undefined && Date.parse(status.StartedAt) >= since;
      if (action === 'update' && statusIsOurs && (status?.State === 'rollback_completed' || status?.State === 'rollback_started' || status?.State === 'rollback_paused')) {
        throw new SwarmDeployError(name, swarmService, 'rolled-back', status.Message ?? 'Swarm rolled the update back', await Promise.all(failed.slice(-5).map((t) => this.failureOf(t, local))));
      }
      if (action === 'update' && statusIsOurs && status?.State === 'paused') {
        throw new SwarmDeployError(name, swarmService, 'paused', status.Message ?? 'Swarm paused the update', await Promise.all(failed.slice(-5).map((t) => this.failureOf(t, local))));
      }
      if (failed.length > 0 && (noRestart || failed.length > this.maxTaskFailures)) {
        throw new SwarmDeployError(name, swarmService, 'failed', `${failed.length} task(s) of the new spec failed`, await Promise.all(failed.slice(-5).map((t) => this.failureOf(t, local))));
      }
      const desired = tasks.filter((t) => t.DesiredState === 'running');
      const stale = desired.filter((t) => t.Spec.ContainerSpec?.Labels?.[LABEL_CONFIG_HASH] !== mapped.configHash);
      const running = desired.filter((t) => t.Spec.ContainerSpec?.Labels?.[LABEL_CONFIG_HASH] === mapped.configHash && t.Status.State === 'running');
      const check = hasHealthcheck(service);
      // Settled: healthy where there is a healthcheck; else running for `stableMs` (a command that
      // exits at once is seen running for a moment, as `docker service create` knows).
      const settled = check
        ? (await Promise.all(running.map(async (t) => ((t.NodeID !== local || (await this.containerHealth(t, local)) === 'healthy') ? t : undefined)))).filter(Boolean).length
        : running.filter((t) => Date.now() - Date.parse(t.Status.Timestamp ?? '') >= this.stableMs).length;
      const want = 'Replicated' in service.Spec.Mode ? service.Spec.Mode.Replicated.Replicas : Math.max(1, new Set(desired.map((t) => t.NodeID)).size);
      const updateDone = action !== 'update' || status === undefined || (statusIsOurs && status.State === 'completed');
      last = `${settled}/${want} task(s) running${check ? ' and healthy' : ` for ${this.stableMs} ms`}, ${stale.length} of the old spec${action === 'update' ? `, update ${statusIsOurs ? status?.State : 'not started'}` : ''}`;
      if (settled >= want && desired.length - stale.length === want && stale.length === 0 && updateDone) return;
      await sleep(Math.min(this.pollIntervalMs, Math.max(0, deadline - Date.now())), signal);
    }
    const service = await this.service(swarmService);
    const tasks = service ? await this.tasks([service.ID], true) : [];
    const stuck = tasks.filter((t) => t.Status.State !== 'running' || t.Spec.ContainerSpec?.Labels?.[LABEL_CONFIG_HASH] !== mapped.configHash);
    throw new SwarmDeployError(name, swarmService, 'timeout', `after ${this.convergeTimeoutMs} ms: ${last}`, await Promise.all(stuck.slice(0, 5).map((t) => this.failureOf(t, local))));
  }

  private async removeService(id: string): Promise<void> {
    try {
      await this.client.json('DELETE', `/services/${id}`);
    } catch (error) {
      if (!(isDockerEngineError(error) && error.statusCode === 404)) throw error;
    }
  }

  async down(project: string, options: SwarmDownOptions = {}): Promise<SwarmDownResult> {
    await this.localNode();
    const services = await this.services(project);
    for (const service of services) await this.removeService(service.ID);
    // The tasks' containers go after the services: networks and volumes are free once they are gone.
    const ids = services.map((s) => s.ID);
    for (let attempt = 0; attempt < 120 && ids.length > 0; attempt++) {
      const left = await this.client.json<{ Id: string }[]>('GET', '/containers/json', { query: { all: true, filters: { label: [`com.docker.swarm.service.id`] } } });
      const labelled = await Promise.all(left.map((c) => this.client.json<{ Config: { Labels?: Record<string, string> } }>('GET', `/containers/${c.Id}/json`).catch(() => undefined)));
      if (!labelled.some((c) => ids.includes(c?.Config.Labels?.['com.docker.swarm.service.id'] ?? ''))) break;
      await sleep(250);
    }
    const secrets = await pruneObjects(this.client, 'secret', project, new Set());
    const configs = await pruneObjects(this.client, 'config', project, new Set());
    const networks: string[] = [];
    for (const network of await this.listNetworks(project)) {
      await this.retryInUse(() => this.removeNetwork(project, network.runtimeName));
      networks.push(network.runtimeName);
    }
    const volumes: string[] = [];
    if (options.volumes) {
      for (const volume of await this.listVolumes(project)) {
        await this.retryInUse(() => this.removeVolume(project, volume.runtimeName));
        volumes.push(volume.runtimeName);
      }
    }
    return { services: services.map((s) => s.Spec.Name).sort(), networks, secrets, configs, volumes };
  }

  /** Retries (bounded) while the engine says the resource is still in use by a container going away. */
  private async retryInUse(work: () => Promise<void>): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await work();
        return;
      } catch (error) {
        if (attempt >= 40 || !(isDockerEngineError(error) && (error.statusCode === 403 || error.statusCode === 409 || /in use|active endpoints/i.test(error.engineMessage)))) throw error;
        await sleep(250);
      }
    }
  }

  async ps(project: string): Promise<readonly ContainerInfo[]> {
    return this.listContainers(project, { all: true });
  }

  // --- the Runtime port ---

  async ensureNetwork(request: NetworkRequest): Promise<{ info: ResourceInfo; created: boolean }> {
    const existing = await this.network(request.runtimeName);
    if (existing) return { info: this.networkInfo(request.project, existing), created: false };
    if (request.spec.external) throw new InvalidArgumentError(`swarm: the external network '${request.runtimeName}' does not exist (create it with 'docker network create -d overlay --attachable ${request.runtimeName}')`, { field: 'networks' });
    const { spec } = request;
    await this.client.json('POST', '/networks/create', {
      body: {
        Name: request.runtimeName,
        // Services of a swarm meet on an overlay network; a compose 'bridge' (the default) or the
        // selur driver means "the project's network", which is an overlay here.
        Driver: spec.driver === 'bridge' || spec.driver === 'selur' || spec.driver === '' ? 'overlay' : spec.driver,
        Attachable: true,
        Internal: spec.internal ?? false,
        Options: spec.driver === 'selur' ? {} : { ...spec.driver_opts },
        ...(spec.ipam
          ? { IPAM: { Driver: spec.ipam.driver ?? 'default', Config: spec.ipam.config.map((p) => ({ Subnet: p.subnet, Gateway: p.gateway, IPRange: p.ip_range, AuxiliaryAddresses: p.aux_addresses })), Options: spec.ipam.options } }
          : {}),
        CheckDuplicate: true,
        Labels: { ...spec.labels, [LABEL_PROJECT]: request.project, [LABEL_NETWORK]: request.name },
      },
    });
    const created = await this.network(request.runtimeName);
    if (!created) throw new InvalidArgumentError(`swarm: network '${request.runtimeName}' vanished after it was created`, { field: 'networks' });
    return { info: this.networkInfo(request.project, created), created: true };
  }

  private async network(name: string): Promise<{ Id: string; Name: string; Labels?: Record<string, string> | null } | undefined> {
    try {
      return await this.client.json('GET', `/networks/${encodeURIComponent(name)}`);
    } catch (error) {
      if (isDockerEngineError(error) && error.statusCode === 404) return undefined;
      throw error;
    }
  }

  private networkInfo(project: string, network: { Id: string; Name: string; Labels?: Record<string, string> | null }): ResourceInfo {
    const labels = network.Labels ?? {};
    const name = labels[LABEL_NETWORK] ?? (network.Name.startsWith(`${project}_`) ? network.Name.slice(project.length + 1) : network.Name);
    return { id: network.Id, name, runtimeName: network.Name, project: labels[LABEL_PROJECT] ?? project, labels: { ...labels } };
  }

  async removeNetwork(project: string, runtimeName: string): Promise<void> {
    const existing = await this.network(runtimeName);
    if (!existing || existing.Labels?.[LABEL_PROJECT] !== project) return;
    try {
      await this.client.json('DELETE', `/networks/${existing.Id}`);
    } catch (error) {
      if (!(isDockerEngineError(error) && error.statusCode === 404)) throw error;
    }
  }

  async listNetworks(project: string): Promise<readonly ResourceInfo[]> {
    const networks = await this.client.json<{ Id: string; Name: string; Labels?: Record<string, string> | null }[]>('GET', '/networks', { query: { filters: projectFilter(project) } });
    return networks.map((n) => this.networkInfo(project, n)).sort((a, b) => a.runtimeName.localeCompare(b.runtimeName));
  }

  async ensureVolume(request: VolumeRequest): Promise<{ info: ResourceInfo; created: boolean }> {
    const existing = (await this.listVolumes(request.project)).find((v) => v.runtimeName === request.runtimeName);
    if (existing) return { info: existing, created: false };
    const volume = await this.client.json<{ Name: string; Labels?: Record<string, string> | null }>('POST', '/volumes/create', {
      body: { Name: request.runtimeName, Driver: request.spec.driver || 'local', DriverOpts: { ...request.spec.driver_opts }, Labels: { ...request.spec.labels, [LABEL_PROJECT]: request.project, [LABEL_VOLUME]: request.name } },
    });
    return { info: { id: volume.Name, name: request.name, runtimeName: volume.Name, project: request.project, labels: { ...(volume.Labels ?? {}) } }, created: true };
  }

  async removeVolume(project: string, runtimeName: string): Promise<void> {
    if (!(await this.listVolumes(project)).some((v) => v.runtimeName === runtimeName)) return;
    try {
      await this.client.json('DELETE', `/volumes/${encodeURIComponent(runtimeName)}`);
    } catch (error) {
      if (!(isDockerEngineError(error) && error.statusCode === 404)) throw error;
    }
  }

  /** Named volumes of the project on this node (Swarm creates them on each node that runs a task). */
  async listVolumes(project: string): Promise<readonly ResourceInfo[]> {
    const answer = await this.client.json<{ Volumes: { Name: string; Labels?: Record<string, string> | null }[] | null }>('GET', '/volumes', { query: { filters: projectFilter(project) } });
    return (answer.Volumes ?? [])
      .map((v) => {
        const labels = v.Labels ?? {};
        return { id: v.Name, name: labels[LABEL_VOLUME] ?? v.Name, runtimeName: v.Name, project, labels: { ...labels } };
      })
      .sort((a, b) => a.runtimeName.localeCompare(b.runtimeName));
  }

  createContainer(): Promise<ContainerInfo> {
    return Promise.reject(new UnsupportedOperationError('swarm', 'createContainer', { hint: NO_CONTAINERS }));
  }
  startContainer(): Promise<ContainerInfo> {
    return Promise.reject(new UnsupportedOperationError('swarm', 'startContainer', { hint: NO_CONTAINERS }));
  }
  stopContainer(): Promise<void> {
    return Promise.reject(new UnsupportedOperationError('swarm', 'stopContainer', { hint: NO_CONTAINERS }));
  }
  removeContainer(): Promise<void> {
    return Promise.reject(new UnsupportedOperationError('swarm', 'removeContainer', { hint: NO_CONTAINERS }));
  }

  /** The current tasks (desired state running) of the project's services; `all: false` keeps the running ones. */
  async listContainers(project: string, options: { readonly all?: boolean | undefined } = {}): Promise<readonly ContainerInfo[]> {
    const services = await this.services(project);
    const tasks = await this.tasks(services.map((s) => s.ID), true);
    const infos = await this.infos(tasks, services);
    return options.all === false ? infos.filter((i) => i.state === 'running') : infos;
  }

  private async task(id: string): Promise<SwarmTask> {
    try {
      return await this.client.json<SwarmTask>('GET', `/tasks/${encodeURIComponent(id)}`);
    } catch (error) {
      if (isDockerEngineError(error) && error.statusCode === 404) throw new ContainerNotFoundError('swarm', id, { cause: error });
      throw error;
    }
  }

  async inspectContainer(id: string): Promise<ContainerInfo> {
    const task = await this.task(id);
    const service = await this.service(task.ServiceID);
    if (!service) throw new ContainerNotFoundError('swarm', id);
    const siblings = service.Spec.Mode && 'Global' in service.Spec.Mode ? await this.tasks([service.ID], true) : [task];
    const [info] = await this.infos(siblings.some((t) => t.ID === id) ? siblings : [task], [service]).then((all) => all.filter((i) => i.id === id));
    if (!info) throw new ContainerNotFoundError('swarm', id);
    return info;
  }

  private async *stream(response: IncomingMessage, options: LogOptions): AsyncGenerator<LogLine> {
    const stop = () => response.destroy();
    options.signal?.addEventListener('abort', stop, { once: true });
    try {
      for await (const line of responseLines(response, false, true)) {
        if (options.since !== undefined && line.timestamp.getTime() < options.since.getTime()) continue;
        yield line;
      }
    } catch (error) {
      if (!options.signal?.aborted) throw error;
    } finally {
      options.signal?.removeEventListener('abort', stop);
      response.destroy();
    }
  }

  private logQuery(options: LogOptions) {
    return {
      stdout: true,
      stderr: true,
      timestamps: true,
      follow: options.follow === true,
      tail: options.tail === undefined ? 'all' : Math.max(0, Math.floor(options.tail)),
      since: options.since === undefined ? undefined : (options.since.getTime() / 1000).toFixed(3),
    };
  }

  private async *taskLogs(taskId: string, options: LogOptions): AsyncGenerator<LogLine> {
    if (options.signal?.aborted) return;
    let response: IncomingMessage;
    try {
      response = await this.client.stream('GET', `/tasks/${encodeURIComponent(taskId)}/logs`, { query: this.logQuery(options), signal: options.signal });
    } catch (error) {
      if (options.signal?.aborted) return;
      if (isDockerEngineError(error) && error.statusCode === 404) throw new ContainerNotFoundError('swarm', taskId, { cause: error });
      throw error;
    }
    yield* this.stream(response, options);
  }

  /** One task's output (Swarm's task logs). */
  logs(id: string, options: LogOptions = {}): AsyncIterable<LogLine> {
    return this.taskLogs(id, options);
  }

  async *serviceLogs(project: string, service: string, options: LogOptions = {}): AsyncIterable<LogLine> {
    if (options.signal?.aborted) return;
    let response: IncomingMessage;
    try {
      response = await this.client.stream('GET', `/services/${encodeURIComponent(serviceName(project, service))}/logs`, { query: this.logQuery(options), signal: options.signal });
    } catch (error) {
      if (options.signal?.aborted) return;
      throw error;
    }
    yield* this.stream(response, options);
  }

  /** The container of a task that runs on this node (exec reaches no other node). */
  private async localContainer(id: string): Promise<{ task: SwarmTask; container: string }> {
    const [task, local] = await Promise.all([this.task(id), this.localNode()]);
    const container = task.Status.ContainerStatus?.ContainerID;
    if (task.NodeID !== local) {
      throw new UnsupportedOperationError('swarm', 'exec on another node', { hint: `task ${id} runs on node ${await this.nodeName(task.NodeID)}; exec reaches tasks of the node the engine API belongs to (point DOCKER_HOST at that node)` });
    }
    if (!container) throw new ContainerNotFoundError('swarm', id);
    return { task, container };
  }

  async exec(id: string, command: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    if (command.length === 0) throw new InvalidArgumentError('exec: the command is empty', { field: 'command' });
    const { container } = await this.localContainer(id);
    try {
      return await execInContainer(this.client, container, command, options);
    } catch (error) {
      if (isDockerEngineError(error) && error.statusCode === 404) throw new ContainerNotFoundError('swarm', id, { cause: error });
      throw error;
    }
  }

  async probeHealth(id: string, options: { readonly timeoutMs?: number; readonly signal?: AbortSignal } = {}): Promise<ProbeResult> {
    const { task } = await this.localContainer(id);
    const service = await this.service(task.ServiceID);
    const check = service?.Spec.TaskTemplate.ContainerSpec.Healthcheck;
    const [kind, ...rest] = check?.Test ?? [];
    if (kind === undefined || kind === 'NONE' || rest.length === 0) {
      throw new InvalidArgumentError(`swarm: task ${id} has no healthcheck to probe`, { service: service?.Spec.Labels[LABEL_SERVICE], field: 'healthcheck' });
    }
    const command = kind === 'CMD-SHELL' ? ['/bin/sh', '-c', rest.join(' ')] : rest;
    const timeoutMs = options.timeoutMs ?? (check?.Timeout ? check.Timeout / 1e6 : 30_000);
    const result = await this.exec(id, command, { timeoutMs, signal: options.signal });
    const output = `${result.stdout}${result.stderr}`.trim();
    return { healthy: result.exitCode === 0, exitCode: result.exitCode, output: output.slice(0, 4096) };
  }

  async close(): Promise<void> {
    this.client.close();
  }
}

/**
 * A {@link SwarmRuntime} over the Engine API of a Swarm manager (through the client of
 * `@selur/compose-docker`): a Swarm service `<project>_<service>` per compose service, labelled
 * with the project, service and config hash like every runtime's containers; attachable overlay
 * networks; secrets and configs under versioned names; `deploy` mapped field by field.
 *
 * @example
 * ```ts
 * import { loadProject } from '@selur/compose';
 * import { swarmRuntime, isSwarmDeployError } from '@selur/compose-swarm';
 * const swarm = swarmRuntime();
 * const project = await loadProject('compose.toml');
 * try {
 *   const { services } = await swarm.up(project);
 *   console.log(services.map((s) => `${s.service}: ${s.action}`));
 * } catch (error) {
 *   if (isSwarmDeployError(error)) for (const t of error.tasks) console.error(t.node, t.error, t.logs);
 * }
 * await swarm.down(project.name);
 * ```
 */
export function swarmRuntime(options: SwarmRuntimeOptions = {}): SwarmRuntime {
  return new SwarmEngineRuntime(options);
}

