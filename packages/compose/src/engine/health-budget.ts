/**
 * How long a healthcheck may keep failing before the engine gives up on it: as long as Docker
 * would take to declare the container unhealthy, no less (issue 14, "one truth about health").
 *
 * Docker's own monitor (moby daemon/health.go, the same since 1.12 apart from `start_interval`):
 * - the first probe runs `interval` after the container started (`start_interval` within the
 *   start period, from Docker 25), and each next one `interval` after the previous one *ended*:
 *   a slow probe pushes every later one back by its own duration;
 * - a probe is stopped `timeout` after its process started: starting the exec does not count,
 *   and may itself take up to 30 s (on a busy engine, seconds) before Docker gives up on it;
 * - while the container has never been healthy, a failed probe that *started* within
 *   `start_period` does not count; the container is unhealthy once `retries` counted probes in a
 *   row have failed (`retries` 0 means 3; an `interval` or `timeout` of 0 means 30 s).
 *
 * So with probes taking `d` ms each, the last moment Docker can declare a never-healthy container
 * unhealthy is `start_period + retries × (interval + d)`, plus one `d` when there is a start
 * period (the last uncounted probe may start just before it ends and delay the first counted one
 * by its duration). A fixed `start_period + interval × retries` of wall time, as the engine had,
 * gives up earlier than Docker whenever probes are slow (a loaded machine, a busy engine).
 *
 * `d` is what the engine's own probes of the container took (a recent mean): they do what
 * Docker's do (an exec of the same test), so they last as long. It counts as at most what a probe
 * of Docker can last: `timeout` plus the exec start Docker waits for ({@link DOCKER_EXEC_START_MS}).
 */

/** How long Docker waits for a healthcheck's exec to start before it fails the probe (ms); not part of `timeout`. */
export const DOCKER_EXEC_START_MS = 30_000;

/** Docker's `retries` when none (or 0) is given. */
export const DOCKER_DEFAULT_RETRIES = 3;
/** Docker's `interval` and `timeout` when none (or 0) is given (ms). */
export const DOCKER_DEFAULT_INTERVAL_MS = 30_000;

/** @internal Docker's `retries` for a healthcheck's `retries` (0 or none: {@link DOCKER_DEFAULT_RETRIES}). */
export function healthRetries(retries: number | undefined): number {
  return retries !== undefined && retries > 0 ? Math.floor(retries) : DOCKER_DEFAULT_RETRIES;
}

/** What {@link healthBudget} needs (ms). */
export interface HealthBudgetInput {
  readonly startPeriodMs: number;
  readonly intervalMs: number;
  readonly retries: number;
  /** The healthcheck's `timeout`: a probe never counts as longer than this plus {@link DOCKER_EXEC_START_MS}. */
  readonly timeoutMs: number;
  /** What one probe takes, as observed (a recent mean); undefined before the first. */
  readonly probeMs: number | undefined;
}

/** A budget and the terms it was made of, for messages. */
export interface HealthBudget {
  readonly ms: number;
  /** How the budget was counted, e.g. `start_period 0 ms + 3 retries × (interval 1000 ms + probe 400 ms)`. */
  readonly why: string;
}

/**
 * @internal The time a healthcheck may take, counted from the container's start, before Docker
 * would have declared it unhealthy given probes of `probeMs` (bounded as Docker bounds them). Pure.
 *
 * @example
 * ```ts
 * healthBudget({ startPeriodMs: 0, intervalMs: 1_000, retries: 3, timeoutMs: 5_000, probeMs: 400 }).ms; // 4200
 * healthBudget({ startPeriodMs: 2_000, intervalMs: 1_000, retries: 3, timeoutMs: 5_000, probeMs: 400 }).ms; // 6600
 * healthBudget({ startPeriodMs: 0, intervalMs: 1_000, retries: 3, timeoutMs: 1_000, probeMs: 60_000 }).ms; // 96000: 31 s at most per probe
 * ```
 */
export function healthBudget(input: HealthBudgetInput): HealthBudget {
  const interval = input.intervalMs > 0 ? input.intervalMs : DOCKER_DEFAULT_INTERVAL_MS;
  const timeout = input.timeoutMs > 0 ? input.timeoutMs : DOCKER_DEFAULT_INTERVAL_MS;
  const retries = healthRetries(input.retries);
  const startPeriod = Math.max(0, input.startPeriodMs);
  const longest = timeout + DOCKER_EXEC_START_MS;
  const probe = input.probeMs !== undefined && input.probeMs > 0 ? Math.min(input.probeMs, longest) : 0;
  const straddle = startPeriod > 0 ? probe : 0;
  const ms = Math.ceil(startPeriod + retries * (interval + probe) + straddle);
  const p = Math.round(probe);
  const why =
    `start_period ${startPeriod} ms + ${retries} retries × (interval ${interval} ms + probe ${p} ms${probe === longest ? ', the longest a probe of Docker lasts' : ''})` +
    (straddle > 0 ? ` + one probe straddling the start period's end (${p} ms)` : '');
  return { ms, why };
}
