import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { describe, expect, test } from 'vitest';
import { hostPortBindError } from './host-port-bind.js';

describe('hostPortBindError', () => {
  test('a TCP port held by a listener is reported with the bind error; once released it is free', async () => {
    const server = createServer();
    const port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
    expect(await hostPortBindError({ host: '127.0.0.1', port, protocol: 'tcp' })).toMatch(/EADDRINUSE/);
    await new Promise((r) => server.close(r));
    expect(await hostPortBindError({ host: '127.0.0.1', port, protocol: 'tcp' })).toBeUndefined();
  });

  test('a UDP port held by a socket is reported; once closed it is free', async () => {
    const socket = createSocket('udp4');
    const port = await new Promise<number>((resolve) => socket.bind(0, '127.0.0.1', () => resolve(socket.address().port)));
    expect(await hostPortBindError({ host: '127.0.0.1', port, protocol: 'udp' })).toMatch(/EADDRINUSE/);
    await new Promise<void>((r) => socket.close(() => r()));
    expect(await hostPortBindError({ host: '127.0.0.1', port, protocol: 'udp' })).toBeUndefined();
  });
});
