import type { ContainerInfo } from '../runtime/types.js';
import { backoff, type EngineClock } from './clock.js';
import { tcpOpen } from './tcp-probe.js';

/** Growth of the delay between two connects (cheap: one TCP connect each). */
const FACTOR = 1.02;

/** Whether {@link portOpens} has anything to watch: the container publishes a TCP port. */
export function publishesTcp(container: ContainerInfo): boolean {
  return container.ports.some((p) => p.protocol === 'tcp' && p.published > 0);
}

/**
 * Resolves once one of the container's published TCP ports accepts a connection: a hint that
 * its healthcheck may pass now. A healthcheck that starts a process is probed at a pace its cost
 * allows (see probe-pacer.ts), so a service can be ready a whole spacing before the next probe;
 * a TCP connect costs next to nothing, so polling the ports beside it tells when to probe at
 * once. Never resolves for a container that publishes no TCP port; stops when `signal` aborts.
 */
export function portOpens(clock: EngineClock, container: ContainerInfo, signal: AbortSignal, capMs: number): Promise<void> {
  const ports = container.ports.filter((p) => p.protocol === 'tcp' && p.published > 0);
  if (ports.length === 0) return new Promise<void>(() => undefined);
  const targets = ports.map((p) => ({ host: p.host === '0.0.0.0' || p.host === '' ? '127.0.0.1' : p.host === '::' ? '::1' : p.host, port: p.published }));
  return new Promise<void>((resolve) => {
    void (async () => {
      const delays = backoff(10, capMs, FACTOR);
      while (!signal.aborted) {
        for (const { host, port } of targets) {
          if (await tcpOpen(host, port, 1_000)) return resolve();
        }
        try {
          await clock.sleep(delays.next().value, signal);
        } catch {
          return; // aborted: the check is over
        }
      }
    })();
  });
}
