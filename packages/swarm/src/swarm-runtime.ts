import {
  ContainerNotFoundError, InvalidArgumentError, LABEL_CONFIG_HASH, LABEL_NETWORK, LABEL_PROJECT, LABEL_REPLICA, LABEL_VOLUME,
  UnsupportedOperationError,
  type ContainerInfo, type ContainerRequest, type ContainerState, type ProjectSummary, type ExecOptions, type ExecResult, type ListOptions, type LogLine, type LogOptions, type NetworkRequest,
  type ProbeResult, type ResourceInfo, type RuntimeCapability, type ServiceRequest, type StopOptions, type VolumeRequest,
} from '@selur/compose';
import { EngineClient, execInContainer, isDockerEngineError, logQuery, resolveEngineAddress, responseLines } from '@selur/compose-docker/engine';
import type { IncomingMessage } from 'node:http';
import { SwarmDeployError, type SwarmTaskFailure } from './errors/swarm-deploy-error.js';
import { SwarmInactiveError } from './errors/swarm-inactive-error.js';
import { LABEL_OBJECT, mapService, type MappedService } from './mapping/service-spec.js';
import type { SwarmContainerSpec, SwarmService, SwarmServiceSpec, SwarmTask } from './mapping/swarm-types.js';

import { ensureObjects, pruneObjects, type ObjectKind } from './objects.js';
import type { SwarmRuntime, SwarmRuntimeOptions } from './options.js';
import { ProjectWatch, type ProjectView } from './project-watch.js';
import { settle, TERMINAL_STATES } from './settle.js';
import { hasHealthcheck, healthInStatus, LABEL_EXIT_CODE, LABEL_STOPPED, serviceInfo, taskInfo } from './tasks.js';
import { compareNames } from './compare-names.js';

/**
 * What Swarm applies. Left out (so the engine refuses them by name before anything is
 * created): the container fields a Swarm task has no equivalent for (`privileged`, `devices`,
 * `network_mode`, `pid`, `ipc`, `container_name`, `links`, …), bind mounts (a path on this
 * machine is not on the node that runs the task), `build` (Swarm runs images the nodes have),
 * `pause`, per-network fixed addresses.
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
  'networks', 'volumes', 'ports', 'secrets', 'logs', 'logs.follow', 'exec', 'exec.output', 'exec.user', 'exec.privileged', 'health', 'restart-policy', 'replicas',
]);

/** What a deploy's wait saw last: the service, its tasks, and the ids of those it knows healthy. */
interface Converged {
  readonly service: SwarmService;
  readonly tasks: readonly SwarmTask[];
  readonly healthy: ReadonlySet<string>;
}

/** Tasks already read, and their health as known, for {@link SwarmEngineRuntime.infos}. */
interface KnownTasks {
  readonly tasks: readonly SwarmTask[];
  readonly health: (task: SwarmTask) => string | undefined;
}

/** What deployService did to a Swarm service. @internal */
type DeployAction = 'create' | 'update' | 'scale' | 'unchanged';

const FAILED_STATES = new Set(['failed', 'rejected']);
/** The label Swarm puts on a task's container: the task's id. */
const LABEL_TASK_ID = 'com.docker.swarm.task.id';
const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
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

/** A one-container unit (made by createContainer) carries its replica on the service itself. */
function isUnit(service: SwarmService): boolean {
  return service.Spec.Labels[LABEL_REPLICA] !== undefined;
}

const byCreation = (a: SwarmTask, b: SwarmTask) => Date.parse(a.CreatedAt ?? '') - Date.parse(b.CreatedAt ?? '');

/** What an id names: a task of a service, or a service (a unit, or a service with no task). */
interface Target {
  readonly service: SwarmService;
  readonly task?: SwarmTask | undefined;
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
  private nodeId: Promise<string> | undefined;
  private readonly nodeNames = new Map<string, string>();
  /**
   * The service of each task this object has seen: Swarm reaps the tasks of a service scaled to
   * 0, so a stop followed by a removal (the engine's teardown) still finds the service by the
   * task's id.
   */
  private readonly taskServices = new Map<string, string>();
  /** One change at a time per Swarm service (each update names the version it read). */
  private readonly serviceOps = new Map<string, Promise<unknown>>();
  /** The reads of each project while deploys wait on it: one per tick for all of them. */
  private readonly watch: ProjectWatch;

