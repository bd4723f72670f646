/**
 * The Vörðr client against hostile servers (issue 15): in-process HTTP servers on 127.0.0.1 that
 * redirect to a second local server, answer 503, send 10 MB bodies, echo secrets back in bodies and
 * JSON-RPC errors; and URLs carrying a user name and password. Each server counts what it received,
 * so "sent once" and "never reached" are facts, not timings.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { isInvalidArgumentError, REDACTED, type VordrClient } from '@selur/compose';
import { isVordrError, isVordrProtocolError, isVordrUnavailableError, vordrClient } from '@selur/compose-selur';

interface Received {
  readonly method: string;
  readonly path: string;
  readonly body: string;
  readonly authorization: string | undefined;
}

interface TestServer {
  readonly url: string;
  readonly received: Received[];
  close(): Promise<void>;
}

type Handler = (request: Received, response: ServerResponse) => void;

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(handler: Handler): Promise<TestServer> {
  const received: Received[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = { method: req.method ?? '', path: req.url ?? '', body: Buffer.concat(chunks).toString('utf8'), authorization: req.headers.authorization };
      received.push(request);
      handler(request, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  const handle: TestServer = {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  servers.push(handle);
  return handle;
}

const json = (res: ServerResponse, status: number, body: unknown): void => {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
};
const rpcResult = (request: Received, result: unknown) => ({ jsonrpc: '2.0', id: (JSON.parse(request.body) as { id: number }).id, result, error: null });

const failure = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    (value) => {
      throw new Error(`expected a rejection, got ${JSON.stringify(value)}`);
    },
    (error: unknown) => error,
  );

/** Every text an error carries: message, stack, string fields, data, and the same for its causes. */
function allText(value: unknown, depth = 0): string {
  if (depth > 6 || value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value !== 'object') return String(value);
  const parts: string[] = [];
  if (value instanceof Error) parts.push(value.message, value.stack ?? '', allText(value.cause, depth + 1));
  for (const [key, field] of Object.entries(value)) if (key !== 'cause') parts.push(key, allText(field, depth + 1));
  return parts.join('\n');
}

const SECRET = 'hunter2-Sup3r-s3cret-value';
const create = (client: VordrClient) => client.containerCreate({ image: 'shop/api', name: 'shop_api_1', config: { env: { DB_PASSWORD: SECRET, LOG_LEVEL: 'debug' } } });

describe('credentials in the URL', () => {
  it('refuses a URL with a user name and password, and the error does not show them', async () => {
    const server = await serve((request, res) => json(res, 200, rpcResult(request, { containers: [] })));
    const url = server.url.replace('http://', 'http://admin:PASSWORD@');
    const thrown = (() => {
      try {
        vordrClient({ url });
        return undefined;
      } catch (error) {
        return error;
      }
    })();
    expect(isInvalidArgumentError(thrown)).toBe(true);
    expect(thrown).toMatchObject({ field: 'url' });
    expect(allText(thrown)).not.toMatch(/PASSWORD|admin/);
    expect((thrown as Error).message).toContain(`http://[redacted]@${server.url.slice('http://'.length)}/`);
    expect(server.received).toEqual([]);
  });

  it('refuses one from VORDR_MCP_URL too, and a user name alone', () => {
    const saved = process.env['VORDR_MCP_URL'];
    process.env['VORDR_MCP_URL'] = 'http://root:toor@127.0.0.1:9/';
    try {
      expect(isInvalidArgumentError((() => { try { vordrClient(); } catch (e) { return e; } })())).toBe(true);
    } finally {
      if (saved === undefined) delete process.env['VORDR_MCP_URL'];
      else process.env['VORDR_MCP_URL'] = saved;
    }
    expect(() => vordrClient({ url: 'http://admin@127.0.0.1:9/' })).toThrow(/must not contain a user name or password/);
  });
});

describe('redirects are never followed', () => {
  for (const status of [301, 302, 303, 307, 308]) {
    it(`${status} from a POST (container_create) to another local server: not followed, typed error names the location`, async () => {
      const other = await serve((request, res) => json(res, 200, rpcResult(request, { containerId: 'x', name: 'n', image: 'i', status: 'running' })));
      const server = await serve((_request, res) => res.writeHead(status, { location: `${other.url.replace('http://', 'http://user:pw@')}/steal` }).end());
      const error = await failure(create(vordrClient({ url: server.url, timeout: 5_000 })));
      expect(isVordrUnavailableError(error)).toBe(true);
      expect(error).toMatchObject({ reason: 'redirect', status, location: `${other.url}/steal` });
      expect((error as Error).message).toContain(`a redirect to ${other.url}/steal`);
      expect(allText(error)).not.toContain('user:pw');
      expect(server.received).toHaveLength(1);
      expect(other.received).toEqual([]);
    });
  }

  it('a GET (health) is not followed either', async () => {
    const other = await serve((_request, res) => json(res, 200, { status: 'ok', version: '0.1.0', service: 'vordr-mcp' }));
    const server = await serve((_request, res) => res.writeHead(302, { location: `${other.url}/health` }).end());
    expect(await failure(vordrClient({ url: server.url }).health())).toMatchObject({ name: 'VordrUnavailableError', reason: 'redirect', location: `${other.url}/health` });
    expect(other.received).toEqual([]);
  });
});

