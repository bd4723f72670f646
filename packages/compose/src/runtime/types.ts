import type { ComposeField } from '../spec/fields-in-use.js';
import type { NetworkSpec, ServiceNetworkSpec, ServiceSpec, VolumeSpec } from '../spec/types.js';

/**
 * The Runtime port: what the engine needs from whatever runs containers. Contracts only; the
 * implementations live in `adapters/` (process), `@selur/compose-docker` and `@selur/compose-selur`.
 *
 * A runtime knows nothing of dependency order, readiness or rollback: the engine owns those.
 * Every resource it creates carries the project, service, replica and config hash so that the
 * engine can find it again (from another process, too) with {@link Runtime.listContainers}.
 */

/**
 * Label keys recorded on every resource a runtime creates for a project: the persisted identity
 * that lets any process find a project's resources again.
 *
 * @example
 * ```ts
 * const mine = (await runtime.listContainers('shop')).filter((c) => c.labels[LABEL_SERVICE] === 'api');
 * ```
 */
export const LABEL_PROJECT = 'io.selur.compose.project';
/** Label key: the service name. @example `labels[LABEL_SERVICE] === 'api'` */
export const LABEL_SERVICE = 'io.selur.compose.service';
/** Label key: the 1-based replica number, as a string. @example `labels[LABEL_REPLICA] === '2'` */
export const LABEL_REPLICA = 'io.selur.compose.replica';
/** Label key: the service's config hash (what `up` compares to decide a recreate). @example `labels[LABEL_CONFIG_HASH]` */
export const LABEL_CONFIG_HASH = 'io.selur.compose.config-hash';
/** Label key on a network: its logical name in the project. @example `labels[LABEL_NETWORK] === 'front'` */
export const LABEL_NETWORK = 'io.selur.compose.network';
/** Label key on a volume: its logical name in the project. @example `labels[LABEL_VOLUME] === 'pgdata'` */
export const LABEL_VOLUME = 'io.selur.compose.volume';

/**
 * Things a runtime may or may not be able to do. The engine checks before asking. `field:<name>`
 * says the runtime applies that Compose field (see `COMPOSE_FIELDS`); a project using a field its
 * runtime lacks is refused before anything is created.
 */
export type RuntimeCapability =
  | `field:${ComposeField}`
  | 'networks'
  | 'volumes'
  | 'ports'
  | 'secrets'
  | 'bind-mounts'
  | 'logs'
  | 'logs.follow'
  | 'exec'
  | 'exec.output'
  /** {@link ExecOptions.user}: an exec runs as another user than the service's. */
  | 'exec.user'
  /** {@link ExecOptions.privileged}: an exec runs with extended privileges. */
  | 'exec.privileged'
  | 'health'
  | 'restart-policy'
  | 'replicas'
  | 'build'
  | 'pause'
  | 'stats'
  /**
   * Services share the host's network: they reach each other at published host ports (so the
   * engine gives each service its dependencies' addresses as `DB_HOST`/`DB_PORT` variables),
   * not by service name.
   */
  | 'host-network';

/** Container lifecycle state, normalised across runtimes. */
export type ContainerState = 'created' | 'running' | 'restarting' | 'paused' | 'exited' | 'dead' | 'unknown';

/** Health as last observed by the runtime (`none` when the service has no healthcheck). */
export type HealthStatus = 'none' | 'starting' | 'healthy' | 'unhealthy';

/** A port as actually published on the host. */
export interface PublishedPort {
  readonly target: number;
  readonly protocol: 'tcp' | 'udp';
  /** Host address to connect to (`127.0.0.1` unless bound elsewhere). */
  readonly host: string;
  /** The host port actually bound. */
  readonly published: number;
}

/** What a runtime knows of one container (or host process, or selur container). */
export interface ContainerInfo {
  /** Runtime id (Docker id, process-runtime id, Vörðr id). */
  readonly id: string;
  /** `<project>_<service>_<replica>` (Docker adds nothing else). */
  readonly name: string;
  readonly project: string;
  readonly service: string;
  /** 1-based replica number. */
  readonly replica: number;
  readonly configHash: string;
  readonly image: string;
  readonly state: ContainerState;
  readonly health: HealthStatus;
  /** Exit code once exited. */
  readonly exitCode?: number | undefined;
  readonly ports: readonly PublishedPort[];
  /** Host process id, where the runtime has one. */
  readonly pid?: number | undefined;
  readonly createdAt?: string | undefined;
  readonly startedAt?: string | undefined;
  /** How many times the runtime restarted it under its restart policy. */
  readonly restartCount?: number | undefined;
  readonly labels: Readonly<Record<string, string>>;
}