  constructor(options: SwarmRuntimeOptions) {
    const address = resolveEngineAddress(options.host);
    this.client = new EngineClient(address, options.apiVersion);
    this.host = address.display;
    this.publishHost = options.publishHost ?? '127.0.0.1';
    this.convergeTimeoutMs = options.convergeTimeoutMs ?? 300_000;
    this.pollIntervalMs = Math.max(50, options.pollIntervalMs ?? 500);
    this.maxTaskFailures = options.maxTaskFailures ?? 3;
    this.stableMs = Math.max(0, options.stableMs ?? 3000);
    this.watch = new ProjectWatch((project) => this.readView(project), this.pollIntervalMs);
  }

  /** The project's services and their tasks: two requests, whatever the number of services. */
  private async readView(project: string): Promise<ProjectView> {
    const filters = projectFilter(project);
    const [services, tasks] = await Promise.all([
      this.client.json<SwarmService[]>('GET', '/services', { query: { filters } }),
      // (the label filter of /tasks matches the labels of the task's service)
      this.client.json<SwarmTask[]>('GET', '/tasks', { query: { filters } }),
    ]);
    return { services, tasks };
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

  /** Runs `work` after every earlier change of the same Swarm service. */
  private serialized<T>(serviceId: string, work: () => Promise<T>): Promise<T> {
    const before = this.serviceOps.get(serviceId) ?? Promise.resolve();
    const next = before.catch(() => undefined).then(work);
    const tail = next.catch(() => undefined);
    this.serviceOps.set(serviceId, tail);
    void tail.then(() => {
      if (this.serviceOps.get(serviceId) === tail) this.serviceOps.delete(serviceId);
    });
    return next;
  }

  /** The project's Swarm services (SwarmInactiveError first when the engine is no manager). */
  private async services(project: string): Promise<SwarmService[]> {
    await this.localNode();
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

  /** A task id, or a service id (a unit, a service with no task yet); ContainerNotFoundError otherwise. */
  private async target(id: string): Promise<Target> {
    let task: SwarmTask | undefined;
    try {
      task = await this.client.json<SwarmTask>('GET', `/tasks/${encodeURIComponent(id)}`);
    } catch (error) {
      if (!(isDockerEngineError(error) && (error.statusCode === 404 || error.statusCode === 400))) throw error;
    }
    const service = await this.service(task ? task.ServiceID : (this.taskServices.get(id) ?? id));
    if (!service || (!task && service.ID !== id && this.taskServices.get(id) !== service.ID)) throw new ContainerNotFoundError('swarm', id);
    if (task) this.taskServices.set(task.ID, service.ID);
    // A task of a unit stands for the unit.
    return task && !isUnit(service) ? { service, task } : { service };
  }

  /** {@link target}, or undefined when there is none (already gone: nothing to stop or remove). */
  private async targetIfAny(id: string): Promise<Target | undefined> {
    try {
      return await this.target(id);
    } catch (error) {
      if (error instanceof ContainerNotFoundError) return undefined;
      throw error;
    }
  }

  /** Docker's health of a task's container, when it runs on this node. */
  private async containerHealth(task: SwarmTask | undefined, localNode: string): Promise<string | undefined> {
    const id = task?.Status.ContainerStatus?.ContainerID;
    if (!task || !id || task.NodeID !== localNode) return undefined;
    const inspect = await this.client.json<{ State?: { Health?: { Status?: string } } }>('GET', `/containers/${id}/json`).catch(() => undefined);
    return inspect?.State?.Health?.Status;
  }

  /** Docker's health of each running container of the project on this node, by container id (from its status line). */
  private async localHealth(project: string): Promise<Map<string, string>> {
    const containers = await this.client.json<{ Id: string; Status?: string }[]>('GET', '/containers/json', { query: { filters: projectFilter(project) } });
    return new Map(containers.flatMap((c) => {
      const health = healthInStatus(c.Status);
      return health ? [[c.Id, health] as const] : [];
    }));
  }

  /**
   * The containers of services: a unit is one container; a service's tasks that should run are
   * its containers, else (stopped: scaled to 0) its latest task of each slot, else (never
   * started) the service itself, created.
   */
  private async infos(services: readonly SwarmService[], known?: KnownTasks): Promise<ContainerInfo[]> {
    if (services.length === 0) return [];
    const local = await this.localNode();
    const all = known ? known.tasks : await this.tasks(services.map((s) => s.ID), false);
    for (const task of all) this.taskServices.set(task.ID, task.ServiceID);
    const project = services[0]?.Spec.Labels[LABEL_PROJECT];
    // Docker's health of the project's containers on this node: one list, not an inspect per task.
    const listed = !known && project && all.some((t) => t.NodeID === local && t.Status.ContainerStatus?.ContainerID) ? await this.localHealth(project) : undefined;
    const healthOf = (task: SwarmTask | undefined): Promise<string | undefined> => {
      if (known) return Promise.resolve(task && known.health(task));
      if (listed) return Promise.resolve(task?.NodeID === local ? listed.get(task.Status.ContainerStatus?.ContainerID ?? '') : undefined);
      return this.containerHealth(task, local);
    };
    const out: Promise<ContainerInfo>[] = [];
    for (const service of services) {
      const tasks = all.filter((t) => t.ServiceID === service.ID).sort(byCreation);
      if (isUnit(service)) {
        out.push(healthOf(tasks.at(-1)).then((health) => serviceInfo(service, tasks, { publishHost: this.publishHost, health })));
        continue;
      }
      let shown = tasks.filter((t) => t.DesiredState === 'running');
      if (shown.length === 0) shown = [...new Map(tasks.map((t) => [t.Slot ?? t.NodeID ?? t.ID, t])).values()];
      if (shown.length === 0) {
        out.push(Promise.resolve(serviceInfo(service, [], { publishHost: this.publishHost })));
        continue;
      }
      const nodes = [...new Set(shown.map((t) => t.NodeID ?? ''))].sort();
      for (const task of shown) {
        out.push(healthOf(task).then((health) => taskInfo(task, service, { publishHost: this.publishHost, health, replica: nodes.indexOf(task.NodeID ?? '') + 1 })));
      }
    }
    return (await Promise.all(out)).sort((a, b) => compareNames(a.service, b.service) || a.replica - b.replica || compareNames(a.id, b.id));
  }

  // --- whole services (the engine's path) ---

  /** Secrets and configs in the swarm (versioned names), then the Swarm spec. */
  private async map(request: ServiceRequest, unit: boolean): Promise<MappedService> {
    const secrets = await ensureObjects(this.client, 'secret', request);
    const configs = await ensureObjects(this.client, 'config', request);
    return mapService({ request, secrets, configs, unit });
  }

  /**
   * Creates the Swarm service, or updates it (Swarm's rolling update, its update_config and
   * rollback_config apply) when its config changed, or scales it; then waits until it has
   * converged and returns its tasks. A failed update is rolled back by Swarm where
   * `update_config.failure_action` says so; the error says what the tasks reported.
   */
  async deployService(request: ServiceRequest, options: { readonly signal?: AbortSignal | undefined } = {}): Promise<readonly ContainerInfo[]> {
    await this.localNode();
    const mapped = await this.map(request, false);
    options.signal?.throwIfAborted();
    const existing = await this.service(request.name);
    const action = existing
      ? await this.serialized(existing.ID, () => this.apply(request.name, mapped))
      : await this.client.json('POST', '/services/create', { body: mapped.spec }).then(() => 'create' as const);
    const converged = await this.converge(request.service, mapped, action, options.signal);
    await this.pruneFor(request, converged.service);
    // What the wait saw last (no read more): its tasks, healthy where it found them so.
    return this.infos([converged.service], { tasks: converged.tasks, health: (t) => (converged.healthy.has(t.ID) ? 'healthy' : undefined) });
  }

  /**
   * Updates the service when its config or scale changed (scaling alone keeps the task template as
   * the swarm holds it). Read again and retried when Swarm moved the version on in between.
   */
  private async apply(name: string, mapped: MappedService): Promise<DeployAction> {
    for (let attempt = 1; ; attempt++) {
      const existing = await this.service(name);
      if (!existing) {
        await this.client.json('POST', '/services/create', { body: mapped.spec });
        return 'create';
      }
      const sameConfig = existing.Spec.Labels[LABEL_CONFIG_HASH] === mapped.configHash;
      const sameScale = JSON.stringify(existing.Spec.Mode) === JSON.stringify(mapped.spec.Mode);
      if (sameConfig && sameScale) return 'unchanged';
      const body: SwarmServiceSpec = sameConfig ? { ...existing.Spec, Mode: mapped.spec.Mode } : mapped.spec;
      try {
        await this.client.json('POST', `/services/${existing.ID}/update`, { query: { version: existing.Version.Index }, body });
        return sameConfig ? 'scale' : 'update';
      } catch (error) {
        if (!isOutOfSequence(error) || attempt >= MAX_UPDATE_ATTEMPTS) throw error;
      }
    }
  }

  /** Removes the older versions of this service's secrets and configs once no service uses them (the swarm refuses to remove one in use). */
  private async pruneFor(request: ServiceRequest, service: SwarmService): Promise<void> {
    const names: Record<ObjectKind, Set<string>> = {
      secret: new Set(request.spec.secrets.map((r) => r.source)),
      config: new Set((request.spec.configs ?? []).map((r) => r.source)),
    };
    const keep = new Set([
      ...(service.Spec.TaskTemplate.ContainerSpec.Secrets ?? []).map((r) => r.SecretID),
      ...(service.Spec.TaskTemplate.ContainerSpec.Configs ?? []).map((r) => r.ConfigID),
    ]);
    for (const kind of ['secret', 'config'] as const) {
      if (names[kind].size > 0) await pruneObjects(this.client, kind, request.project, keep, (o) => names[kind].has(o.Spec.Labels?.[LABEL_OBJECT] ?? ''));
    }
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
      for await (const line of this.readLogs(taskId, { tail: lines, signal: AbortSignal.timeout(5000) })) out.push(line.text);
    } catch {
      // no logs to be had (task never started, node gone)
    }
    return out.slice(-lines);
  }

  /**
   * Waits (bounded in time and reads) until the service has its desired tasks running with the new
   * config, healthy where it has a healthcheck, and — after an update — Swarm's update completed.
   * It reads through the project's shared watch (one read per tick for every service being
   * deployed; see {@link settle} for when a task counts). Returns what it saw last: the service,
   * its tasks, and the tasks known healthy.
   */
  private async converge(name: string, mapped: MappedService, action: DeployAction, signal: AbortSignal | undefined): Promise<Converged> {
    const swarmService = mapped.spec.Name;
    const project = mapped.spec.Labels[LABEL_PROJECT] ?? '';
    const since = Date.now() - 2000;
    const deadline = Date.now() + this.convergeTimeoutMs;
    const attempts = Math.ceil(this.convergeTimeoutMs / this.pollIntervalMs) + 1;
    const local = await this.localNode();
    const noRestart = mapped.spec.TaskTemplate.RestartPolicy?.Condition === 'none';
    const swarmDecides = action === 'update' && (mapped.spec.UpdateConfig?.FailureAction === 'rollback' || mapped.spec.UpdateConfig?.FailureAction === 'pause');
    let last = 'no task yet';
    for (let attempt = 0; attempt < attempts && Date.now() <= deadline; attempt++) {
      signal?.throwIfAborted();
      const seen = await this.watch.next(project, signal);
      const service = seen.services.find((s) => s.Spec.Name === swarmService);
      if (!service) throw new SwarmDeployError(name, swarmService, 'failed', 'the service was removed while it converged', []);
      const tasks = seen.tasks.filter((t) => t.ServiceID === service.ID);
      const ours = tasks.filter((t) => t.Spec.ContainerSpec?.Labels?.[LABEL_CONFIG_HASH] === mapped.configHash && Date.parse(t.CreatedAt ?? '') >= since - 60_000);
      const failed = ours.filter((t) => FAILED_STATES.has(t.Status.State) && Date.parse(t.CreatedAt ?? '') >= since);
      const status = service.UpdateStatus;
      const statusIsOurs = status?.StartedAt !== undefined && Date.parse(status.StartedAt) >= since;
      // Swarm's own rollback (update_config.failure_action: rollback): once it has put the
      // previous spec back, the update failed; the old replicas serve again.
      if (action === 'update' && statusIsOurs && (status?.State === 'rollback_completed' || status?.State === 'rollback_paused')) {
        throw new SwarmDeployError(name, swarmService, 'rolled-back', status.Message ?? 'Swarm rolled the update back', await Promise.all(failed.slice(-5).map((t) => this.failureOf(t, local))));
      }
      if (action === 'update' && statusIsOurs && status?.State === 'rollback_started') {
        last = `Swarm is rolling the update back: ${status.Message ?? ''}`;
        continue;
      }
      if (action === 'update' && statusIsOurs && status?.State === 'paused') {
        throw new SwarmDeployError(name, swarmService, 'paused', status.Message ?? 'Swarm paused the update', await Promise.all(failed.slice(-5).map((t) => this.failureOf(t, local))));
      }
      // While Swarm updates a service whose update_config says what to do on failure (pause,
      // rollback), Swarm decides: its update status says so above.
      if (failed.length > 0 && !swarmDecides && (noRestart || failed.length > this.maxTaskFailures)) {
        throw new SwarmDeployError(name, swarmService, 'failed', `${failed.length} task(s) of the new spec failed`, await Promise.all(failed.slice(-5).map((t) => this.failureOf(t, local))));
      }
      const desired = tasks.filter((t) => t.DesiredState === 'running');
      const stale = desired.filter((t) => t.Spec.ContainerSpec?.Labels?.[LABEL_CONFIG_HASH] !== mapped.configHash);
      const current = desired.filter((t) => t.Spec.ContainerSpec?.Labels?.[LABEL_CONFIG_HASH] === mapped.configHash);
      const hasCheck = hasHealthcheck(service);
      const settled = settle({ tasks: current, hasCheck, now: Date.now(), stableMs: this.stableMs });
      const want = 'Replicated' in service.Spec.Mode ? service.Spec.Mode.Replicated.Replicas : Math.max(1, new Set(desired.map((t) => t.NodeID)).size);
      const updateDone = action !== 'update' || status === undefined || (statusIsOurs && status.State === 'completed');
      last = `${settled.length}/${want} task(s) running${hasCheck ? ' and healthy' : ` for ${this.stableMs} ms`}, ${stale.length} of the old spec${action === 'update' ? `, update ${statusIsOurs ? status?.State : 'not started'}` : ''}`;
      if (settled.length >= want && current.length === want && stale.length === 0 && updateDone) {
        return { service, tasks, healthy: new Set(hasCheck ? settled.map((t) => t.ID) : []) };
      }
    }
    const service = await this.service(swarmService);
    const tasks = service ? await this.tasks([service.ID], true) : [];
    const stuck = tasks.filter((t) => t.Status.State !== 'running' || t.Spec.ContainerSpec?.Labels?.[LABEL_CONFIG_HASH] !== mapped.configHash);
    throw new SwarmDeployError(name, swarmService, 'timeout', `after ${this.convergeTimeoutMs} ms: ${last}`, await Promise.all(stuck.slice(0, 5).map((t) => this.failureOf(t, local))));
  }

  // --- the Runtime port ---

  async ensureNetwork(request: NetworkRequest): Promise<{ info: ResourceInfo; created: boolean }> {
    await this.localNode();
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

  /** Removes the network; retries (bounded) while the engine says a container going away still uses it. */
  async removeNetwork(project: string, runtimeName: string): Promise<void> {
    const existing = await this.network(runtimeName);
    if (!existing || existing.Labels?.[LABEL_PROJECT] !== project) return;
    for (let attempt = 0; ; attempt++) {
      try {
        await this.client.json('DELETE', `/networks/${existing.Id}`);
        return;
      } catch (error) {
        if (isDockerEngineError(error) && error.statusCode === 404) return;
        if (attempt >= 40 || !(isDockerEngineError(error) && (error.statusCode === 403 || error.statusCode === 409 || /in use|active endpoints/i.test(error.engineMessage)))) throw error;
        await sleep(250);
      }
    }
  }

  async listNetworks(project: string): Promise<readonly ResourceInfo[]> {
    const networks = await this.client.json<{ Id: string; Name: string; Labels?: Record<string, string> | null }[]>('GET', '/networks', { query: { filters: projectFilter(project) } });
    return networks.map((n) => this.networkInfo(project, n)).sort((a, b) => compareNames(a.runtimeName, b.runtimeName));
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
      .sort((a, b) => compareNames(a.runtimeName, b.runtimeName));
  }


  // --- containers: one-container units, and the tasks of services ---

  /**
   * One container as a Swarm service of its own (`<project>_<service>_<replica>`), held at 0
   * replicas until it is started: a unit. Its ports are published on the node (host mode) unless
   * the request says otherwise, and `restart` is its restart policy.
   */
  async createContainer(request: ContainerRequest): Promise<ContainerInfo> {
    await this.localNode();
    const { replica: _replica, ...rest } = request;
    const mapped = await this.map({ ...rest, replicas: 0 }, true);
    if (await this.service(request.name)) throw new InvalidArgumentError(`swarm: a service named '${request.name}' exists already`, { service: request.service });
    const created = await this.client.json<{ ID: string }>('POST', '/services/create', { body: mapped.spec });
    return this.inspectContainer(created.ID);
  }

  /** Starts a unit (1 replica) and waits, bounded, until Swarm has given it a task. A service's task runs already. */
  async startContainer(id: string): Promise<ContainerInfo> {
    const { service, task } = await this.target(id);
    if (task || !isUnit(service)) {
      const info = await this.inspectContainer(id);
      if (info.state === 'running' || info.state === 'created') return info;
      throw new UnsupportedOperationError('swarm', 'start a task', { service: info.service, hint: 'Swarm starts the tasks of a service; deploy it again (up) to start it' });
    }
    await this.serialized(service.ID, () => this.scale(service.ID, 1));
    for (let attempt = 0; attempt < 120; attempt++) {
      const info = await this.inspectContainer(id);
      if (info.state !== 'created') return info;
      await sleep(250);
    }
    return this.inspectContainer(id);
  }

  /**
   * Sets the replica count. A unit stopped (scaled to 0) records its restart count and last exit
   * code on the service, since Swarm reaps the tasks of a service scaled to 0; starting it again
   * clears them.
   */
  private async scale(serviceId: string, replicas: number): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const service = await this.service(serviceId);
      if (!service) return;
      if (!('Replicated' in service.Spec.Mode)) throw new UnsupportedOperationError('swarm', 'scale a global service', { service: service.Spec.Labels['io.selur.compose.service'], hint: 'a global service runs one task per node; remove it instead' });
      if (service.Spec.Mode.Replicated.Replicas === replicas) return;
      const { [LABEL_STOPPED]: _restarts, [LABEL_EXIT_CODE]: _exit, ...labels } = service.Spec.Labels;
      if (replicas === 0 && isUnit(service)) {
        const tasks = (await this.tasks([service.ID], false)).sort(byCreation);
        const exitCode = tasks.at(-1)?.Status.ContainerStatus?.ExitCode;
        labels[LABEL_STOPPED] = String(Math.max(0, tasks.length - 1));
        if (exitCode !== undefined && TERMINAL_STATES.has(tasks.at(-1)?.Status.State ?? '')) labels[LABEL_EXIT_CODE] = String(exitCode);
      }
      try {
        await this.client.json('POST', `/services/${service.ID}/update`, { query: { version: service.Version.Index }, body: { ...service.Spec, Labels: labels, Mode: { Replicated: { Replicas: replicas } } } });
        return;
      } catch (error) {
        if (!isOutOfSequence(error) || attempt >= MAX_UPDATE_ATTEMPTS) throw error;
      }
    }
  }

