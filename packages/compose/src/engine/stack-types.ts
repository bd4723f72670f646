import type { ProjectInput } from '../plan/project-input.js';
import type { ContainerInfo, ExecOptions, ExecResult, Runtime } from '../runtime/types.js';
import type { EventStreamOptions } from './event-hub.js';
import type { ComposeEvent, EventListener } from './events.js';
import type { DownOptions } from './options.js';

/**
 * Where to reach a published container port from the host.
 *
 * @example
 * ```ts
 * const { host, port, url } = stack.service('api').endpoint(8080);
 * ```
 */
export interface Endpoint {
  /** Host address (`127.0.0.1` unless published elsewhere). */
  readonly host: string;
  /** The host port actually bound. */
  readonly port: number;
  /** `http://host:port` (IPv6 hosts in brackets). */
  readonly url: string;
}

/**
 * A container as `stack.ps()` reports it: what the runtime read back, with a status the engine
 * derives the same way on every runtime.
 *
 * @example
 * ```ts
 * for (const c of await stack.ps()) console.log(c.name, c.status, c.restartCount ?? 0); // 'shop_init_1 completed (0) 0'
 * ```
 */
export interface StackContainer extends ContainerInfo {
  /**
   * `running`, `running (healthy)` (or `starting`, `unhealthy`), `completed (0)` for a one-shot
   * job that finished, `exited (3)`, `restarting`, `created`, `paused`. A stopped container has
   * health `none`: no health is observed once it stopped. Health is what the engine observed: a
   * service its probes found healthy is `healthy` even while the runtime's own healthcheck has not
   * run yet (Docker reports `starting` until its first interval passes); a runtime's `unhealthy`
   * always shows.
   */
  readonly status: string;
}

/**
 * A service of a running stack.
 *
 * @example
 * ```ts
 * for (const s of stack.services()) console.log(s.name, s.containers().length);
 * ```
 */
export interface StackService {
  readonly name: string;
  /** Its containers as last read (after `up`, `ps()` or `refresh()`), by replica. */
  containers(): readonly ContainerInfo[];
  /**
   * The host address of a container port.
   * @param containerPort - the port inside the service (as in `ports`).
   * @param options.replica - which replica (1-based). @default 1
   * @throws InvalidArgumentError when the port is not published or the replica does not exist.
   * @example
   * ```ts
   * const { url } = stack.service('api').endpoint(8080);
   * await fetch(`${url}/health`);
   * ```
   */
  endpoint(containerPort: number, options?: { readonly replica?: number | undefined }): Endpoint;
}

/**
 * One line of a stack's merged logs.
 *
 * @example
 * ```ts
 * for await (const l of stack.logs()) console.log(`${l.service}#${l.replica} | ${l.text}`);
 * ```
 */
export interface StackLogLine {
  readonly service: string;
  readonly replica: number;
  readonly stream: 'stdout' | 'stderr';
  readonly text: string;
  readonly timestamp: Date;
}

/**
 * Options of `stack.logs()`.
 *
 * @example
 * ```ts
 * for await (const l of stack.logs('api', { tail: 20, follow: true, signal })) console.log(l.text);
 * ```
 */
export interface StackLogsOptions {
  /** Only the last N lines of each container. */
  readonly tail?: number | undefined;
  /** Keep following until the signal aborts or every container stops. @default false */
  readonly follow?: boolean | undefined;
  /** Only lines at or after this time. */
  readonly since?: Date | undefined;
  readonly signal?: AbortSignal | undefined;
}

/**
 * Options of `stack.exec()`.
 *
 * @example
 * ```ts
 * await stack.exec('worker', ['sh', '-c', 'echo $HOSTNAME'], { replica: 2, timeoutMs: 5_000 });
 * ```
 */
export interface StackExecOptions extends ExecOptions {
  /** Which replica (1-based). @default 1 */
  readonly replica?: number | undefined;
}

/**
 * Options of `stack.watch()`.
 *
 * @example
 * ```ts
 * const controller = new AbortController();
 * await stack.watch({ services: ['web'], signal: controller.signal, onEvent: (e) => console.log(e.type) });
 * ```
 */
