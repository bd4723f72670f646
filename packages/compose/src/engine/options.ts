import type { PlanOptions } from '../plan/make-plan.js';
import type { Runtime } from '../runtime/types.js';
import type { EngineClock } from './clock.js';
import type { EventListener } from './events.js';

/**
 * Options of `project.up()`. Every field is optional.
 *
 * @example
 * ```ts
 * await project.up({ runtime, services: ['api'], parallel: 4, timeout: 60_000, onFailure: 'leave' });
 * ```
 */
export interface UpOptions {
  /**
   * Where to run. `Project.up` defaults it to `processRuntime()` (host processes).
   * @example
   * ```ts
   * await project.up({ runtime: processRuntime() });
   * ```
   */
  readonly runtime?: Runtime | undefined;
  /** Only these services, plus their dependencies unless `noDeps`. @default every active service */
  readonly services?: readonly string[] | undefined;
  /** Do not start the dependencies of `services`. @default false */
  readonly noDeps?: boolean | undefined;
  /** Active profiles. @default [] */
  readonly profiles?: readonly string[] | undefined;
  /**
   * At most this many runtime operations (create, start, stop, remove) at once. Readiness
   * waits do not count.
   * @default Infinity
   */
  readonly parallel?: number | undefined;
  /**
   * Return only once every service is ready (healthcheck or wait strategy). With `false`,
   * readiness is only awaited where a dependant needs it (`service_healthy`).
   * @default true
   */
  readonly wait?: boolean | undefined;
  /**
   * Give up on the whole `up` after this many milliseconds (readiness waits fail with
   * `HealthTimeoutError`). Each wait strategy also has its own timeout.
   * @default no overall limit
   */
  readonly timeout?: number | undefined;
  /** Recreate every selected service even when unchanged. @default false */
  readonly forceRecreate?: boolean | undefined;
  /** Never recreate: keep changed services as they are (start them if stopped). @default false */
  readonly noRecreate?: boolean | undefined;
  /** Remove containers of services no longer in the project. @default false */
  readonly removeOrphans?: boolean | undefined;
  /**
   * On failure, `'rollback'` removes everything this run created (containers, networks,
   * volumes), leaving what existed before untouched; `'leave'` keeps it for debugging and says
   * so in the error.
   * @default 'rollback'
   */
  readonly onFailure?: 'rollback' | 'leave' | undefined;
  /**
   * Cancels the `up`: it stops starting services and tears down what this run made
   * (gracefully), then throws `CancelledError`.
   */
  readonly signal?: AbortSignal | undefined;
  /**
   * A second abort: teardown stops waiting for graceful stops and kills. See
   * `TwoStageAbortController` for Ctrl-C handling (first press graceful, second forced).
   */
  readonly forceSignal?: AbortSignal | undefined;
  /** Receives every event of this run. */
  readonly onEvent?: EventListener | undefined;
  /**
   * Keep a warm stack: when everything already runs with matching config hashes nothing is
   * recreated, and disposing the returned stack (`await using`) leaves it running for the next
   * test run or worker. `stack.down()` still removes it. Requires a named project.
   * @default false
   */
  readonly reuse?: boolean | undefined;
  /** How long to wait for another process holding the project's lock (ms). @default 60_000 */
  readonly lockTimeout?: number | undefined;
  /** Emit `log` events with the output of every service started by this `up`, until it ends. @default false */
  readonly logEvents?: boolean | undefined;
  /**
   * Allow `environment` values that refer to a secret (`KEY = { secret = "NAME" }`): the secret
   * file's content is injected into the variable. For development only — environment variables leak
   * into process listings and crash reports. Without it such a service fails `up` before anything is
   * created, with a `SecretInEnvironmentError`.
   * @default process.env.SELUR_DEV_SECRETS === '1'
   */
  readonly secretsDevMode?: boolean | undefined;
  /**
   * Start the services. With `false`, `up` only creates what is missing or changed (networks,
   * volumes, containers) and starts nothing — Docker Compose's `create`; dependencies are not
   * waited on and readiness is not checked. Start them later with `stack.start()` or another `up`.
   * @default true
   * @example
   * ```ts
   * const stack = await project.up({ start: false }); // created, not running
   * await stack.start();
   * ```
   */
  readonly start?: boolean | undefined;
  /**
   * Hold every service this long (ms) after it is ready before `up()` resolves: a service that
   * exits in that window fails the run with `ServiceExitedError` (its logs and exit code), unless
   * its restart policy brings it back. Catches a server that passes its first check and then dies
   * (a bad config read late, a port it could not bind). Whatever this is, a service found exited
   * when `up()` is about to resolve fails the run too.
   * @default 0
   * @example
   * ```ts
   * await project.up({ stableFor: 500 }); // every service ran for 500 ms after it was ready
   * ```
   */
  readonly stableFor?: number | undefined;
  /**
   * A service with published ports and neither a healthcheck nor a wait strategy is ready once
   * every published TCP port accepts connections (answered by the service's own processes where
   * the runtime can tell), as testcontainers does: `up()` then resolves only when a request to it
   * can succeed. `false` takes every such service as ready once started; `Wait.none()` does it
   * for one service.
   * @default true
   * @example
   * ```ts
   * await project.up({ waitForPorts: false }); // ready once started, ports or not
   * ```
   */
  readonly waitForPorts?: boolean | undefined;
  /**
   * What to do with Compose fields the runtime cannot apply (`cap_add` on host processes,
   * `networks.aliases` where there are no networks, …). `'error'` refuses the project before
   * anything is created, with an `UnsupportedFieldError` listing them all; `'warn'` runs without
   * them and emits a `warning` event for each (the CLI's `--compat` prints them on stderr).
   * @default 'error'
   * @example
   * ```ts
   * await project.up({ runtime: processRuntime(), unsupported: 'warn', onEvent: (e) => e.type === 'warning' && console.warn(e.message) });
   * ```
   */
  readonly unsupported?: 'error' | 'warn' | undefined;
  /**
   * Tear the stack down when this process gets SIGINT (Ctrl-C) or SIGTERM: an `up` in flight is
   * cancelled and rolls back what it made; a stack that is up is taken down. A second signal
   * forces (no more graceful stops). Then the handlers are removed and the signal is sent again,
   * so the process ends as it would have (exit by that signal); a `down()` removes them earlier.
   * For deploy scripts and harnesses: without it, Ctrl-C ends the script and leaves the stack running.
   * @default false
   * @example
   * ```ts
   * await using stack = await project.up({ handleSignals: true }); // Ctrl-C takes it down
   * ```
   */
  readonly handleSignals?: boolean | undefined;
  /** @internal Converge even when another live process owns running services (`reuse`, and a stack's own operations). */
  readonly adoptForeign?: boolean | undefined;
  /** @internal Run the project under this name instead of its own (per-worker names of `useStack`). */
  readonly projectName?: string | undefined;
  /** @internal Set by `Project.up` when it created the runtime: the stack closes it after `down`. */
  readonly ownRuntime?: boolean | undefined;
  /** @internal Tests and benchmarks: the clock and poll cadence. */
  readonly clock?: EngineClock | undefined;
  /** @internal First readiness poll delay (ms). @default 10 */
  readonly pollFirstMs?: number | undefined;
  /** @internal Readiness poll delay cap (ms). @default 1_000 */
  readonly pollCapMs?: number | undefined;
}

