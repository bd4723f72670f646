import { createServer } from 'node:net';
import { createSocket } from 'node:dgram';
import type { PublishedPort } from '../../../runtime/types.js';
import type { PortSpec } from '../../../spec/types.js';
import { envName } from '../state/paths.js';

/** Ports handed out recently by this process, so two services never get the same free port. */
const recentlyAllocated = new Map<number, number>();
const HOLD_MS = 60_000;

/** A free port on 127.0.0.1, found by binding port 0 (TCP or UDP). */
export async function freePort(protocol: 'tcp' | 'udp' = 'tcp'): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = protocol === 'udp' ? await probeUdp() : await probeTcp();
    const now = Date.now();
    for (const [p, at] of recentlyAllocated) if (now - at > HOLD_MS) recentlyAllocated.delete(p);
    if (!recentlyAllocated.has(port)) {
      recentlyAllocated.set(port, now);
      return port;
    }
  }
  return protocol === 'udp' ? probeUdp() : probeTcp();
}

function probeTcp(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ port: 0, host: '127.0.0.1', exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function probeUdp(): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      const port = socket.address().port;
      socket.close(() => resolve(port));
    });
  });
}

/** Publishes each port: a fixed host port as is, 0/absent as a free one on 127.0.0.1. */
export async function publishPorts(specs: readonly PortSpec[]): Promise<PublishedPort[]> {
  const published: PublishedPort[] = [];
  for (const spec of specs) {
    const port = spec.published !== undefined && spec.published > 0 ? spec.published : await freePort(spec.protocol);
    published.push({ target: spec.target, protocol: spec.protocol, host: '127.0.0.1', published: port });
  }
  return published;
}

/**
 * The port variables a service sees: `PORT` = the first port's host port, and
 * `PORT_<target>` (plus `PORT_<target>_UDP` for UDP) = each port's host port.
 */
export function portEnv(ports: readonly PublishedPort[]): Record<string, string> {
  const env: Record<string, string> = {};
  const first = ports[0];
  if (first) env['PORT'] = String(first.published);
  for (const port of ports) {
    const key = port.protocol === 'udp' ? `PORT_${port.target}_UDP` : `PORT_${port.target}`;
    env[envName(key)] ??= String(port.published);
  }
  return env;
}
