/**
 * What "runs" containers behind the fake Svalinn. The default keeps them in memory and answers with
 * the runtime's (Vörðr's) result shapes, which Svalinn passes through; a test can swap in its own
 * backend (e.g. one wired to a fake Vörðr).
 */
import { createHash } from 'node:crypto';

/** A run or create, as the Svalinn handler hands it to the runtime. */
export interface BackendRunRequest {
  readonly image: string;
  readonly name?: string | undefined;
  readonly config?: unknown;
  readonly detach?: boolean | undefined;
  /** The bundle digest the client sent. */
  readonly digest?: string | undefined;
}

/**
 * The runtime behind the fake server. A thrown error becomes a 500, its message wrapped as the real
 * gateway wraps a Vörðr error (`MCP call failed after 3 retries: MCP error -32000: <message>`), unless
 * it is a {@link GatewayFailure} (the gateway's own message, sent as is).
 */
export interface SvalinnBackend {
  /** Reported as `vordrConnected` on `/health`. */
  connected(): boolean;
  /** Create and start (POST /api/v1/run, /api/v2/run). */
  run(request: BackendRunRequest): Promise<unknown>;
  /** Create without starting (POST /api/v1/containers). */
  create(request: BackendRunRequest): Promise<unknown>;
  start(id: string): Promise<unknown>;
  stop(id: string): Promise<unknown>;
  remove(id: string): Promise<unknown>;
  list(): Promise<unknown>;
  get(id: string): Promise<unknown>;
  images(): Promise<unknown>;
  pull(image: string): Promise<unknown>;
  /** Verify a digest (POST /api/v1/verify, /api/v1/images/verify). */
  verify(digest: string, policy: unknown): Promise<unknown>;
  /** `svalinn_logs` (Vörðr has no logs tool: throws). */
  logs?(id: string): Promise<unknown>;
}

/** A failure of the gateway itself (not of Vörðr): answered as `{error: message}` without wrapping. */
export class GatewayFailure extends Error {}

/** A Vörðr JSON-RPC error behind the gateway: answered wrapped with this code. */
export class VordrRpcFailure extends Error {
  constructor(readonly rpcCode: number, message: string) {
    super(message);
  }
}

/** The image list the recording's set-up B answered (`GET /api/v1/images`). */
export const RECORDED_IMAGES = [{ id: 'img1', digest: `sha256:${'ab'.repeat(32)}`, repository: 'ghcr.io/acme/api', tags: ['1.2'], size: 1024 }];

interface MemoryContainer {
  id: string;
  name: string;
  image: string;
  state: 'Created' | 'Running' | 'Stopped';
  created: string;
  config: unknown;
  pid: number | null;
}

/**
 * The default backend: containers in a Map, the result shapes of the recording's set-up B (Svalinn in
 * front of a Vörðr that speaks its dialect), deterministic ids, pids from 4000 as recorded.
 */
export function memoryBackend(): SvalinnBackend & { readonly containers: ReadonlyMap<string, Readonly<MemoryContainer>> } {
  const containers = new Map<string, MemoryContainer>();
  let counter = 0;
  let pid = 3999;
  const find = (id: string): MemoryContainer => {
    const hit = containers.get(id) ?? [...containers.values()].find((c) => c.name === id);
    if (!hit) throw new Error(`Container not found: ${id}`);
    return hit;
  };
  const make = (request: BackendRunRequest, state: MemoryContainer['state']): MemoryContainer => {
    const name = request.name ?? `container_${counter + 1}`;
    if ([...containers.values()].some((c) => c.name === name)) throw new Error(`Container name already in use: ${name}`);
    counter += 1;
    const id = createHash('sha256').update(`svalinn-fake-${counter}`).digest('hex');
    const container: MemoryContainer = { id, name, image: request.image, state, created: new Date(Date.UTC(2026, 0, 1, 0, 0, counter)).toISOString(), config: request.config ?? {}, pid: state === 'Running' ? ++pid : null };
    containers.set(id, container);
    return container;
  };
  return {
    containers,
    connected: () => true,
    async run(request) {
      const c = make(request, 'Running');
      // Svalinn's run is create then start: it answers the start result.
      return { containerId: c.id, pid: c.pid, status: 'running' };
    },
    async create(request) {
      const c = make(request, 'Created');
      return { containerId: c.id, name: c.name, image: c.image, status: 'created', id: c.id };
    },
    async start(id) {
      const c = find(id);
      if (c.state !== 'Created') throw new Error(`Container ${c.id} is ${c.state}, not Created`);
      c.state = 'Running';
      c.pid = ++pid;
      return { containerId: c.id, pid: c.pid, status: 'running' };
    },
    async stop(id) {
      const c = find(id);
      if (c.state !== 'Running') throw new Error(`Container ${c.id} is not running (state: ${c.state})`);
      c.state = 'Stopped';
      c.pid = null;
      return { containerId: c.id, status: 'stopped' };
    },
    async remove(id) {
      const c = find(id);
      containers.delete(c.id);
      return { containerId: c.id, status: 'removed' };
    },
    async list() {
      // The gateway lists without `all`: running containers only (recorded).
      return { containers: [...containers.values()].filter((c) => c.state === 'Running').map((c) => ({ id: c.id, name: c.name, image: c.image, state: c.state, created: c.created })) };
    },
    async get(id) {
      const c = find(id);
      return { id: c.id, name: c.name, image: c.image, state: c.state, pid: c.pid, bundlePath: `/var/lib/vordr/containers/${c.id}/bundle`, created: c.created, config: JSON.stringify(c.config) };
    },
    async images() {
      return { images: RECORDED_IMAGES };
    },
    async pull() {
      // Vörðr lists vordr_pull but answers "Unknown tool" for it.
      throw new Error('Unknown tool: vordr_pull');
    },
    async verify(digest) {
      return { image: digest, verified: true, attestations: [], warnings: [] };
    },
    async logs() {
      throw new Error('Unknown tool: vordr_logs');
    },
  };
}
