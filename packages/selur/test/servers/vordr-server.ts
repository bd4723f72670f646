/**
 * An in-process fake of the Vörðr MCP server that follows `docs/reference/vordr-mcp.md`:
 * `POST /` JSON-RPC 2.0 (`tools/list`, `tools/call`), `GET /health`, `GET /tools`, both `result`
 * and `error` always present, web-layer 400/415/422, every tool with its aliases and real result
 * shapes. It records every call and injects faults on demand. Loopback only. Test support only.
 *
 * Where the reference is silent, the fake chooses (and the real server may differ): containers are
 * found by full id or by name; a duplicate container or network name is a tool failure; removing a
 * running container without `force` fails; `vordr_volume_create` of an existing volume returns it;
 * `tools/list` lists canonical names only (aliases are accepted by `tools/call`); `tools/call`
 * without a tool name answers -32602; a body without `jsonrpc` or `method` is an HTTP 422.
 *
 * @example
 * ```ts
 * await using vordr = await startVordrServer();
 * const client = vordrClient({ url: vordr.url });
 * await client.networkCreate({ name: 'shop_default' });
 * expect(vordr.toolCalls()).toEqual([{ tool: 'vordr_network_create', canonical: 'vordr_network_create', arguments: { name: 'shop_default' } }]);
 * ```
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CANONICAL_TOOL, FAKE_TOOLS, toolListResult } from './vordr-server-catalog.js';
import { ToolFailure } from './vordr-server-config.js';
import { FakeVordrState, type FakeStateOptions } from './vordr-server-state.js';

export type { FakeContainer, FakeImage, FakeVerification, FakeContainerState } from './vordr-server-state.js';

/** A fault to inject. */
export type VordrFault =
  /** Answer with this HTTP status (and body) instead of JSON-RPC. */
  | { readonly kind: 'http'; readonly status: number; readonly body?: string; readonly contentType?: string }
  /** Wait this long, then answer normally (the tool still runs). */
  | { readonly kind: 'delay'; readonly ms: number }
  /** Answer 200 `application/json` with a truncated, unparseable body. */
  | { readonly kind: 'malformed' }
  /** Answer with this JSON-RPC error (the tool does not run). */
  | { readonly kind: 'rpc-error'; readonly code: number; readonly message: string; readonly data?: unknown }
  /** Answer with this `result` (the tool does not run): for off-contract shapes. */
  | { readonly kind: 'result'; readonly result: unknown }
  /** Answer with this exact body (status 200 unless given). */
  | { readonly kind: 'raw'; readonly body: string; readonly status?: number; readonly contentType?: string }
  /** Destroy the connection without answering. */
  | { readonly kind: 'hang-up' };

/** Which requests a fault applies to. Without `tool` or `method`, every request (GETs too). */
export interface FaultScope {
  /** Only `tools/call` of this tool (as sent, or its canonical name). */
  readonly tool?: string;
  /** Only this JSON-RPC method (`tools/list`, `tools/call`, …). */
  readonly method?: string;
  /** How many matching requests it applies to. @default 1 */
  readonly times?: number;
}

/** One JSON-RPC request received (recorded before faults apply). */
export interface RecordedRpc {
  readonly id: unknown;
  readonly method: string;
  readonly params: unknown;
  /** For `tools/call`: the tool name as sent. */
  readonly tool?: string;
  /** For `tools/call`: the canonical tool name (aliases resolved), if it is a known tool. */
  readonly canonical?: string;
  /** For `tools/call`: the arguments (`{}` when absent). */
  readonly arguments?: Record<string, unknown>;
}

/** One HTTP request received. */
export interface RecordedHttp {
  readonly method: string;
  readonly path: string;
  readonly contentType: string | undefined;
}

