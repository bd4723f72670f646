/**
 * An in-process fake of the Svalinn gateway that answers as the real server was recorded answering
 * (`packages/selur/test/vectors/svalinn/recorded/`, set-ups B–E): its routes, result shapes, status
 * codes, flat error bodies and quirks. `test/svalinn/fake-vs-recording.test.ts` replays every recorded
 * request of B–E against it and fails when an answer drifts from the recording. Every request body is
 * validated with ajv against Svalinn's own schemas; every request is recorded (secrets redacted).
 * Faults can be injected. Test-only: not exported from the package.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { GatewayFailure, VordrRpcFailure, memoryBackend } from './svalinn-memory-backend.js';
import { svalinnSchemas, type SchemaCheck, type SvalinnSchemaName } from './svalinn-schemas.js';
import { handleMcp } from './svalinn-mcp.js';
import type { FakeSvalinn, FakeSvalinnOptions, Fault, RecordedRequest } from './svalinn-server-types.js';

export { memoryBackend, GatewayFailure, VordrRpcFailure, RECORDED_IMAGES, type SvalinnBackend, type BackendRunRequest } from './svalinn-memory-backend.js';
export { defectiveBackend, type UpstreamDefect } from './svalinn-defects.js';
export type { FakeSvalinn, FakeSvalinnOptions, RecordedRequest, Fault, GateDecision } from './svalinn-server-types.js';

const PUBLIC = new Set(['/health', '/healthz', '/ready', '/readyz', '/metrics']);

/** `GET /api/v1/policies` as recorded: the evaluation of the two built-in policies, not the documents. */
export const RECORDED_POLICIES = {
  default: {
    allowed: true, mode: 'strict', predicatesFound: ['https://slsa.dev/provenance/v1', 'https://spdx.dev/Document'], missingPredicates: [], signersVerified: [],
    invalidSigners: [], logCount: 1, logQuorumMet: true, violations: [], warnings: [],
  },
  permissive: {
    allowed: true, mode: 'permissive', predicatesFound: [], missingPredicates: [], signersVerified: [], invalidSigners: [], logCount: 0, logQuorumMet: true, violations: [], warnings: [],
  },
};

/** How the real gateway wraps a runtime (Vörðr) error in its 500. */
function gatewayMessage(error: unknown): string {
  if (error instanceof GatewayFailure) return error.message;
  // A VordrError from the real vordrClient (the vordr backend) carries Vörðr's own code and message.
  const vordr = error as { rpcCode?: unknown; serverMessage?: unknown };
  const code = error instanceof VordrRpcFailure ? error.rpcCode : typeof vordr.rpcCode === 'number' ? vordr.rpcCode : -32000;
  const message = typeof vordr.serverMessage === 'string' ? vordr.serverMessage : error instanceof Error ? error.message : String(error);
  return `MCP call failed after 3 retries: MCP error ${code}: ${message}`;
}

