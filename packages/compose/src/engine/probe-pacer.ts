/**
 * The pace of costly readiness probes: those that start a process each time (a healthcheck, a
 * `Wait.forCommand`). Polling them every 10 ms, as a TCP connect is, makes 40 services waiting at
 * once start hundreds of processes a second, which take the CPU from the services being waited
 * for (issue 14 measured a 40-service graph 1.9× slower than a starter polling sockets).
 *
 * So each check measures what its probes cost (their duration: the spawn, the program, its exit)
 * and spaces them so that the probes of all checks together keep at most
 * {@link PROBES_PER_CORE} per core running at once, on average: with `n` checks probing, each
 * probe taking `d` ms, on `c` cores, a check probes once per `n · d / (PROBES_PER_CORE · c)` ms,
 * so it waits that long minus `d` between two probes. A probe's duration grows with what
 * competes for the CPU, so a busier machine is probed less often. The first probe of a check runs
 * at once (nothing is known of its cost yet), and cheap probes keep the fast schedule they had.
 *
 * Measured with `pnpm bench probes` (40 services, 2 cores, a busy machine): a tighter bound (one
 * probe per core, or a fraction of one core) made `up` slower, not faster — each service's
 * readiness is seen one spacing later, and the probes were no longer what took the CPU once a
 * probe stopped costing 20 ms of its own (see the process runtime's port-owner.ts).
 *
 * A runtime whose probes cost CPU for their whole run says so (its `probesPerCore`, see
 * runtime/types.ts): through Docker a probe is an exec (create, start, inspect), which costs
 * dockerd and containerd about as much CPU as the probe lasts on an idle machine (measured: ~100
 * ms of engine CPU per ~100 ms probe, 40 probes of `test -f` in busybox), so four of them per
 * core could take the CPU the engine needs to create and start the services being waited for.
 * Such a check counts a probe as the CPU it costs, the least duration any probe of the run took
 * (what is left once a busy machine's waits are gone), not its own mean duration: on a loaded
 * machine a Docker probe lasts 0.5–1 s for the same ~100 ms of engine CPU, and spacing probes by
 * that wall time only delayed each service's readiness (`pnpm bench docker`: CLI up 0.70× with
 * one per core by the mean, against 0.65× unpaced).
 */

/** Probes running at once, per core, that the checks of one run may keep together (on average), unless the runtime says otherwise. */
export const PROBES_PER_CORE = 4;

/**
 * @internal The probes per core a check paces by: the runtime's own figure when it gives a usable
 * one (a positive number), else `fallback` (the pacer's). Pure.
 *
 * @example
 * ```ts
 * probesPerCore(1, 4); // 1: a Docker probe keeps about one core busy while it runs
 * probesPerCore(undefined, 4); // 4
 * probesPerCore(0, 4); // 4: no probe at all is not a pace
 * ```
 */
export function probesPerCore(declared: number | undefined, fallback: number = PROBES_PER_CORE): number {
  return declared !== undefined && Number.isFinite(declared) && declared > 0 ? declared : fallback;
}

/** What {@link probeSpacing} needs. */
export interface ProbeRateInput {
  /** The delay the poll schedule asks for (its fast-then-slow backoff), ms. */
  readonly baseMs: number;
  /** What one probe of this check takes (ms; a running mean of their durations), undefined before the first. */
  readonly probeMs: number | undefined;
  /** What one probe costs in CPU, when known apart from its duration (ms). @default probeMs */
  readonly cpuMs?: number | undefined;
  /** Checks probing now, this one included. */
  readonly concurrent: number;
  /** Cores of the machine. */
  readonly cores: number;
  /** Probes that may run at once per core. @default PROBES_PER_CORE */
  readonly perCore?: number | undefined;
  /** The longest delay allowed (the poll cap, the healthcheck's interval), ms. */
  readonly capMs: number;
}

