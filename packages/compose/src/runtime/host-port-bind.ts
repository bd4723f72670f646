import { createRequire } from 'node:module';
import type { HostPortClaim } from './types.js';

/**
 * `node:net`, required on the first TCP port checked: importing it (with the streams it pulls in) cost
 * every process that loads the package, `ps` too.
 */
function net(): typeof import('node:net') {
  return createRequire(import.meta.url)('node:net') as typeof import('node:net');
}

/** `node:dgram`, required on the first UDP port: most projects publish none. */
function dgram(): typeof import('node:dgram') {
  return createRequire(import.meta.url)('node:dgram') as typeof import('node:dgram');
}

/**
 * Tries to bind a claimed host port for a moment (TCP: an exclusive listen; UDP: an exclusive
 * bind) on the claim's host address, and releases it at once. Resolves with the error text when
 * it cannot be bound (`listen EADDRINUSE: address already in use 127.0.0.1:8080`), undefined when
 * it is free now. Never rejects. For a runtime's `checkHostPorts`: the part of the check that
 * asks the host itself rather than the runtime's own records.
 *
 * @example
 * ```ts
 * const claim: HostPortClaim = { service: 'web', host: '127.0.0.1', port: 8080, protocol: 'tcp' };
 * const detail = await hostPortBindError(claim);
 * if (detail) conflicts.push({ ...claim, detail });
 * ```
 */
export function hostPortBindError(claim: Pick<HostPortClaim, 'host' | 'port' | 'protocol'>): Promise<string | undefined> {
  return new Promise((resolve) => {
    if (claim.protocol === 'udp') {
      const socket = dgram().createSocket(claim.host.includes(':') ? 'udp6' : 'udp4');
      socket.once('error', (error) => {
        socket.close();
        resolve(error.message);
      });
      socket.bind({ port: claim.port, address: claim.host, exclusive: true }, () => socket.close(() => resolve(undefined)));
      return;
    }
    const server = net().createServer();
    server.once('error', (error) => resolve(error.message));
    server.listen({ port: claim.port, host: claim.host, exclusive: true }, () => server.close(() => resolve(undefined)));
  });
}