describe('nothing is retried: one request per call', () => {
  it('a 503 is reported after exactly one request, for create, run, start and the idempotent calls alike', async () => {
    const server = await serve((_request, res) => res.writeHead(503, { 'retry-after': '0' }).end('busy'));
    const client = vordrClient({ url: server.url });
    const calls: Array<[string, () => Promise<unknown>]> = [
      ['vordr_container_create', () => create(client)],
      ['vordr_run', () => client.run({ image: 'shop/api' })],
      ['vordr_container_start', () => client.containerStart('shop_api_1')],
      ['vordr_container_list', () => client.containerList()],
      ['GET /health', () => client.health()],
    ];
    for (const [what, call] of calls) {
      const before = server.received.length;
      const error = await failure(call());
      expect(error).toMatchObject({ name: 'VordrUnavailableError', reason: 'http', status: 503 });
      expect(server.received.length - before, what).toBe(1);
    }
    expect(server.received.filter((r) => r.body.includes('vordr_container_create'))).toHaveLength(1);
  });

  it('a connection reset during container_start is reported, not repeated', async () => {
    const server = await serve((_request, res) => res.socket?.destroy());
    const error = await failure(vordrClient({ url: server.url }).containerStart('shop_api_1'));
    expect(isVordrUnavailableError(error) && error.reason).toBe('connection');
    expect(server.received).toHaveLength(1);
  });
});

describe('response size cap', () => {
  const TEN_MB = 10 * 1024 * 1024;

  /** A fetch that counts the body bytes the client actually pulled. */
  function countingFetch(): { fetch: typeof globalThis.fetch; read: () => number } {
    let read = 0;
    const fetch: typeof globalThis.fetch = async (input, init) => {
      const response = await globalThis.fetch(input, init);
      if (response.body === null) return response;
      const source = response.body.getReader();
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          const { done, value } = await source.read();
          if (done) controller.close();
          else {
            read += value.length;
            controller.enqueue(value);
          }
        },
        cancel: (reason) => source.cancel(reason),
      });
      return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
    };
    return { fetch, read: () => read };
  }

  /** Streams `total` bytes of a JSON-looking string in 64 KiB chunks, honouring backpressure, until done or closed. */
  function stream(res: ServerResponse, status: number, total: number, declare: boolean): void {
    res.writeHead(status, { 'content-type': 'application/json', ...(declare ? { 'content-length': String(total) } : {}) });
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    let sent = 0;
    const more = (): void => {
      while (sent < total && !res.destroyed) {
        const piece = chunk.subarray(0, Math.min(chunk.length, total - sent));
        sent += piece.length;
        if (!res.write(piece)) return void res.once('drain', more);
      }
      if (!res.destroyed) res.end();
    };
    res.on('error', () => undefined);
    more();
  }

  it.each([
    ['declared by Content-Length', true],
    ['chunked, without a length', false],
  ])('a 10 MB body %s is not read whole: oversized-response past the default 4 MiB', async (_label, declare) => {
    const server = await serve((_request, res) => stream(res, 200, TEN_MB, declare));
    const counter = countingFetch();
    const error = await failure(vordrClient({ url: server.url, fetch: counter.fetch }).containerList());
    expect(isVordrProtocolError(error)).toBe(true);
    expect(error).toMatchObject({ reason: 'oversized-response', method: 'tools/call', tool: 'vordr_container_list' });
    expect((error as Error).message).toContain('4194304 bytes');
    expect(counter.read()).toBeLessThanOrEqual(4 * 1024 * 1024 + 64 * 1024);
    if (declare) expect(counter.read()).toBeLessThan(TEN_MB / 2);
  });

  it('honours a smaller maxResponseBytes, and reads only the start of a huge error body', async () => {
    const server = await serve((request, res) => (request.body.includes('vordr_container_list') ? stream(res, 200, TEN_MB, false) : stream(res, 500, TEN_MB, false)));
    const counter = countingFetch();
    const client = vordrClient({ url: server.url, fetch: counter.fetch, maxResponseBytes: 100_000 });
    expect(await failure(client.containerList())).toMatchObject({ reason: 'oversized-response' });
    expect(counter.read()).toBeLessThan(100_000 + 64 * 1024 + 1);
    const before = counter.read();
    const error = await failure(client.networkList());
    expect(error).toMatchObject({ name: 'VordrUnavailableError', reason: 'http', status: 500 });
    expect((error as { body: string }).body.length).toBeLessThanOrEqual(201);
    expect(counter.read() - before).toBeLessThanOrEqual(128 * 1024);
  });

  it('refuses a maxResponseBytes that is not a positive whole number', () => {
    for (const value of [0, -1, 1.5, Number.NaN]) expect(() => vordrClient({ url: 'http://127.0.0.1:9', maxResponseBytes: value })).toThrow(/maxResponseBytes/);
  });
});