/** A secret as handed to a runtime: its name and where its content is. Never logged. */
export interface SecretSource {
  readonly name: string;
  /** Absolute path of the file that holds the secret. */
  readonly file: string;
  /** Where the service reads it: absolute, or relative to `/run/secrets`. @default `/run/secrets/NAME` */
  readonly target?: string | undefined;
  readonly uid?: string | undefined;
  readonly gid?: string | undefined;
  /** File mode. @default 0o444 */
  readonly mode?: number | undefined;
}

/** A config as handed to a runtime: its name, the file that holds it and where the service reads it. */
export interface ConfigSource {
  readonly name: string;
  /** Absolute path of the file that holds the config. */
  readonly file: string;
  /** Absolute path inside the service. @default `/NAME` */
  readonly target: string;
  readonly uid?: string | undefined;
  readonly gid?: string | undefined;
  /** File mode. @default 0o444 */
  readonly mode?: number | undefined;
}

/** A network as handed to a runtime. */
export interface NetworkRequest {
  readonly project: string;
  /** Logical name in the compose file. */
  readonly name: string;
  /** Name on the runtime: `<project>_<name>` unless external. */
  readonly runtimeName: string;
  readonly spec: NetworkSpec;
}

/** A volume as handed to a runtime (see {@link NetworkRequest}). */
export interface VolumeRequest {
  readonly project: string;
  readonly name: string;
  readonly runtimeName: string;
  readonly spec: VolumeSpec;
}

/** What a runtime reports of a network or volume it holds for a project. */
export interface ResourceInfo {
  readonly id: string;
  /** Logical name (from the labels or the name prefix). */
  readonly name: string;
  readonly runtimeName: string;
  readonly project: string;
  readonly labels: Readonly<Record<string, string>>;
}

/** Everything a runtime needs to create one replica of a service. */
export interface ContainerRequest {
  readonly project: string;
  readonly service: string;
  /** 1-based. */
  readonly replica: number;
  /** `<project>_<service>_<replica>`. */
  readonly name: string;
  readonly configHash: string;
  /** The service's canonical config. Relative paths are relative to {@link ContainerRequest.workingDir}. */
  readonly spec: ServiceSpec;
  /** Absolute folder of the compose file: resolve bind mounts, build contexts against it. */
  readonly workingDir: string;
  /** Environment, fully resolved (env files merged, secret references excluded). */
  readonly environment: Readonly<Record<string, string>>;
  /** Secrets to mount (at `/run/secrets/NAME`, or as files for host processes). */
  readonly secrets: readonly SecretSource[];
  /** Configs to mount. */
  readonly configs: readonly ConfigSource[];
  /** Runtime names of the networks, in order (highest `priority` first). */
  readonly networks: readonly string[];
  /** Per-network settings (aliases, fixed addresses), keyed by runtime network name; absent when none. */
  readonly networkSettings: Readonly<Record<string, ServiceNetworkSpec>>;
  /**
   * Volume mounts with sources mapped: bind sources absolute, named volumes to runtime names, an
   * anonymous volume with an empty source, tmpfs with none. Options (bind propagation, volume
   * subpath, tmpfs size) are in the same entry of `spec.volumes`.
   */
  readonly mounts: readonly { readonly type: 'bind' | 'volume' | 'tmpfs'; readonly source: string; readonly target: string; readonly readOnly: boolean }[];
  /** Labels to record (project, service, replica, config hash and the service's own). */
  readonly labels: Readonly<Record<string, string>>;
}

/**
 * A whole service as handed to a runtime whose own scheduler owns the replicas (Docker Swarm):
 * what {@link Runtime.deployService} is asked. The same fields as a {@link ContainerRequest}, for
 * the service rather than one replica.
 *
 * @example
 * ```ts
 * const tasks = await runtime.deployService?.({ ...request, name: 'shop_web', replicas: 3 });
 * ```
 */
export interface ServiceRequest extends Omit<ContainerRequest, 'replica' | 'name' | 'labels'> {
  /** `<project>_<service>`. */
  readonly name: string;
  /** Replicas wanted (0: deployed, nothing running). */
  readonly replicas: number;
  /** Labels to record on the service and its replicas (project, service, config hash and the service's own; no replica). */
  readonly labels: Readonly<Record<string, string>>;
}

/** Options for stopping a container. */
export interface StopOptions {
  /** Grace period before the runtime forces it (SIGKILL). */
  readonly timeoutMs: number;
  /** The signal to send first. @default 'SIGTERM' */
  readonly signal?: string | undefined;
  /**
   * @internal Called once when the runtime knows the container's process has ended, which may
   * be well before the stop settles (Docker answers a stop ~130 ms after the process ended, once
   * it has cleaned up): a teardown then goes on to stop what the container depends on. A runtime
   * may never call it (the stop settling then says the same); it is not called after the stop settled.
   */
  readonly onExited?: (() => void) | undefined;
}