  /**
   * Stops a unit, or the whole service a task belongs to (Swarm stops services, not tasks):
   * scaled to 0, then waits (bounded by the grace period) until no task of it runs.
   */
  async stopContainer(id: string, options: StopOptions): Promise<void> {
    const target = await this.targetIfAny(id);
    if (!target) return;
    const { service } = target;
    await this.serialized(service.ID, () => this.scale(service.ID, 0));
    // Swarm stops them with the service's own grace period; the caller's applies on this node.
    await this.onLocalContainers(service.ID, (id) => this.client.json('POST', `/containers/${id}/stop`, { query: { t: Math.ceil(Math.max(0, options.timeoutMs) / 1000) } }));
    const deadline = Date.now() + Math.max(0, options.timeoutMs) + 15_000;
    while (Date.now() < deadline) {
      // (removed meanwhile, by the removal of another of its tasks: stopped)
      const tasks = await this.tasks([service.ID], false).catch((error: unknown) => {
        if (isDockerEngineError(error) && error.statusCode === 404) return [];
        throw error;
      });
      // done once every task has ended or never started a container (a restart cut short)
      if (tasks.every((t) => TERMINAL_STATES.has(t.Status.State) || !t.Status.ContainerStatus?.ContainerID)) return;
      await sleep(200);
    }
  }

