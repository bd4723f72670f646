import { createRequire } from 'node:module';
import { chmodSync, closeSync, mkdirSync, openSync, statSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PublishedPort } from '../../../runtime/types.js';
import type { PortSpec } from '../../../spec/types.js';
import { envName } from '../state/paths.js';

/** `node:dgram`, required on the first UDP port: most projects publish none. */
function dgram(): typeof import('node:dgram') {
  return createRequire(import.meta.url)('node:dgram') as typeof import('node:dgram');
}

/**
 * `node:net`, required on the first port handed out: importing it (with the streams it pulls in) cost
 * every process that loads the package, `ps` too.
 */
function net(): typeof import('node:net') {
  return createRequire(import.meta.url)('node:net') as typeof import('node:net');
}

/** How long a port handed out stays reserved: time enough for its service to start and bind it. */
const HOLD_MS = 60_000;
/** Picks tried before giving up on a port nobody else was handed (then the kernel's last pick). */
const ATTEMPTS = 20;

/**
 * Hands out free host ports (`ports: "0:NNNN"`). A free port is found by binding port 0 and
 * closing it again; the service binds it later (after its dependencies are ready: seconds), and
 * in between the kernel may give the same port to another picker. So every port handed out is
 * reserved for {@link HOLD_MS}: in this process (a map) and for every process of this host (a
 * file `<tmp>/selur-compose-ports/<protocol>-<port>`, created exclusively: two pickers, in one
 * process or in two, never both get it). A reservation older than the hold is stale and taken
 * over. A folder that cannot be written leaves the reservation in this process only.
 */
export class PortPicker {
  readonly #recent = new Map<string, number>();
  constructor(
    /** The shared reservations' folder; undefined: this process only. */
    readonly dir: string | undefined = join(tmpdir(), 'selur-compose-ports'),
    /** A port the kernel considers free now (binding port 0); tests give their own. */
    readonly probe: (protocol: 'tcp' | 'udp') => Promise<number> = (protocol) => (protocol === 'udp' ? probeUdp() : probeTcp()),
    readonly now: () => number = Date.now,
  ) {}

  async pick(protocol: 'tcp' | 'udp' = 'tcp'): Promise<number> {
    let port = 0;
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      port = await this.probe(protocol);
      if (this.reserve(protocol, port)) return port;
    }
    return port;
  }

  /** Reserves `protocol/port` for this picker; false when another has it (here or in another process). */
  reserve(protocol: 'tcp' | 'udp', port: number): boolean {
    const now = this.now();
    for (const [key, at] of this.#recent) if (now - at > HOLD_MS) this.#recent.delete(key);
    const key = `${protocol}-${port}`;
    if (this.#recent.has(key)) return false;
    if (!this.#claimFile(key, now)) return false;
    this.#recent.set(key, now);
    return true;
  }

  #claimFile(key: string, now: number): boolean {
    if (this.dir === undefined) return true;
    const file = join(this.dir, key);
    for (let tries = 0; tries < 2; tries++) {
      try {
        closeSync(openSync(file, 'wx', 0o644));
        return true;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' && tries === 0) {
          try {
            mkdirSync(this.dir, { recursive: true });
            chmodSync(this.dir, 0o1777); // every user's pickers share it (sticky, as /tmp)
          } catch {
            return true; // no shared folder: this process's map only
          }
          continue;
        }
        if (code !== 'EEXIST') return true; // unwritable: this process's map only
        // Held by another picker, unless it is stale: then take it over (one of two racing wins).
        let mtime: number;
        try {
          mtime = statSync(file).mtimeMs;
        } catch {
          continue; // released meanwhile: try to create it again
        }
        if (now - mtime <= HOLD_MS) return false;
        try {
          unlinkSync(file);
        } catch {
          // another took it over first: the create below decides
        }
      }
    }
    return false;
  }
}

const shared = new PortPicker();

/** A free port on 127.0.0.1, found by binding port 0 (TCP or UDP), reserved for this host's pickers (see {@link PortPicker}). */
export function freePort(protocol: 'tcp' | 'udp' = 'tcp'): Promise<number> {
  return shared.pick(protocol);
}

function probeTcp(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net().createServer();
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
    const socket = dgram().createSocket('udp4');
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