/** Options of `project.plan()`: see {@link PlanOptions}. */
export type { PlanOptions };

/**
 * Options of `stack.down()` and `project.down()`.
 *
 * @example
 * ```ts
 * await stack.down({ volumes: true, timeout: 5_000 });
 * ```
 */
export interface DownOptions {
  /** Also remove the project's named volumes (never external ones). @default false */
  readonly volumes?: boolean | undefined;
  /**
   * Grace period before a container is killed (ms).
   * @default each service's `stop_grace_period` (10 s)
   */
  readonly timeout?: number | undefined;
  /** Also remove containers of services the project no longer declares. @default true for `project.down` from another process, false otherwise */
  readonly removeOrphans?: boolean | undefined;
  /** Skip the graceful stop when this aborts (kill at once). */
  readonly forceSignal?: AbortSignal | undefined;
  readonly onEvent?: EventListener | undefined;
  /** How long to wait for the project's lock (ms). @default 60_000 */
  readonly lockTimeout?: number | undefined;
  /**
   * Stops waiting for the project's lock (another process's `up` or `down` holds it) when it
   * aborts: `down` then throws `CancelledError` and has changed nothing. Once `down` holds the
   * lock it goes to the end (`forceSignal` makes that quick).
   */
  readonly signal?: AbortSignal | undefined;
}