  /**
   * Removes a unit, or the whole service a task belongs to; waits (bounded) until its containers
   * are gone, so that its networks and volumes can go too, then removes the project's secrets and
   * configs no service uses any more.
   */
  async removeContainer(id: string, options: { readonly force?: boolean | undefined } = {}): Promise<void> {
    const target = await this.targetIfAny(id);
    if (!target) return;
    const { service } = target;
    const project = service.Spec.Labels[LABEL_PROJECT] ?? '';
    await this.serialized(service.ID, async () => {
      if (options.force) await this.onLocalContainers(service.ID, (cid) => this.client.json('POST', `/containers/${cid}/kill`));
      for (const [task, owner] of this.taskServices) if (owner === service.ID) this.taskServices.delete(task);
      await this.awaitReaped(service.ID);
      try {
        await this.client.json('DELETE', `/services/${service.ID}`);
      } catch (error) {
        if (!(isDockerEngineError(error) && error.statusCode === 404)) throw error;
      }
      for (let attempt = 0; attempt < 240; attempt++) {
        const left = await this.client.json<unknown[]>('GET', '/containers/json', { query: { all: true, filters: { label: [`com.docker.swarm.service.id=${service.ID}`] } } });
        if (left.length === 0) break;
        await sleep(250);
      }
    });
    if (project) {
      const used = new Set<string>();
      for (const s of await this.services(project)) {
        for (const r of s.Spec.TaskTemplate.ContainerSpec.Secrets ?? []) used.add(r.SecretID);
        for (const r of s.Spec.TaskTemplate.ContainerSpec.Configs ?? []) used.add(r.ConfigID);
      }
      await pruneObjects(this.client, 'secret', project, used);
      await pruneObjects(this.client, 'config', project, used);
    }
  }