class HttpFailure extends Error {
  constructor(readonly status: number, readonly body: unknown) {
    super(typeof body === 'object' && body !== null && 'error' in body ? String((body as { error: unknown }).error) : `HTTP ${status}`);
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Starts the fake on 127.0.0.1, on a free port. */
export async function startFakeSvalinn(options: FakeSvalinnOptions = {}): Promise<FakeSvalinn> {
  const schemas = svalinnSchemas();
  const backend = options.backend ?? memoryBackend();
  const serveV2 = options.serveV2 ?? false;
  const specVersion = options.specVersion ?? (serveV2 ? '2.0.0' : 'v0.1.0');
  const requests: RecordedRequest[] = [];
  const faults: { fault: Fault; left: number }[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const sockets = new Set<Socket>();
  let ready: { ready: boolean; reason?: string } = { ready: true };
  let gate = options.gate ?? (() => 'allow' as const);
  let served = 0;
  let limited = 0;

  const takeFaults = (method: string, path: string): Fault[] => {
    const hits: Fault[] = [];
    for (const entry of faults) {
      const f = entry.fault;
      if (entry.left <= 0) continue;
      if (f.method !== undefined && f.method.toUpperCase() !== method) continue;
      if (f.path !== undefined && (typeof f.path === 'string' ? f.path !== path : !f.path.test(path))) continue;
      entry.left -= 1;
      hits.push(f);
      if (f.kind !== 'delay') break; // a delay combines with what follows; anything else answers
    }
    return hits;
  };

  /** The real server's failed login and rate limit: 500, body "Internal Server Error", no content type. */
  const sendBare500 = (res: ServerResponse, record: RecordedRequest): void => {
    record.status = 500;
    if (res.destroyed) return;
    res.writeHead(500);
    res.end('Internal Server Error');
  };
  const send = (res: ServerResponse, record: RecordedRequest, status: number, body: unknown, headers: Record<string, string> = {}): void => {
    record.status = status;
    if (res.destroyed) return;
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  };
  const sendText = (res: ServerResponse, record: RecordedRequest, status: number, text: string, type = 'text/plain; charset=utf-8'): void => {
    record.status = status;
    if (res.destroyed) return;
    res.writeHead(status, { 'content-type': type });
    res.end(text);
  };

  const validate = (name: SvalinnSchemaName, body: unknown, record: { schema?: SvalinnSchemaName; schemaCheck?: SchemaCheck }): void => {
    const check = schemas.check(name, body);
    record.schema = name;
    record.schemaCheck = check;
    if (!check.valid) throw new HttpFailure(400, { error: 'Validation failed', details: check.errors });
  };
  const checkPolicy = (body: Record<string, unknown>): void => {
    if (body['policy'] === undefined) return;
    const check = schemas.check('gatekeeper-policy.v1', body['policy']);
    if (!check.valid) throw new HttpFailure(400, { error: 'Invalid policy format', details: check.errors });
  };
  /** A backend call: its errors answered as the gateway answers a runtime failure (500, wrapped). */
  const forward = async <T>(call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (error) {
      if (error instanceof HttpFailure) throw error;
      throw new HttpFailure(500, { error: gatewayMessage(error) });
    }
  };
  const required = (body: Record<string, unknown>, field: string): string => {
    const value = body[field];
    if (typeof value !== 'string' || value === '') throw new HttpFailure(500, { error: `Missing required field: ${field}` });
    return value;
  };
  const startGate = (route: string, image?: string, id?: string): void => {
    const decision = gate({ route, image, id });
    if (decision === 'allow') return;
    if ('deny' in decision) throw new HttpFailure(409, { error: 'Rokur denied container start', rokur: decision.deny });
    // As recorded: Rokur's own error, the endpoint, attempt 1, Rokur's status and its body.
    const rokur = decision.unavailable;
    const message = typeof rokur['error'] === 'string' ? rokur['error'] : 'Rokur start gate unavailable';
    throw new HttpFailure(503, { error: message, rokurEndpoint: 'http://rokur.invalid:9090', attempt: 1, rokurStatusCode: 500, rokur });
  };
  /** v1 forwards neither the digest, the policy nor `detach` (recorded); v2 checks the policy. */
  const runWith = async (body: Record<string, unknown>, image: string, route: string): Promise<unknown> => {
    if (route === 'v2/run') checkPolicy(body);
    startGate(route, image);
    const v2 = route === 'v2/run';
    const digest = v2 && typeof body['imageDigest'] === 'string' ? body['imageDigest'] : undefined;
    const detach = v2 && typeof body['detach'] === 'boolean' ? body['detach'] : undefined;
    return forward(() => backend.run({ image, name: typeof body['name'] === 'string' ? body['name'] : undefined, config: body['config'], detach, digest }));
  };

  /** The routes: returns [status, body] or throws HttpFailure. */
  const route = async (method: string, path: string, body: unknown, record: { schema?: SvalinnSchemaName; schemaCheck?: SchemaCheck }, url: string): Promise<[number, unknown] | 'metrics'> => {
    const json = isRecord(body) ? body : {};
    const container = /^\/api\/v1\/containers\/([^/]+)(\/start|\/stop)?$/.exec(path);
    const key = `${method} ${container ? `/api/v1/containers/:id${container[2] ?? ''}` : path}`;
    switch (key) {
      case 'GET /health':
      case 'GET /healthz': {
        const connected = backend.connected();
        return [200, { status: connected ? 'healthy' : 'degraded', version: '0.1.0', vordrConnected: connected, specVersion, timestamp: new Date().toISOString() }];
      }
      case 'GET /ready':
      case 'GET /readyz':
        return ready.ready ? [200, { ready: true }] : [503, { ready: false, reason: ready.reason ?? 'not ready' }];
      case 'GET /metrics':
        return 'metrics';
      case 'POST /api/v1/run': {
        validate('gateway-run-request.v1', body, record);
        // The v1 handler validates imageName/imageDigest, then reads `image`.
        return [201, await runWith(json, required(json, 'image'), 'v1/run')];
      }
      case 'POST /api/v2/run': {
        if (!serveV2) break;
        validate('gateway-run-request.v2', body, record);
        return [201, await runWith(json, required(json, 'imageName'), 'v2/run')];
      }
      case 'GET /api/v1/containers':
        return [200, await forward(() => backend.list())];
      case 'POST /api/v1/containers': {
        const image = required(json, 'image');
        return [201, await forward(() => backend.create({ image, name: typeof json['name'] === 'string' ? json['name'] : undefined, config: json['config'] }))];
      }
      case 'GET /api/v1/containers/:id':
        return [200, await forward(() => backend.get(decodeURIComponent(container?.[1] ?? '')))];
      case 'POST /api/v1/containers/:id/start': {
        const id = decodeURIComponent(container?.[1] ?? '');
        startGate('start', undefined, id);
        return [200, await forward(() => backend.start(id))];
      }
      case 'POST /api/v1/containers/:id/stop':
        return [200, await forward(() => backend.stop(decodeURIComponent(container?.[1] ?? '')))];
      case 'DELETE /api/v1/containers/:id':
        return [200, await forward(() => backend.remove(decodeURIComponent(container?.[1] ?? '')))];
      case 'GET /api/v1/images':
        return [200, await forward(() => backend.images())];
      case 'POST /api/v1/images/pull':
        return [200, await forward(() => backend.pull(required(json, 'image')))];
      case 'POST /api/v1/images/verify': {
        const digest = required(json, 'digest');
        checkPolicy(json);
        return [200, await forward(() => backend.verify(digest, json['policy']))];
      }
      case 'POST /api/v1/verify': {
        validate('gateway-verify-request.v1', body, record);
        checkPolicy(json);
        return [200, await forward(() => backend.verify(required(json, 'digest'), json['policy']))];
      }
      case 'GET /api/v1/policies':
        return [200, RECORDED_POLICIES];
      case 'POST /mcp':
        return [200, await handleMcp(body, backend, { policies: RECORDED_POLICIES, wrap: gatewayMessage })];
    }
    // The real 404 names the full URL it was asked for.
    throw new HttpFailure(404, { error: 'Not Found', path: url });
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = (req.method ?? 'GET').toUpperCase();
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) {
      if (v === undefined) continue;
      headers[k] = k === 'authorization' || k === 'x-api-key' ? '[redacted]' : Array.isArray(v) ? v.join(', ') : v;
    }
    const authorization = req.headers['authorization'];
    const apiKey = req.headers['x-api-key'];
    const auth: RecordedRequest['auth'] = typeof authorization === 'string' && authorization.startsWith('Bearer ') ? 'bearer' : typeof apiKey === 'string' ? 'api-key' : 'none';
    const raw = await readBody(req);
    let body: unknown;
    let parseError: string | undefined;
    if (raw !== '') {
      try {
        body = JSON.parse(raw);
      } catch (error) {
        body = raw;
        parseError = (error as Error).message;
      }
    }
    const record: RecordedRequest = { method, path, headers, auth, body };
    requests.push(record);
    served += 1;

    for (const fault of takeFaults(method, path)) {
      switch (fault.kind) {
        case 'delay':
          await new Promise<void>((resolve) => {
            const timer = setTimeout(() => { timers.delete(timer); resolve(); }, fault.ms);
            timers.add(timer);
          });
          if (res.destroyed) return;
          break;
        case 'json': return send(res, record, fault.status, fault.body, { ...fault.headers });
        case 'text': return sendText(res, record, fault.status, fault.text);
        case 'malformed-json': return sendText(res, record, fault.status ?? 200, '{"status": "healthy", "version": ', 'application/json');
        case 'destroy': record.status = 0; req.socket.destroy(); return;
      }
    }

    if (options.rateLimit !== undefined && !PUBLIC.has(path)) {
      // Current bug of the real server: over the limit answers a bare 500, not 429.
      limited += 1;
      if (limited > options.rateLimit) return sendBare500(res, record);
    }
    if (options.auth && !PUBLIC.has(path)) {
      const bearer = typeof authorization === 'string' && authorization.startsWith('Bearer ') ? authorization.slice(7) : undefined;
      const ok = (bearer !== undefined && (options.auth.tokens ?? []).includes(bearer)) || (typeof apiKey === 'string' && (options.auth.apiKeys ?? []).includes(apiKey));
      // Current bug of the real server: a failed login answers a 500 without a content type, not 401.
      if (!ok) return sendBare500(res, record);
    }
    if (parseError !== undefined && method !== 'GET' && path !== '/mcp') return send(res, record, 500, { error: parseError });

    try {
      const result = await route(method, path, body, record, `http://127.0.0.1:${port}${path}`);
      if (result === 'metrics') return sendText(res, record, 200, `# HELP svalinn_requests_total Total HTTP requests received\n# TYPE svalinn_requests_total counter\nsvalinn_requests_total ${served}\n`, 'text/plain; version=0.0.4');
      send(res, record, result[0], result[1]);
    } catch (error) {
      if (error instanceof HttpFailure) return send(res, record, error.status, error.body);
      send(res, record, 500, { error: gatewayMessage(error) });
    }
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: String(error) }));
      }
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  let port = 0;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closed ??= new Promise<void>((resolve) => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    });
    return closed;
  };

  return {
    url: `http://127.0.0.1:${port}`,
    backend,
    requests,
    fail: (fault) => faults.push({ fault, left: fault.times ?? 1 }),
    setReady: (value, reason) => { ready = reason === undefined ? { ready: value } : { ready: value, reason }; },
    setGate: (next) => { gate = next; },
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** A URL on 127.0.0.1 where nothing listens (a port bound then released), for connection-refused tests. */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