export interface WatchOptions {
  /** Stops watching: `watch()` resolves once every watcher is closed and the batch in flight is applied. */
  readonly signal: AbortSignal;
  /** The services to watch. @default every service of the stack with `develop.watch` rules */
  readonly services?: readonly string[] | undefined;
  /** Called with each event of the watch (they are on `stack.events()` too). */
  readonly onEvent?: EventListener | undefined;
  /** How long changes must be quiet before a batch of them is applied (ms). @default 500 */
  readonly debounceMs?: number | undefined;
  /**
   * After a `rebuild`, remove the images of the project that the new build left dangling (as
   * `docker compose watch --prune`, on by default since Compose 2.32). Nothing to do on a
   * runtime without images (no `pruneImages`).
   * @default true
   */
  readonly prune?: boolean | undefined;
}

/**
 * A running stack: what `project.up()` returns. Disposable: `await using stack = await
 * project.up()` takes it down at the end of the scope (unless it was started with `reuse`).
 *
 * @example
 * ```ts
 * await using stack = await project.up();
 * const api = stack.service('api').endpoint(8080);
 * const { stdout } = await stack.exec('db', ['pg_isready']);
 * for await (const line of stack.logs('api', { tail: 20 })) console.log(line.text);
 * ```
 */
export interface Stack<P extends ProjectInput = ProjectInput> extends AsyncDisposable {
  /** The project it was started from. */
  readonly project: P;
  /** The project name. */
  readonly name: string;
  readonly runtime: Runtime;
  /** The services this stack started, in start order. */
  services(): readonly StackService[];
  /** One service. @throws InvalidArgumentError for an unknown service. */
  service(name: string): StackService;
  /** Merged logs of one service or all (each line says its service and replica). */
  logs(name?: string, options?: StackLogsOptions): AsyncIterable<StackLogLine>;
  /** Runs a command in a service (replica 1 unless given). */
  exec(name: string, command: readonly string[], options?: StackExecOptions): Promise<ExecResult>;
  /** Reads the real state back from the runtime (every container of the project). */
  ps(): Promise<readonly StackContainer[]>;
  /** Re-reads the state (as `ps`) and returns the stack. */
  refresh(): Promise<this>;
  /** Sets a service's replica count (creating or removing replicas) and waits for readiness. */
  scale(name: string, replicas: number): Promise<void>;
  /** Stops then starts services (all by default), waiting for readiness. */
  restart(names?: readonly string[]): Promise<void>;
  /** Stops services (all by default), dependants first, without removing them. */
  stop(names?: readonly string[]): Promise<void>;
  /** Starts stopped services (all by default) in dependency order, waiting for readiness. */
  start(names?: readonly string[]): Promise<void>;
  /** Stops and removes everything, dependants first (graceful, then forced). */
  down(options?: DownOptions): Promise<void>;
  /** Events of this stack from now on; ends after `down`. */
  events(options?: EventStreamOptions): AsyncIterableIterator<ComposeEvent>;
  /**
   * Watches the files named by the services' `develop.watch` rules until `signal` aborts, and
   * applies each change as Docker Compose's `watch` does: changes are batched until quiet for
   * `debounceMs`; `sync` copies changed files to the rule's `target` in every running replica
   * (and removes deleted ones), `restart` restarts the service, `sync+restart` and `sync+exec`
   * sync then restart or run the rule's `exec.command`, `rebuild` builds the service's image
   * again where the runtime builds (Docker) and recreates the service. Paths are relative to the
   * project folder; the build context's `.dockerignore`, the rule's `ignore` and `include`,
   * editors' temporary files and `.git` are honoured; `initial_sync` syncs the whole path first.
   * Emits `watch.started` once watching, then `watch.sync`, `watch.rebuild`, `watch.restart`,
   * `watch.exec`, and `watch.failed` for an action that failed (watching goes on), and
   * `watch.stopped`. Needs a runtime with the `field:develop` capability.
   * @throws WatchConfigError when no selected service has rules, or a rule cannot be carried out;
   *   UnsupportedFieldError when the runtime does not apply `develop`.
   * @example
   * ```ts
   * await using stack = await project.up();
   * const controller = new AbortController();
   * process.once('SIGINT', () => controller.abort());
   * await stack.watch({ signal: controller.signal, onEvent: (e) => { if (e.type === 'watch.sync') console.log(`${e.service}: ${e.count} file(s) synced`); } });
   * ```
   */
  watch(options: WatchOptions): Promise<void>;
  /**
   * Resolves once the service is healthy (at once if it already is); rejects when it fails, the
   * stack goes down first, or `signal` aborts.
   */
  onHealthy(name: string, options?: { readonly signal?: AbortSignal | undefined }): Promise<void>;
}