describe('secrets echoed by the server never reach an error', () => {
  const echoes: Array<[string, Handler, string]> = [
    ['an HTTP 500 echoing the request body', (request, res) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`failed: ${request.body}`), 'VordrUnavailableError'],
    ['an HTTP 400 with the secret just across the 200-character cut', (_request, res) => res.writeHead(400).end(`${'x'.repeat(190)}${SECRET}`), 'VordrUnavailableError'],
    ['a JSON-RPC error message and data echoing the config', (request, res) => {
      const { params } = JSON.parse(request.body) as { params: { arguments: { config: unknown } } };
      json(res, 200, { jsonrpc: '2.0', id: (JSON.parse(request.body) as { id: number }).id, result: null, error: { code: -32000, message: `invalid config ${JSON.stringify(params.arguments.config)}`, data: params.arguments } });
    }, 'VordrError'],
    ['an "Unknown tool" error echoing the secret', (_request, res) => json(res, 200, { jsonrpc: '2.0', id: 1, result: null, error: { code: -32000, message: `Unknown tool (env ${SECRET})` } }), 'UnsupportedOperationError'],
    ['a -32602 protocol error echoing the secret', (_request, res) => json(res, 200, { jsonrpc: '2.0', id: 1, result: null, error: { code: -32602, message: `bad param ${SECRET}` } }), 'VordrProtocolError'],
    ['a body that is not JSON', (request, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(`<<${request.body}`), 'VordrProtocolError'],
    ['an envelope whose jsonrpc is the secret', (_request, res) => json(res, 200, { jsonrpc: SECRET, id: 1, result: {}, error: null }), 'VordrProtocolError'],
    ['a malformed result echoing the secret', (request, res) => json(res, 200, rpcResult(request, { containerId: 'c', name: 'n', image: 'i', status: SECRET })), 'VordrProtocolError'],
    ['a malformed result echoing a long value', (request, res) => json(res, 200, rpcResult(request, { containerId: 'c', name: 'n', image: 'i', status: `${'y'.repeat(70)}${SECRET}` })), 'VordrProtocolError'],
  ];

  it.each(echoes)('create with a secret env value: %s', async (_label, handler, name) => {
    const server = await serve(handler);
    const error = await failure(create(vordrClient({ url: server.url })));
    expect((error as Error).name).toBe(name);
    const text = allText(error);
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(SECRET.slice(0, 8)); // not even half of it
  });

  it('shows the marker where the secret was, and keeps the rest of the message actionable', async () => {
    const server = await serve(echoes[2]![1]);
    const error = await failure(create(vordrClient({ url: server.url })));
    expect(isVordrError(error)).toBe(true);
    expect((error as Error).message).toContain(`"DB_PASSWORD":"${REDACTED}"`);
    expect(error).toMatchObject({ tool: 'vordr_container_create', data: { config: { env: { DB_PASSWORD: REDACTED } } } });
  });

  it('redacts the secrets option from errors of every call (env in K=V and {name, value} forms too)', async () => {
    const known = 'file-secret-0123456789';
    const server = await serve((_request, res) => res.writeHead(502).end(`upstream said ${known} and ${SECRET}`));
    const client = vordrClient({ url: server.url, secrets: [known, undefined, ''] });
    for (const call of [() => client.containerList(), () => client.health(), () => client.listTools()]) {
      const text = allText(await failure(call()));
      expect(text).not.toContain(known);
      expect(text).toContain(SECRET); // not known to this call: the client cannot guess it
    }
    for (const env of [[`DB_PASSWORD=${SECRET}`], [{ name: 'DB_PASSWORD', value: SECRET }]]) {
      expect(allText(await failure(client.run({ image: 'shop/api', config: { env } })))).not.toContain(SECRET);
    }
  });

  it('refuses a secrets option that is not a list of strings', () => {
    expect(() => vordrClient({ url: 'http://127.0.0.1:9', secrets: 'x' as never })).toThrow(/secrets must be an array/);
  });
});