/** One line of output. */
export interface LogLine {
  readonly stream: 'stdout' | 'stderr';
  readonly text: string;
  /** When the runtime saw it. */
  readonly timestamp: Date;
}

/** Options for reading logs. */
export interface LogOptions {
  /** Only the last N lines of what is already there. */
  readonly tail?: number | undefined;
  /** Keep following new output until the container stops or `signal` aborts. @default false */
  readonly follow?: boolean | undefined;
  /** Only lines at or after this time. */
  readonly since?: Date | undefined;
  readonly signal?: AbortSignal | undefined;
}

/** Options for exec. */
export interface ExecOptions {
  /** Variables added to the service's environment for this command (they win over the service's). */
  readonly env?: Readonly<Record<string, string>> | undefined;
  /** Folder the command runs in (relative: against the service's working directory). */
  readonly workdir?: string | undefined;
  /**
   * Run as this user (`uid`, `uid:gid`, `name`, `name:group`) instead of the service's own. Only
   * on a runtime with the `exec.user` capability; others throw `UnsupportedOperationError`
   * (`exec.user`).
   */
  readonly user?: string | undefined;
  /**
   * Run with extended privileges (as `docker exec --privileged`). Only on a runtime with the
   * `exec.privileged` capability; others throw `UnsupportedOperationError` (`exec.privileged`).
   * @default false
   */
  readonly privileged?: boolean | undefined;
  /**
   * Kill the command after this long, counted from its start, as Docker counts a healthcheck's
   * `timeout` (a runtime that must ask an engine to start it does not count that wait).
   */
  readonly timeoutMs?: number | undefined;
  readonly signal?: AbortSignal | undefined;
}

/** The result of a command run inside a container. */
export interface ExecResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The result of running a service's healthcheck once. */
export interface ProbeResult {
  readonly healthy: boolean;
  readonly exitCode: number;
  /** Combined output of the check (trimmed, bounded). */
  readonly output: string;
}

/**
 * A fixed host port a run is about to publish: what {@link Runtime.checkHostPorts} is asked.
 *
 * @example
 * ```ts
 * const claim: HostPortClaim = { service: 'web', host: '127.0.0.1', port: 8080, protocol: 'tcp' };
 * ```
 */
export interface HostPortClaim {
  readonly service: string;
  /** Host address to bind. */
  readonly host: string;
  readonly port: number;
  readonly protocol: 'tcp' | 'udp';
}

/**
 * A claim that cannot be met: the port is taken (by another project of this runtime, when it
 * knows which, or by something else on the host).
 *
 * @example
 * ```ts
 * for (const c of await runtime.checkHostPorts?.('b', claims) ?? []) console.log(c.port, c.heldBy?.project);
 * ```
 */
export interface HostPortConflict extends HostPortClaim {
  /** The project (and service) of this runtime that publishes it, when known. */
  readonly heldBy?: { readonly project: string; readonly service: string } | undefined;
  /** What the check saw, e.g. `listen EADDRINUSE 127.0.0.1:8080`. */
  readonly detail: string;
}

/**
 * Who listens on a host port a container publishes (what {@link Runtime.portListener} says):
 * the container's own processes, something else (a `detail` saying what, when known), or
 * `unknown` (nothing listens yet, or the runtime cannot tell).
 *
 * @example
 * ```ts
 * const who = await runtime.portListener?.(info.id, info.ports[0]!);
 * if (who?.owner === 'other') console.error(who.detail);
 * ```
 */
export type PortListener = { readonly owner: 'container' } | { readonly owner: 'other'; readonly detail: string } | { readonly owner: 'unknown' };

/**
 * One change {@link Runtime.syncFiles} applies inside a container (what `develop.watch`'s `sync`
 * actions ask): write the host file `source` at `target`, or remove `target` (a file or a folder,
 * recursively). `target` is as the service's watch rule made it: absolute inside the container,
 * or relative, which each runtime resolves as it resolves the service's other paths (Docker
 * against `/`, the process runtime against the service's working folder).
 *
 * @example
 * ```ts
 * const changes: FileSync[] = [{ kind: 'copy', source: '/src/app/index.html', target: '/srv/index.html' }, { kind: 'delete', target: '/srv/old.css' }];
 * await runtime.syncFiles?.(container.id, changes);
 * ```
 */