  /**
   * Waits (bounded: 5 s) until Swarm's task reaper has deleted the tasks of a stopped service
   * (scaled to 0: their desired state is `remove`). Removing the service while the reaper deletes
   * them races in the swarm manager: Docker 20.10's orchestrator reads the service's tasks, then
   * updates each, and a task deleted in between crashes the daemon (a nil task in
   * `SetServiceTasksRemove`, seen here during a teardown). Without such tasks it returns at once.
   */
  private async awaitReaped(serviceId: string): Promise<void> {
    for (let attempt = 0; attempt < 50; attempt++) {
      const tasks = await this.tasks([serviceId], false).catch(() => []);
      if (!tasks.some((t) => t.DesiredState === 'remove')) return;
      await sleep(100);
    }
  }

  /** Runs `work` on each running container of the service's tasks on this node (what is gone meanwhile is skipped). */
  private async onLocalContainers(serviceId: string, work: (containerId: string) => Promise<unknown>): Promise<void> {
    const running = await this.client.json<{ Id: string }[]>('GET', '/containers/json', { query: { filters: { label: [`com.docker.swarm.service.id=${serviceId}`] } } });
    await Promise.all(running.map((c) => work(c.Id).catch(() => undefined)));
  }

  /** Units and the tasks of services of the project (see {@link infos}); `all: false` keeps the running ones. */
  async listContainers(project: string, options: ListOptions = {}): Promise<readonly ContainerInfo[]> {
    const infos = await this.infos(await this.services(project));
    return options.all === false ? infos.filter((i) => i.state === 'running') : infos;
  }

