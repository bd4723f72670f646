/**
 * Free host ports: a port handed out is reserved, in this process and, through a file, for every
 * other process of the host, so two pickers never get the same one while its service has yet to
 * bind it (the kernel may give a port it just released to the next `bind(0)`).
 */
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PortPicker, freePort } from './ports.js';

/** A probe that answers the given ports in turn (the last one for ever after). */
function scripted(ports: readonly number[]): { probe: () => Promise<number>; calls: () => number } {
  let calls = 0;
  return { probe: () => Promise.resolve(ports[Math.min(calls++, ports.length - 1)] as number), calls: () => calls };
}

describe('PortPicker', () => {
  const dirs: string[] = [];
  const folder = () => {
    const dir = mkdtempSync(join(tmpdir(), 'port-picker-'));
    dirs.push(dir);
    return join(dir, 'ports');
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('never hands the same port to two pickers of two processes sharing the folder, even when the kernel offers it to both', async () => {
    const dir = folder();
    // Two pickers with their own memory (as two processes have) and one folder: the kernel
    // offers each 40001 first (released by one, offered again to the other).
    const first = new PortPicker(dir, scripted([40001, 40002]).probe);
    const secondProbe = scripted([40001, 40001, 40003]);
    const second = new PortPicker(dir, secondProbe.probe);
    expect(await first.pick()).toBe(40001);
    expect(await second.pick()).toBe(40003);
    expect(secondProbe.calls()).toBe(3);
  });

  it('keeps a reservation for a minute, then a stale one is taken over', async () => {
    const dir = folder();
    let now = 1_000_000;
    const a = new PortPicker(dir, scripted([40010]).probe, () => now);
    expect(await a.pick()).toBe(40010);
    const b = new PortPicker(dir, scripted([40010, 40011]).probe, () => now);
    expect(await b.pick()).toBe(40011);
    // the file's age is what tells another process it is stale
    const old = new Date(Date.now() - 61_000);
    utimesSync(join(dir, 'tcp-40010'), old, old);
    now += 61_000;
    const c = new PortPicker(dir, scripted([40010]).probe, () => now);
    expect(await c.pick()).toBe(40010);
  });

  it('TCP and UDP reservations of one number are distinct', async () => {
    const dir = folder();
    const picker = new PortPicker(dir, scripted([40020]).probe);
    expect(await picker.pick('tcp')).toBe(40020);
    expect(await picker.pick('udp')).toBe(40020);
  });

  it('within one process, without a shared folder, a port is not handed out twice', async () => {
    const probe = scripted([40030, 40030, 40031]);
    const picker = new PortPicker(undefined, probe.probe);
    expect([await picker.pick(), await picker.pick()]).toEqual([40030, 40031]);
  });

  it('a folder that cannot be written leaves the reservation to this process', async () => {
    const dir = folder();
    writeFileSync(dir, 'a file where the folder should be');
    const picker = new PortPicker(join(dir, 'below'), scripted([40040, 40040, 40041]).probe);
    expect([await picker.pick(), await picker.pick()]).toEqual([40040, 40041]);
  });

  it('a port the kernel gave another listener first is skipped (the real probe, a reserved first pick)', async () => {
    // Another process of this host reserved the first port the kernel offers; a server of ours
    // holds it too. The picker must hand out another, free one.
    const dir = folder();
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      const other = new PortPicker(dir, scripted([port]).probe);
      expect(await other.pick()).toBe(port);
      let offered = 0;
      const picker = new PortPicker(dir, async (protocol) => (offered++ === 0 ? port : new PortPicker(undefined).probe(protocol)));
      const got = await picker.pick();
      expect(got).not.toBe(port);
      const server = createServer();
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(got, '127.0.0.1', resolve);
      });
      await new Promise<void>((resolve) => server.close(() => resolve()));
    } finally {
      await new Promise<void>((resolve) => taken.close(() => resolve()));
    }
  });

  it('freePort hands out distinct ports to many concurrent picks', async () => {
    const ports = await Promise.all(Array.from({ length: 50 }, () => freePort()));
    expect(new Set(ports).size).toBe(ports.length);
  });
});
