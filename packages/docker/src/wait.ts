import { ContainerNotFoundError } from '@selur/compose';
import { linkedController } from './client/abort.js';
import type { EngineClient } from './client/engine-client.js';
import { isDockerEngineError } from './errors/docker-engine-error.js';
import type { ContainerInspect } from './mapping/engine-types.js';

/**
 * How long one `wait` long-poll is held open (ms) before it is sent anew: a connection the
 * engine lost, or an exit it never reported, costs at most this long, not forever.
 */
export const WAIT_LONG_POLL_MS = 30_000;
/** The least time between two `wait` requests (ms): a wait that answers at once (a container never started) does not spin. */
export const WAIT_MIN_INTERVAL_MS = 250;

/** Why the long-poll was cut: its bound, not the caller. */
const ROUND_OVER = Symbol('wait round over');

/**
 * Settles once container `id` has stopped for good, with its exit code: `POST
 * /containers/{id}/wait?condition=not-running` (a long-poll the engine answers when the container
 * stops), then an inspection, since the engine also answers when a container with a restart
 * policy exits to be restarted (`restarting`: not the end; the next wait blocks until it stops
 * again). Each long-poll lasts at most {@link WAIT_LONG_POLL_MS} on a connection of its own (it
 * never holds one of the pool's); rejects with `signal`'s reason when it aborts, and with
 * {@link ContainerNotFoundError} when the container is gone. @internal
 */
export async function waitForExit(
  client: EngineClient,
  id: string,
  inspect: (id: string) => Promise<ContainerInspect>,
  signal: AbortSignal | undefined,
): Promise<number | undefined> {
  const path = `/containers/${encodeURIComponent(id)}/wait`;
  for (;;) {
    signal?.throwIfAborted();
    const sent = Date.now();
    const code = await longPoll(client, path, id, signal);
    const { State: state } = await inspect(id);
    if (state.Status === 'exited' || state.Status === 'dead' || state.Status === 'stopped') return state.ExitCode ?? code;
    const rest = WAIT_MIN_INTERVAL_MS - (Date.now() - sent);
    if (rest > 0) await pause(rest, signal);
  }
}

/** One `wait` request: the exit code the engine answered, or undefined when its bound ran out. */
async function longPoll(client: EngineClient, path: string, id: string, signal: AbortSignal | undefined): Promise<number | undefined> {
  const { controller, dispose } = linkedController(signal);
  const timer = setTimeout(() => controller.abort(ROUND_OVER), WAIT_LONG_POLL_MS);
  timer.unref();
  try {
    // `timeoutMs: 0`: no client timer (its expiry reads as an unreachable engine); the bound is ours.
    const answer = await client.json<{ StatusCode?: unknown } | undefined>('POST', path, { query: { condition: 'not-running' }, timeoutMs: 0, signal: controller.signal, dedicated: true });
    controller.signal.throwIfAborted(); // (a body cut short by the abort may read as an empty answer)
    return typeof answer?.StatusCode === 'number' ? answer.StatusCode : undefined;
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    if (controller.signal.aborted && controller.signal.reason === ROUND_OVER) return undefined;
    if (isDockerEngineError(error) && error.statusCode === 404) throw new ContainerNotFoundError('docker', id, { cause: error });
    throw error;
  } finally {
    clearTimeout(timer);
    dispose();
  }
}

/** Waits `ms`, or rejects with `signal`'s reason. */
function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const { controller, dispose } = linkedController(signal);
    const timer = setTimeout(() => {
      dispose();
      resolve();
    }, ms);
    controller.signal.addEventListener('abort', () => {
      clearTimeout(timer);
      dispose();
      reject(signal?.reason);
    }, { once: true });
  });
}