  /** Every project with services on the swarm (services carrying this SDK's project label), its tasks and units counted by state as `listContainers` reports them. */
  async listProjects(): Promise<readonly ProjectSummary[]> {
    await this.localNode();
    const services = await this.client.json<SwarmService[]>('GET', '/services', { query: { filters: { label: [LABEL_PROJECT] } } });
    const byProject = new Map<string, SwarmService[]>();
    for (const service of services) {
      const project = service.Spec.Labels[LABEL_PROJECT];
      if (project) byProject.set(project, [...(byProject.get(project) ?? []), service]);
    }
    const summaries = await Promise.all(
      [...byProject].map(async ([name, list]): Promise<ProjectSummary | undefined> => {
        const infos = await this.infos(list);
        if (infos.length === 0) return undefined;
        const states: Partial<Record<ContainerState, number>> = {};
        for (const info of infos) states[info.state] = (states[info.state] ?? 0) + 1;
        return { name, containers: infos.length, states };
      }),
    );
    return summaries.filter((s): s is ProjectSummary => s !== undefined).sort((a, b) => compareNames(a.name, b.name));
  }

  async inspectContainer(id: string): Promise<ContainerInfo> {
    const { service, task } = await this.target(id);
    if (task) {
      const local = await this.localNode();
      const siblings = 'Global' in service.Spec.Mode ? await this.tasks([service.ID], true) : [task];
      const nodes = [...new Set(siblings.map((t) => t.NodeID ?? ''))].sort();
      return taskInfo(task, service, { publishHost: this.publishHost, health: await this.containerHealth(task, local), replica: nodes.indexOf(task.NodeID ?? '') + 1 });
    }
    const info = (await this.infos([service])).find((i) => i.id === id);
    if (!info) throw new ContainerNotFoundError('swarm', id);
    return info;
  }

