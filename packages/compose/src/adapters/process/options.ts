import { resolve } from 'node:path';
import type { ProjectSummary, Runtime } from '../../runtime/types.js';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.js';
import { defaultStateDir } from './state/paths.js';
import type { Backoff } from './supervision/restart-policy.js';

/**
 * Options of {@link processRuntime}.
 *
 * @example
 * ```ts
 * const runtime = processRuntime({ stateDir: '/tmp/my-tests-state', logBufferLines: 500 });
 * ```
 */
export interface ProcessRuntimeOptions {
  /**
   * Folder holding one JSON state file per project (`projects/<project>.json`), the log files
   * and the named volumes (`projects/<project>/logs`, `.../volumes`). Tests should pass their own
   * temporary folder.
   * @default `$XDG_STATE_HOME/selur-compose`, else `~/.local/state/selur-compose`
   */
  readonly stateDir?: string | undefined;
  /** Lines of output kept in memory per container (older lines stay in the log files). Minimum 1. @default 1000 */
  readonly logBufferLines?: number | undefined;
  /** Delay before restart number n: `initialMs * 2^n`, capped at `maxMs` (ms). Reset after a run of 10 s. @default { initialMs: 100, maxMs: 10_000 } */
  readonly restartBackoff?: { readonly initialMs?: number | undefined; readonly maxMs?: number | undefined } | undefined;
}

/**
 * The process runtime: a {@link Runtime} plus what only host processes need.
 *
 * @example
 * ```ts
 * const runtime = processRuntime();
 * const reaped = await runtime.reap('shop'); // ids of leftovers of a crashed owner, now stopped
 * ```
 */
export interface ProcessRuntime extends Runtime {
  readonly name: 'process';
  /** The state folder in use. */
  readonly stateDir: string;
  /**
   * Stops the processes of `project` whose owner (the process that started them) died without
   * `close()`, and records them as exited. `listContainers` calls it first, so the engine's next
   * `up`/`down`/`ps` of the project reaps without asking. Returns the ids reaped.
   */
  reap(project: string): Promise<readonly string[]>;
  /**
   * Settles with the exit code once a container has exited for good (a restart under its policy
   * is not the end): as its exit is handled when this object started it, else by reading its
   * record every 50 ms. Rejects with the signal's reason when `signal` aborts. The engine wakes
   * on it, so a one-shot job's dependants start as soon as it completes.
   *
   * @example
   * ```ts
   * const code = await runtime.waitContainer(id, { signal: AbortSignal.timeout(60_000) });
   * ```
   */
  waitContainer(id: string, options?: { readonly signal?: AbortSignal | undefined }): Promise<number | undefined>;
  /**
   * Freezes every process of a running container (SIGSTOP to its process group) and records it
   * `paused`, from any runtime object or process. A paused container can be stopped or removed
   * (it is resumed after the stop signal, so it can handle it); it cannot be started or exec'd
   * into until {@link ProcessRuntime.unpauseContainer}. Throws `InvalidArgumentError` when the
   * container is not running.
   *
   * @example
   * ```ts
   * await runtime.pauseContainer(id);
   * await runtime.unpauseContainer(id);
   * ```
   */
  pauseContainer(id: string): Promise<void>;
  /**
   * Resumes a paused container (SIGCONT to its process group). Throws `InvalidArgumentError` when
   * the container is not paused.
   *
   * @example
   * ```ts
   * await runtime.unpauseContainer(id);
   * ```
   */
  unpauseContainer(id: string): Promise<void>;
  /**
   * Every project of the state folder that has containers, each counted by state, sorted by
   * name (leftovers of a dead owner are reaped on the way, as a listing does).
   *
   * @example
   * ```ts
   * const running = (await runtime.listProjects()).filter((p) => (p.states.running ?? 0) > 0);
   * ```
   */
  listProjects(): Promise<readonly ProjectSummary[]>;
  /** The process runtime builds nothing: always throws `UnsupportedOperationError`. */
  buildImage(context: string): Promise<never>;
  /**
   * Stops supervising (no more restarts) and releases the services: they keep running and
   * logging (to their files) after this process exits, are not reaped, and any runtime object
   * or process can read their logs, stop and remove them. Exiting without `close()` counts as a
   * crash: the next `listContainers` of the project reaps them.
   */
  close(): Promise<void>;
}


/** Options with defaults filled in, validated (throws `InvalidArgumentError` naming the option). */
/** {@link ProcessRuntimeOptions} checked, with their defaults applied. */
export interface ResolvedOptions {
  readonly stateDir: string;
  readonly logBufferLines: number;
  readonly backoff: Backoff;
}

export function resolveOptions(options: ProcessRuntimeOptions): ResolvedOptions {
  const lines = options.logBufferLines ?? 1000;
  if (!Number.isInteger(lines) || lines < 1) throw new InvalidArgumentError(`processRuntime: logBufferLines must be an integer >= 1, received ${String(lines)}`, { field: 'logBufferLines' });
  const initialMs = options.restartBackoff?.initialMs ?? 100;
  const maxMs = options.restartBackoff?.maxMs ?? 10_000;
  if (!(initialMs >= 0) || !(maxMs >= initialMs)) throw new InvalidArgumentError(`processRuntime: restartBackoff needs 0 <= initialMs <= maxMs, received ${initialMs} and ${maxMs}`, { field: 'restartBackoff' });
  if (options.stateDir !== undefined && (typeof options.stateDir !== 'string' || options.stateDir === '')) throw new InvalidArgumentError(`processRuntime: stateDir must be a non-empty path, received ${JSON.stringify(options.stateDir)}`, { field: 'stateDir' });
  return { stateDir: resolve(options.stateDir ?? defaultStateDir()), logBufferLines: lines, backoff: { initialMs, maxMs } };
}