/**
 * @internal The delay before a check's next probe (ms): the schedule's own delay, stretched so
 * that `concurrent` checks, each probe taking `probeMs` and costing `cpuMs` (its duration unless
 * given), keep at most `perCore · cores` probes' worth of cost running at once on average; never
 * beyond `capMs`. Pure: the same input gives the same delay.
 *
 * @example
 * ```ts
 * probeSpacing({ baseMs: 10, probeMs: 40, concurrent: 40, cores: 2, capMs: 1_000 }); // 160 (40·40/8 − 40)
 * probeSpacing({ baseMs: 10, probeMs: 5, concurrent: 12, cores: 2, capMs: 1_000 }); // 10 (the schedule's)
 * probeSpacing({ baseMs: 10, probeMs: undefined, concurrent: 12, cores: 2, capMs: 1_000 }); // 10
 * probeSpacing({ baseMs: 10, probeMs: 100, cpuMs: 100, concurrent: 6, cores: 2, perCore: 1, capMs: 1_000 }); // 200 (6·100/2 − 100)
 * probeSpacing({ baseMs: 10, probeMs: 600, cpuMs: 100, concurrent: 6, cores: 2, perCore: 1, capMs: 1_000 }); // 10: slow, not costly
 * ```
 */
export function probeSpacing(input: ProbeRateInput): number {
  const base = Math.min(input.baseMs, input.capMs);
  if (input.probeMs === undefined || !(input.probeMs > 0)) return base;
  const slots = (input.perCore ?? PROBES_PER_CORE) * Math.max(1, input.cores);
  const cost = input.cpuMs !== undefined && input.cpuMs > 0 ? Math.min(input.cpuMs, input.probeMs) : input.probeMs;
  const period = (cost * Math.max(1, input.concurrent)) / slots;
  return Math.round(Math.min(input.capMs, Math.max(base, period - input.probeMs)));
}

/** Weight of the newest duration in a check's running mean of probe cost. */
const COST_WEIGHT = 0.5;

/** @internal One check's share of a {@link ProbePacer}: measure each probe, ask the next delay, leave. */
export interface ProbeTurn {
  /** Records how long one probe took (ms). */
  measured(durationMs: number): void;
  /** What one probe of this check takes (ms; a running mean of the durations measured), undefined before the first. */
  readonly probeMs: number | undefined;
  /** The delay before the next probe, given the schedule's own `baseMs` and the cap. */
  delay(baseMs: number, capMs: number): number;
  /** The check is over (ready, failed or cancelled). */
  leave(): void;
}

/**
 * @internal The costly probes of one run: how many checks are probing now, and the machine's
 * cores. Each check joins it for its {@link ProbeTurn}.
 */
export class ProbePacer {
  #active = 0;
  /** The least duration of a probe of this run whose runtime paces by CPU (ms). */
  #least: number | undefined;

  constructor(
    readonly cores: number,
    readonly perCore: number = PROBES_PER_CORE,
  ) {}

  /** Checks probing now. */
  get active(): number {
    return this.#active;
  }

  /**
   * A check joins. With `perCore` (its runtime's, see {@link probesPerCore}) its probes cost CPU
   * for their whole run: they are counted as the least duration a probe of the run took (see
   * above), that many per core.
   */
  join(perCore?: number): ProbeTurn {
    const byCpu = perCore !== undefined && probesPerCore(perCore, 0) > 0;
    const slots = probesPerCore(perCore, this.perCore);
    this.#active++;
    let cost: number | undefined;
    let left = false;
    return {
      get probeMs() {
        return cost;
      },
      measured: (durationMs) => {
        if (!(durationMs >= 0)) return;
        cost = cost === undefined ? durationMs : COST_WEIGHT * durationMs + (1 - COST_WEIGHT) * cost;
        if (byCpu && durationMs > 0) this.#least = Math.min(this.#least ?? durationMs, durationMs);
      },
      delay: (baseMs, capMs) =>
        probeSpacing({ baseMs, probeMs: cost, cpuMs: byCpu ? this.#least : undefined, concurrent: this.#active, cores: this.cores, perCore: slots, capMs }),
      leave: () => {
        if (left) return;
        left = true;
        this.#active--;
      },
    };
  }
}
