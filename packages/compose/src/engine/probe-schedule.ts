/**
 * When a healthcheck is probed while its service's published TCP ports are still closed.
 *
 * A command healthcheck starts a process per probe. Most services answer their healthcheck only
 * once they listen, and port-hint.ts tells the moment one of their published TCP ports accepts a
 * connection (a connect costs next to nothing); the check then probes at once. Before that, a
 * probe of such a service almost always fails: it costs a process, taking CPU from the services
 * starting, and one still running when the port opens delays the probe that would pass by its own
 * duration. So while the hint is pending, the service is probed at most once per
 * {@link PORT_PENDING_MS}, counted from its start (the first probe too: a server just started is
 * not listening yet); never less often than the cap, which the healthcheck's `start_interval`
 * and `interval` bound, so a healthcheck that passes without the port is still probed at least
 * as often as Docker would. Once a port is open, or for a service that publishes none, the paced
 * schedule applies (probe-pacer.ts), the first probe at once.
 *
 * Measured with `pnpm bench probes` (40 services, 2 cores, a busy machine): see CONTRIBUTING.md.
 */

/** Least delay between two probes of a healthcheck whose service has not opened a published TCP port yet (ms). */
export const PORT_PENDING_MS = 100;

/** What {@link healthcheckDelay} needs. */
export interface HealthcheckDelayInput {
  /** The delay the paced schedule asks for (probe-pacer.ts), ms. */
  readonly pacedMs: number;
  /** The longest delay allowed: the poll cap, `start_interval` in the start period, else `interval` (ms). */
  readonly capMs: number;
  /** The service publishes TCP ports and none has accepted a connection yet. */
  readonly portPending: boolean;
}

/**
 * @internal The delay before a healthcheck's next probe (ms). Pure.
 *
 * @example
 * ```ts
 * healthcheckDelay({ pacedMs: 12, capMs: 1_000, portPending: true }); // 100
 * healthcheckDelay({ pacedMs: 12, capMs: 1_000, portPending: false }); // 12
 * healthcheckDelay({ pacedMs: 12, capMs: 20, portPending: true }); // 20: start_interval = 20ms wins
 * ```
 */
export function healthcheckDelay(input: HealthcheckDelayInput): number {
  const paced = Math.min(input.pacedMs, input.capMs);
  return input.portPending ? Math.max(paced, Math.min(PORT_PENDING_MS, input.capMs)) : paced;
}

/**
 * @internal The delay before a healthcheck's first probe (ms): none, unless the service publishes
 * TCP ports that are all still closed (then {@link PORT_PENDING_MS}, within the cap). Pure.
 *
 * @example
 * ```ts
 * firstProbeDelay({ capMs: 1_000, portPending: true }); // 100: the port hint usually comes first
 * firstProbeDelay({ capMs: 1_000, portPending: false }); // 0
 * ```
 */
export function firstProbeDelay(input: { readonly capMs: number; readonly portPending: boolean }): number {
  return input.portPending ? Math.min(PORT_PENDING_MS, input.capMs) : 0;
}
