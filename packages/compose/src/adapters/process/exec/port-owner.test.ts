import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listeningInodes, portOwner } from './port-owner.js';

const HEADER = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode';
const line = (sl: number, port: number, state: string, inode: number) =>
  `  ${sl}: 0100007F:${port.toString(16).toUpperCase().padStart(4, '0')} 00000000:0000 ${state} 00000000:00000000 00:00000000 00000000  1000        0 ${inode} 1 0000000000000000 100 0 0 10 0`;

describe('the listening sockets of a port, from /proc/net tables', () => {
  const dir = mkdtempSync(join(tmpdir(), 'port-owner-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('finds the TCP listeners of the port and stops at the first socket in another state (the kernel lists listeners first)', () => {
    const table = join(dir, 'tcp');
    // Thousands of TIME_WAIT lines after the listeners: reading them is what cost each check.
    const rest = Array.from({ length: 5_000 }, (_, i) => line(i + 3, 8080, '06', 0));
    writeFileSync(table, [HEADER, line(0, 8080, '0A', 111), line(1, 9090, '0A', 222), line(2, 8080, '0A', 333), ...rest, line(9_999, 8080, '0A', 999), ''].join('\n'));
    expect(listeningInodes(8080, 'tcp', [table])).toEqual(new Set(['111', '333']));
    expect(listeningInodes(7070, 'tcp', [table])).toEqual(new Set());
  });

  it('reads every line of a UDP table (bound sockets are not listed first there)', () => {
    const table = join(dir, 'udp');
    writeFileSync(table, [HEADER, line(0, 53, '01', 5), line(1, 5353, '07', 6), line(2, 53, '07', 7), ''].join('\n'));
    expect(listeningInodes(53, 'udp', [table])).toEqual(new Set(['7']));
  });

  it('says it cannot tell when no table can be read', () => {
    expect(listeningInodes(80, 'tcp', [join(dir, 'missing')])).toBeUndefined();
  });

  it('tells this process as the owner of a port it listens on, and another process as not', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const stranger = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      expect(portOwner(process.pid, port, 'tcp')).toEqual({ owner: 'self' });
      expect(portOwner(stranger.pid as number, port, 'tcp')).toMatchObject({ owner: 'other', pids: expect.arrayContaining([process.pid]) });
    } finally {
      stranger.kill('SIGKILL');
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