export type FileSync =
  | { readonly kind: 'copy'; readonly source: string; readonly target: string }
  | { readonly kind: 'delete'; readonly target: string };

/**
 * What {@link Runtime.buildService} is asked: a service with a `build` section, and the folder
 * its `build.context` is relative to.
 *
 * @example
 * ```ts
 * await runtime.buildService?.({ project: 'shop', service: 'web', spec: project.toJSON().services.web!, workingDir: '/src/shop' });
 * ```
 */
export interface BuildRequest {
  readonly project: string;
  readonly service: string;
  readonly spec: ServiceSpec;
  /** Absolute folder of the compose file. */
  readonly workingDir: string;
}

/** Options for listing containers. */
export interface ListOptions {
  /** Include containers that are not running. @default true */
  readonly all?: boolean | undefined;
  /**
   * The caller needs only what stopping and removing takes (id, name, project, service, replica,
   * state, labels): a runtime may answer from its listing alone, without inspecting each
   * container, and then leave out what only an inspection tells (`pid`, `startedAt`,
   * `restartCount`). `down` asks this way. A runtime that lists everything at no extra cost
   * ignores it.
   * @default false
   */
  readonly brief?: boolean | undefined;
}

/**
 * A project that has containers on a runtime, as {@link Runtime.listProjects} finds it: what
 * `selur-compose ls` shows.
 *
 * @example
 * ```ts
 * for (const p of (await runtime.listProjects?.()) ?? []) console.log(p.name, p.states.running ?? 0);
 * ```
 */
export interface ProjectSummary {
  /** The project's name. */
  readonly name: string;
  /** How many containers the project has, in any state. At least 1. */
  readonly containers: number;
  /** How many of them are in each state (a state none is in is absent). */
  readonly states: Readonly<Partial<Record<ContainerState, number>>>;
}

/**
 * A runtime: where containers run. Implement this to add one; run the conformance suite in
 * `test/conformance` against it.
 *
 * @example
 * ```ts
 * import { processRuntime } from '@selur/compose';
 * const runtime = processRuntime();
 * console.log(runtime.name, [...runtime.capabilities]);
 * ```
 */
export interface Runtime {
  /** Short name used in messages (`process`, `docker`, `selur`). */
  readonly name: string;
  readonly capabilities: ReadonlySet<RuntimeCapability>;
  /**
   * @internal How many of this runtime's costly readiness probes (healthchecks, command waits)
   * the checks of one run may keep running at once per core, on average (see the engine's
   * probe-pacer.ts). Absent: the engine's default, which suits a probe that is a short process
   * on this machine. A runtime whose probe keeps the machine busier while it runs (Docker: an
   * exec through the engine, which costs dockerd and containerd about as much CPU as the probe
   * lasts on an idle machine) declares fewer; its probes are then counted as the CPU they cost
   * (the least duration a probe of the run took), not as their duration on a busy machine.
   */
  readonly probesPerCore?: number | undefined;
  /**
   * @internal A converge (`up`, `scale`, `start`) is about to lock, observe and plan the project,
   * then create and start: a runtime whose first creation needs a helper started (the process
   * runtime's spawner thread and zygote, ~25 ms to start) starts it now, so that it gets ready
   * while the engine does the rest. Must not throw; does nothing a run could notice.
   */
  prepare?(): void;

  /** Create the network unless it exists; report which. */
  ensureNetwork(request: NetworkRequest): Promise<{ readonly info: ResourceInfo; readonly created: boolean }>;
  removeNetwork(project: string, runtimeName: string): Promise<void>;
  listNetworks(project: string): Promise<readonly ResourceInfo[]>;

  /** Create the volume unless it exists; report which. */
  ensureVolume(request: VolumeRequest): Promise<{ readonly info: ResourceInfo; readonly created: boolean }>;
  removeVolume(project: string, runtimeName: string): Promise<void>;
  listVolumes(project: string): Promise<readonly ResourceInfo[]>;

  /** Create (not start) one replica. */
  createContainer(request: ContainerRequest): Promise<ContainerInfo>;
  startContainer(id: string): Promise<ContainerInfo>;
  /** Stop gracefully, forcing after `timeoutMs`. Stopping a stopped container is not an error. */
  stopContainer(id: string, options: StopOptions): Promise<void>;
  /** Remove; `force` stops it first. Removing a missing container is not an error. */
  removeContainer(id: string, options?: { readonly force?: boolean }): Promise<void>;
  /** Every container of the project (state read back from the runtime, not remembered). */
  listContainers(project: string, options?: ListOptions): Promise<readonly ContainerInfo[]>;
  /** Throws a `ContainerNotFoundError` when it does not exist. */
  inspectContainer(id: string): Promise<ContainerInfo>;

