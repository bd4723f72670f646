import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { tcpOpen } from './tcp-probe.js';

describe('the TCP port probe', () => {
  it('leaves politely: a server that greets each connection never sees a reset (50 probes)', async () => {
    // Destroying the socket as soon as it connected made every greeting's write fail with
    // ECONNRESET on the server side (200 of 200 measured); a server without a socket error handler
    // crashed right after it was reported ready (found with the CLI's test stack).
    let errors = 0;
    let closed = 0;
    const sockets: Socket[] = [];
    const server = createServer((c) => {
      sockets.push(c);
      c.on('error', () => errors++);
      c.on('close', () => closed++);
      c.end('hello\n');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      for (let i = 0; i < 50; i++) expect(await tcpOpen('127.0.0.1', port, 2_000)).toBe(true);
      for (let i = 0; i < 100 && closed < 50; i++) await new Promise((r) => setTimeout(r, 20));
      expect(closed).toBe(50);
      expect(errors).toBe(0);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('says no for a port nobody listens on', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    expect(await tcpOpen('127.0.0.1', port, 2_000)).toBe(false);
  });
});