/** A running fake. */
export interface FakeVordrServer extends AsyncDisposable {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** Every well-formed JSON-RPC request, in order. */
  readonly rpcs: readonly RecordedRpc[];
  /** Every HTTP request, in order. */
  readonly requests: readonly RecordedHttp[];
  /** The runtime state, for assertions and seeding. */
  readonly state: FakeVordrState;
  /** `tools/call` requests as `{tool, canonical, arguments}`. */
  toolCalls(): { tool: string; canonical: string | undefined; arguments: Record<string, unknown> }[];
  /** Injects a fault for the next matching request(s). */
  inject(fault: VordrFault, scope?: FaultScope): void;
  /** Forgets recorded requests and pending faults (state is kept). */
  clearRecords(): void;
  close(): Promise<void>;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

class FakeServer implements FakeVordrServer {
  readonly rpcs: RecordedRpc[] = [];
  readonly requests: RecordedHttp[] = [];
  readonly state: FakeVordrState;
  url = '';
  private faults: { fault: VordrFault; scope: FaultScope; left: number }[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly server: Server;

  constructor(options: FakeStateOptions) {
    this.state = new FakeVordrState(options);
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) this.send(res, 500, 'text/plain', `fake vordr crashed: ${String(error)}`);
      });
    });
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  toolCalls(): { tool: string; canonical: string | undefined; arguments: Record<string, unknown> }[] {
    return this.rpcs
      .filter((r) => r.method === 'tools/call' && r.tool !== undefined)
      .map((r) => ({ tool: r.tool as string, canonical: r.canonical, arguments: r.arguments ?? {} }));
  }

  inject(fault: VordrFault, scope: FaultScope = {}): void {
    this.faults.push({ fault, scope, left: scope.times ?? 1 });
  }

  clearRecords(): void {
    this.rpcs.length = 0;
    this.requests.length = 0;
    this.faults = [];
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  private takeFault(rpc: RecordedRpc | undefined): VordrFault | undefined {
    const index = this.faults.findIndex(({ scope }) => {
      if (scope.tool !== undefined) return rpc?.tool === scope.tool || rpc?.canonical === scope.tool;
      if (scope.method !== undefined) return rpc?.method === scope.method;
      return true;
    });
    const entry = this.faults[index];
    if (entry === undefined) return undefined;
    entry.left -= 1;
    if (entry.left <= 0) this.faults.splice(index, 1);
    return entry.fault;
  }

  private send(res: ServerResponse, status: number, contentType: string, body: string): void {
    res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
    res.end(body);
  }

  private json(res: ServerResponse, status: number, value: unknown): void {
    this.send(res, status, 'application/json', JSON.stringify(value));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    const contentType = req.headers['content-type'];
    this.requests.push({ method: req.method ?? '', path, contentType });

    if (req.method === 'GET' && (path === '/health' || path === '/tools')) {
      const body = path === '/health' ? { status: 'ok', version: '0.1.0', service: 'vordr-mcp' } : toolListResult();
      return this.answer(res, this.takeFault(undefined), () => ({ status: 200, body }));
    }
    if (path !== '/') return this.send(res, 404, 'text/plain', 'Not Found');
    if (req.method !== 'POST') return this.send(res, 405, 'text/plain', 'Method Not Allowed');
    if (contentType === undefined || !contentType.toLowerCase().startsWith('application/json')) {
      return this.send(res, 415, 'text/plain', "Expected request with `Content-Type: application/json`");
    }
    let body: unknown;
    try {
      body = JSON.parse(text) as unknown;
    } catch (error) {
      return this.send(res, 400, 'text/plain', `Failed to parse the request body as JSON: ${(error as Error).message}`);
    }
    if (!isObject(body) || typeof body['method'] !== 'string' || typeof body['jsonrpc'] !== 'string') {
      return this.send(res, 422, 'text/plain', 'Failed to deserialize the JSON body into the target type: missing field `jsonrpc` or `method`');
    }
    const id = body['id'] ?? null;
    const rpc = this.record(id, body['method'], body['params']);
    const fault = this.takeFault(rpc);
    return this.answer(res, fault, () => ({ status: 200, body: this.dispatch(body as Record<string, unknown>, rpc, id) }), id);
  }

  private record(id: unknown, method: string, params: unknown): RecordedRpc {
    const rpc: RecordedRpc =
      method === 'tools/call' && isObject(params) && typeof params['name'] === 'string'
        ? {
            id, method, params,
            tool: params['name'],
            canonical: CANONICAL_TOOL.get(params['name']),
            arguments: isObject(params['arguments']) ? params['arguments'] : {},
          }
        : { id, method, params };
    this.rpcs.push(rpc);
    return rpc;
  }

  private envelope(id: unknown, result: unknown, error: { code: number; message: string; data?: unknown } | null): unknown {
    return { jsonrpc: '2.0', id, result: error === null ? result : null, error };
  }

  private dispatch(body: Record<string, unknown>, rpc: RecordedRpc, id: unknown): unknown {
    if (body['jsonrpc'] !== '2.0') return this.envelope(id, null, { code: -32600, message: 'Invalid Request: jsonrpc must be "2.0"' });
    if (rpc.method === 'tools/list') return this.envelope(id, toolListResult(), null);
    if (rpc.method !== 'tools/call') return this.envelope(id, null, { code: -32601, message: `Method not found: ${rpc.method}` });
    const params = body['params'];
    if (!isObject(params) || typeof params['name'] !== 'string' || (params['arguments'] !== undefined && !isObject(params['arguments']))) {
      return this.envelope(id, null, { code: -32602, message: 'Invalid params: expected {name, arguments}' });
    }
    const canonical = rpc.canonical;
    if (canonical === undefined) return this.envelope(id, null, { code: -32000, message: `Unknown tool: ${params['name']}` });
    try {
      return this.envelope(id, this.state.run(canonical, rpc.arguments ?? {}), null);
    } catch (error) {
      if (error instanceof ToolFailure) return this.envelope(id, null, { code: -32000, message: error.message });
      throw error;
    }
  }

  private answer(res: ServerResponse, fault: VordrFault | undefined, normal: () => { status: number; body: unknown }, id: unknown = null): void {
    if (fault === undefined) {
      const { status, body } = normal();
      return this.json(res, status, body);
    }
    switch (fault.kind) {
      case 'http':
        return this.send(res, fault.status, fault.contentType ?? 'text/plain', fault.body ?? 'Internal Server Error');
      case 'delay': {
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          if (!res.destroyed) this.answer(res, undefined, normal, id);
        }, fault.ms);
        this.timers.add(timer);
        return;
      }
      case 'malformed':
        return this.send(res, 200, 'application/json', '{"jsonrpc": "2.0", "id": 1, "result": {"containers": [');
      case 'rpc-error':
        return this.json(res, 200, this.envelope(id, null, { code: fault.code, message: fault.message, ...(fault.data === undefined ? {} : { data: fault.data }) }));
      case 'result':
        return this.json(res, 200, this.envelope(id, fault.result, null));
      case 'raw':
        return this.send(res, fault.status ?? 200, fault.contentType ?? 'application/json', fault.body);
      case 'hang-up':
        res.socket?.destroy();
        return;
    }
  }
}

/**
 * Starts a fake Vörðr on 127.0.0.1 (a free port). Close it with `close()` or `await using`.
 *
 * @example
 * ```ts
 * await using vordr = await startVordrServer({ images: [{ id: 'i1', digest: 'sha256:…', repository: 'shop/api', tags: ['1.0'], size: 1024 }] });
 * ```
 */
export async function startVordrServer(options: FakeStateOptions = {}): Promise<FakeVordrServer> {
  const server = new FakeServer(options);
  await server.listen();
  return server;
}

/**
 * A loopback URL where nothing listens (a port bound and released), for connection-refused tests.
 *
 * @example
 * ```ts
 * const client = vordrClient({ url: await refusedVordrUrl() });
 * ```
 */
export async function refusedVordrUrl(): Promise<string> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

/** The tool names the fake lists, in order (for assertions). */
export const FAKE_TOOL_NAMES: readonly string[] = FAKE_TOOLS.map((t) => t.name);