  // --- logs ---

  /** True once the unit's latest task, or the task, has ended (and, for a unit, no other task replaced it). */
  private async ended(target: Target): Promise<boolean> {
    if (target.task) {
      const task = await this.client.json<SwarmTask>('GET', `/tasks/${target.task.ID}`).catch(() => undefined);
      return !task || TERMINAL_STATES.has(task.Status.State);
    }
    const latest = (await this.tasks([target.service.ID], false).catch(() => [])).sort(byCreation).at(-1);
    return latest !== undefined && TERMINAL_STATES.has(latest.Status.State);
  }

  private async *stream(response: IncomingMessage, options: LogOptions, target: Target): AsyncGenerator<LogLine> {
    let finished = false;
    const stop = () => response.destroy();
    options.signal?.addEventListener('abort', stop, { once: true });
    // Swarm keeps a followed stream open after the task ended: end it ourselves, once what the
    // task wrote last has had time to arrive (bounded polling, until the stream closes).
    const watcher = options.follow
      ? (async () => {
          let endedSeen = 0;
          while (!finished && !response.destroyed) {
            await sleep(300);
            if (finished || response.destroyed) return;
            endedSeen = (await this.ended(target)) ? endedSeen + 1 : 0;
            if (endedSeen >= 3) {
              finished = true;
              response.destroy();
            }
          }
        })()
      : undefined;
    try {
      for await (const line of responseLines(response, false, true)) {
        if (options.since !== undefined && line.timestamp.getTime() < options.since.getTime()) continue;
        yield line;
      }
    } catch (error) {
      if (!options.signal?.aborted && !finished) throw error;
    } finally {
      finished = true;
      options.signal?.removeEventListener('abort', stop);
      response.destroy();
      await watcher?.catch(() => undefined);
    }
  }