  /** Output of a container, oldest first; with `follow`, until it stops or the signal aborts. */
  logs(id: string, options?: LogOptions): AsyncIterable<LogLine>;
  /** Run a command inside the container (or, for host processes, beside it). */
  exec(id: string, command: readonly string[], options?: ExecOptions): Promise<ExecResult>;
  /** Run the service's healthcheck once, now. */
  probeHealth(id: string, options?: { readonly timeoutMs?: number; readonly signal?: AbortSignal }): Promise<ProbeResult>;

  /**
   * Deploys a whole service: creates it, updates it in place (the runtime's own rolling update,
   * with its own rollback) or scales it, and resolves with its replicas once they run (healthy
   * where the service has a healthcheck). Rejects with a typed error when they do not, leaving
   * what served before serving. Optional: present on a runtime whose scheduler owns the replicas
   * (Swarm); the engine then hands it each changed service instead of creating, starting and
   * replacing containers one by one, and stops or removes the service through any of its
   * replicas ({@link Runtime.stopContainer} and {@link Runtime.removeContainer} act on the
   * whole service there).
   */
  deployService?(request: ServiceRequest, options?: { readonly signal?: AbortSignal | undefined }): Promise<readonly ContainerInfo[]>;

  /**
   * Freeze every process of the container (present when the runtime has the `pause` capability;
   * otherwise absent or throwing `UnsupportedOperationError`).
   */
  pauseContainer?(id: string): Promise<void>;
  /** Resume a paused container (see {@link Runtime.pauseContainer}). */
  unpauseContainer?(id: string): Promise<void>;

  /**
   * Checks, before anything of a run is created, that the fixed host ports it will publish are
   * free: not published by another project of this runtime, and bindable on the host. Returns
   * the claims that cannot be met (empty when all can). Optional: a runtime without it finds out
   * when a service starts.
   */
  checkHostPorts?(project: string, claims: readonly HostPortClaim[]): Promise<readonly HostPortConflict[]>;

  /**
   * Who listens on `port`, a host port the container publishes: a readiness probe that connects
   * there is only the container's answer when the runtime says `container` or `unknown`. A
   * runtime whose containers share the host's ports (the process runtime) implements it, so a
   * probe another project's server answers never makes a service ready. Optional.
   */
  portListener?(id: string, port: PublishedPort): Promise<PortListener>;

  /**
   * Settles once container `id` has stopped for good (exited, no restart coming) with its exit
   * code, as Docker's `wait` does; rejects with the signal's reason when `signal` aborts. The
   * engine still polls {@link Runtime.inspectContainer} beside it: the wait only lets it learn at
   * once that a one-shot job finished (its dependants start then). Optional.
   */
  waitContainer?(id: string, options?: { readonly signal?: AbortSignal | undefined }): Promise<number | undefined>;

  /**
   * Applies file changes inside a running container, in order: copies (the file's mode kept,
   * missing parent folders created) and removals. What `develop.watch`'s `sync`, `sync+restart`
   * and `sync+exec` actions use. Optional: present on a runtime that declares `field:develop`.
   */
  syncFiles?(id: string, changes: readonly FileSync[], options?: { readonly signal?: AbortSignal | undefined }): Promise<void>;

  /**
   * Builds a service's image from its `build` section and tags it as its `image`, so that the
   * next container created for it runs the new build (`develop.watch`'s `rebuild` action, then a
   * forced recreate). Optional: present on a runtime with the `build` capability.
   */
  buildService?(request: BuildRequest, options?: { readonly signal?: AbortSignal | undefined; readonly onOutput?: ((line: string) => void) | undefined }): Promise<void>;

  /**
   * Removes the images the project's builds left dangling (untagged by a newer build of the same
   * tag, and used by no container), as `docker compose watch --prune` does after a rebuild;
   * resolves with the ids removed. Optional: present on a runtime that builds images.
   */
  pruneImages?(project: string, options?: { readonly signal?: AbortSignal | undefined }): Promise<readonly string[]>;

  /**
   * Every project that has containers on this runtime (for the process runtime: in its state
   * folder; for Docker: on the engine), in any state, sorted by name: what `docker compose ls -a`
   * shows. States are as {@link Runtime.listContainers} would report them (the process runtime
   * reaps a dead owner's leftovers on the way). Optional: a runtime that cannot enumerate
   * projects leaves it out.
   */
  listProjects?(): Promise<readonly ProjectSummary[]>;

  /** Release connections, timers and supervisors held by this runtime object (not the containers). */
  close?(): Promise<void>;
}
