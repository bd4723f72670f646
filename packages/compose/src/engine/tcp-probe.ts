import { connect } from 'node:net';

/**
 * Whether `host:port` accepts a connection. Once connected, the probe closes politely: it sends
 * its FIN and reads whatever the server says first (a greeting, a banner), so that the server never
 * gets a reset for writing to a probe that already left — a server without a socket error handler
 * would crash on that ECONNRESET.
 *
 * @internal
 */
export function tcpOpen(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    let settled = false;
    const settle = (ok: boolean) => {
      if (settled) return;
      settled = true;
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => {
      settle(false);
      socket.destroy();
    });
    socket.once('connect', () => {
      settle(true);
      socket.resume();
      socket.end();
    });
    socket.on('error', () => {
      settle(false);
      socket.destroy();
    });
    socket.once('close', () => settle(false));
  });
}