  private async *readLogs(id: string, options: LogOptions): AsyncGenerator<LogLine> {
    if (options.signal?.aborted) return;
    const target = await this.target(id);
    const path = target.task ? `/tasks/${encodeURIComponent(target.task.ID)}/logs` : `/services/${encodeURIComponent(target.service.ID)}/logs`;
    let response: IncomingMessage;
    try {
      response = await this.client.stream('GET', path, { query: logQuery(options), signal: options.signal });
    } catch (error) {
      if (options.signal?.aborted) return;
      if (isDockerEngineError(error) && error.statusCode === 404) throw new ContainerNotFoundError('swarm', id, { cause: error });
      throw error;
    }
    yield* this.stream(response, options, target);
  }

  /** A task's output; a unit's is every run of it (Swarm merges its tasks' logs). With `follow`, until it ends. */
  logs(id: string, options: LogOptions = {}): AsyncIterable<LogLine> {
    return this.readLogs(id, options);
  }

  // --- exec and health ---

  /** The container of a task (a unit's latest) that runs on this node (exec reaches no other node). */
  private async localContainer(id: string): Promise<string> {
    const [target, local] = await Promise.all([this.target(id), this.localNode()]);
    const task = target.task ?? (await this.tasks([target.service.ID], false)).sort(byCreation).at(-1);
    if (!task) throw new ContainerNotFoundError('swarm', id);
    if (task.NodeID !== local) {
      throw new UnsupportedOperationError('swarm', 'exec on another node', { hint: `task ${task.ID} runs on node ${await this.nodeName(task.NodeID)}; exec reaches tasks of the node the engine API belongs to (point DOCKER_HOST at that node)` });
    }
    const container = task.Status.ContainerStatus?.ContainerID;
    if (!container) throw new ContainerNotFoundError('swarm', id);
    return container;
  }

  async exec(id: string, command: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    if (command.length === 0) throw new InvalidArgumentError('exec: the command is empty', { field: 'command' });
    const container = await this.localContainer(id);
    try {
      return await execInContainer(this.client, container, command, options);
    } catch (error) {
      if (isDockerEngineError(error) && error.statusCode === 404) throw new ContainerNotFoundError('swarm', id, { cause: error });
      throw error;
    }
  }

  async probeHealth(id: string, options: { readonly timeoutMs?: number; readonly signal?: AbortSignal } = {}): Promise<ProbeResult> {
    const { service } = await this.target(id);
    const check = service.Spec.TaskTemplate.ContainerSpec.Healthcheck;
    const [kind, ...rest] = check?.Test ?? [];
    if (kind === undefined || kind === 'NONE' || rest.length === 0) {
      throw new InvalidArgumentError(`swarm: ${id} has no healthcheck to probe`, { service: service.Spec.Labels['io.selur.compose.service'], field: 'healthcheck' });
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
 * `@selur/compose-docker`), for the engine to drive: `project.up({ runtime: swarmRuntime() })`
 * deploys each compose service as a Swarm service `<project>_<service>` (labelled with the
 * project, service and config hash like every runtime's containers; a changed one goes through
 * Swarm's own rolling update and rollback), on attachable overlay networks, with secrets and
 * configs under versioned names and `deploy` mapped field by field; `stack.down()` removes them.
 *
 * @example
 * ```ts
 * import { isServiceStartError, loadProject } from '@selur/compose';
 * import { swarmRuntime, isSwarmDeployError } from '@selur/compose-swarm';
 * const project = await loadProject('compose.toml');
 * try {
 *   const stack = await project.up({ runtime: swarmRuntime() });
 *   console.log(await stack.ps());
 * } catch (error) {
 *   if (isServiceStartError(error) && isSwarmDeployError(error.cause)) for (const t of error.cause.tasks) console.error(t.node, t.error, t.logs);
 * }
 * ```
 */
export function swarmRuntime(options: SwarmRuntimeOptions = {}): SwarmRuntime {
  return new SwarmEngineRuntime(options);
}

/** How often an update is read again and re-sent when Swarm moved the service's version on in between. */
const MAX_UPDATE_ATTEMPTS = 5;

/**
 * Swarm answers "update out of sequence" when the version an update names is no longer the
 * service's: Swarm itself bumps it (its update status, reconciling tasks) between our read and
 * our write. Reading again and re-sending is safe: the update is computed from what was read.
 */
function isOutOfSequence(error: unknown): boolean {
  return isDockerEngineError(error) && /update out of sequence/i.test(error.engineMessage);
}
