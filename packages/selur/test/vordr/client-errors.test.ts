/**
 * How the VordrClient maps failures: JSON-RPC errors, HTTP errors, malformed bodies, timeouts,
 * connection refused; and the operations Vörðr does not have.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { VORDR_UNSUPPORTED_OPERATIONS, isComposeError, isUnsupportedOperationError, type VordrClient } from '@selur/compose';
import { isVordrError, isVordrProtocolError, isVordrUnavailableError, vordrClient } from '@selur/compose-selur';
import { refusedVordrUrl, startVordrServer, type FakeVordrServer } from '../servers/vordr-server.js';

let vordr: FakeVordrServer;
let client: VordrClient;

const failure = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    (value) => {
      throw new Error(`expected a rejection, got ${JSON.stringify(value)}`);
    },
    (error: unknown) => error,
  );

beforeAll(async () => {
  vordr = await startVordrServer();
  client = vordrClient({ url: vordr.url, timeout: 2_000 });
});
afterAll(async () => {
  await vordr.close();
});
beforeEach(() => vordr.clearRecords());

describe('vordrClient: JSON-RPC errors', () => {
  it('maps -32601 to VordrProtocolError (method-not-found)', async () => {
    vordr.inject({ kind: 'rpc-error', code: -32601, message: 'Method not found' });
    const error = await failure(client.containerList());
    expect(isVordrProtocolError(error)).toBe(true);
    expect(error).toMatchObject({ reason: 'method-not-found', rpcCode: -32601, method: 'tools/call', tool: 'vordr_container_list' });
    expect((error as Error).message).toMatch(/VORDR_MCP_URL/);
  });

  it('maps -32600 to VordrProtocolError (invalid-request)', async () => {
    vordr.inject({ kind: 'rpc-error', code: -32600, message: 'Invalid Request' });
    expect(await failure(client.listTools())).toMatchObject({ code: 'E_VORDR_PROTOCOL', reason: 'invalid-request', method: 'tools/list' });
  });

  it('maps -32000 to VordrError with the tool name and the server message', async () => {
    vordr.inject({ kind: 'rpc-error', code: -32000, message: 'Image not found: shop/x', data: { hint: 'pull' } }, { tool: 'vordr_container_create' });
    const error = await failure(client.containerCreate({ image: 'shop/x' }));
    expect(isVordrError(error)).toBe(true);
    expect(error).toMatchObject({ tool: 'vordr_container_create', rpcCode: -32000, serverMessage: 'Image not found: shop/x', data: { hint: 'pull' } });
    expect(vordr.state.containers.size).toBe(0);
  });

  it('maps an "Unknown tool" answer to UnsupportedOperationError (provider vordr) with the VordrError as cause', async () => {
    vordr.inject({ kind: 'rpc-error', code: -32000, message: 'Unknown tool: vordr_exec' });
    const error = await failure(client.exec('c', ['true']));
    expect(isUnsupportedOperationError(error)).toBe(true);
    expect(error).toMatchObject({ provider: 'vordr', operation: 'vordr_exec' });
    expect(isVordrError((error as Error).cause)).toBe(true);
  });

  it('tests `error != null`, not key presence: a null error with a result is a success', async () => {
    vordr.inject({ kind: 'raw', body: JSON.stringify({ jsonrpc: '2.0', id: 999, result: null, error: { code: -32000, message: 'boom' } }) });
    expect(isVordrError(await failure(client.volumeList()))).toBe(true);
    // The normal answers carry "error": null and still succeed:
    expect(await client.volumeList()).toEqual([]);
  });
});

describe('vordrClient: malformed responses', () => {
  it.each([
    ['a truncated JSON body', { kind: 'malformed' as const }],
    ['an HTML page', { kind: 'raw' as const, body: '<html>hello</html>', contentType: 'text/html' }],
    ['a JSON array', { kind: 'raw' as const, body: '[]' }],
    ['jsonrpc "1.0"', { kind: 'raw' as const, body: '{"jsonrpc":"1.0","id":1,"result":{},"error":null}' }],
    ['a wrong id', { kind: 'raw' as const, body: '{"jsonrpc":"2.0","id":-5,"result":{"containers":[]},"error":null}' }],
    ['an error that is not {code, message}', { kind: 'raw' as const, body: '{"jsonrpc":"2.0","id":1,"result":null,"error":"boom"}' }],
    ['an unwrapped list', { kind: 'result' as const, result: [] }],
    ['a container without state', { kind: 'result' as const, result: { containers: [{ id: 'a', name: 'b', image: 'c', created: 'd' }] } }],
  ])('rejects %s with VordrProtocolError (malformed-response)', async (_label, fault) => {
    vordr.inject(fault);
    const error = await failure(client.containerList());
    expect(isVordrProtocolError(error)).toBe(true);
    expect(error).toMatchObject({ reason: 'malformed-response' });
  });

  it('rejects an inspect whose config string is not JSON', async () => {
    vordr.inject({ kind: 'result', result: { id: 'a', name: 'b', image: 'c', state: 'Running', pid: 1, bundlePath: '/b', created: 'x', config: '{not json' } });
    const error = await failure(client.containerInspect('a'));
    expect(error).toMatchObject({ code: 'E_VORDR_PROTOCOL', tool: 'vordr_container_inspect' });
    expect((error as Error).message).toMatch(/result\.config/);
  });

  it('maps an unknown state to "unknown" and keeps the raw one', async () => {
    vordr.inject({ kind: 'result', result: { containers: [{ id: 'a', name: 'b', image: 'c', state: 'Exploding', created: '1' }] } });
    expect(await client.containerList()).toEqual([{ id: 'a', name: 'b', image: 'c', state: 'unknown', rawState: 'Exploding', created: '1' }]);
  });
});

describe('vordrClient: HTTP-level failures', () => {
  it.each([500, 503, 404, 415])('maps HTTP %i to VordrUnavailableError with the status', async (status) => {
    vordr.inject({ kind: 'http', status, body: 'nope' });
    const error = await failure(client.networkList());
    expect(isVordrUnavailableError(error)).toBe(true);
    expect(error).toMatchObject({ reason: 'http', status, body: 'nope', url: vordr.url });
  });

  it('says what to do on a 404 (no REST API) and a 500 (check the logs)', async () => {
    vordr.inject({ kind: 'http', status: 404 });
    expect(((await failure(client.containerList())) as Error).message).toMatch(/VORDR_MCP_URL/);
    vordr.inject({ kind: 'http', status: 500 });
    expect(((await failure(client.containerList())) as Error).message).toMatch(/logs/);
  });

  it('times out a slow response with VordrUnavailableError (timeout)', async () => {
    const quick = vordrClient({ url: vordr.url, timeout: 100 });
    vordr.inject({ kind: 'delay', ms: 1_500 });
    const error = await failure(quick.containerList());
    expect(error).toMatchObject({ code: 'E_VORDR_UNAVAILABLE', reason: 'timeout', timeoutMs: 100 });
    expect((error as Error).message).toMatch(/timeout/);
  });

  it('times out GET /health too', async () => {
    const quick = vordrClient({ url: vordr.url, timeout: 100 });
    vordr.inject({ kind: 'delay', ms: 1_500 });
    expect(await failure(quick.health())).toMatchObject({ reason: 'timeout' });
  });

  it('waits for a stop at least as long as its own stop timeout plus 5 s', async () => {
    const quick = vordrClient({ url: vordr.url, timeout: 100 });
    const { containerId } = await quick.containerCreate({ image: 'x', name: 'slow_stop_1' });
    vordr.inject({ kind: 'delay', ms: 400 }, { tool: 'vordr_container_stop' });
    expect(await quick.containerStop(containerId, { timeout: 1 })).toEqual({ containerId, status: 'stopped' });
    await quick.containerRemove(containerId);
  });

  it('maps connection refused to VordrUnavailableError (connection) telling how to fix it', async () => {
    const url = await refusedVordrUrl();
    const error = await failure(vordrClient({ url, timeout: 2_000 }).containerList());
    expect(error).toMatchObject({ code: 'E_VORDR_UNAVAILABLE', reason: 'connection', url });
    expect((error as Error).message).toMatch(/ECONNREFUSED/);
    expect((error as Error).message).toMatch(/VORDR_MCP_URL/);
  });

  it('maps a dropped connection to VordrUnavailableError (connection)', async () => {
    vordr.inject({ kind: 'hang-up' });
    expect(await failure(client.containerList())).toMatchObject({ reason: 'connection' });
  });

  it('rejects with the signal reason when the caller aborts', async () => {
    vordr.inject({ kind: 'delay', ms: 1_500 });
    const controller = new AbortController();
    const pending = failure(client.containerList({}, { signal: controller.signal }));
    controller.abort(new Error('cancelled by test'));
    expect(((await pending) as Error).message).toBe('cancelled by test');
  });
});

describe('vordrClient: unsupported operations', () => {
  const calls: Record<(typeof VORDR_UNSUPPORTED_OPERATIONS)[number], (c: VordrClient) => Promise<never>> = {
    logs: (c) => c.logs('x'),
    top: (c) => c.top('x'),
    events: (c) => c.events(),
    wait: (c) => c.wait('x'),
    pause: (c) => c.pause('x'),
    unpause: (c) => c.unpause('x'),
    copy: (c) => c.copy('x', '/a', '/b'),
    ports: (c) => c.ports('x'),
    pull: (c) => c.pull('x'),
  };

  it('lists every operation Vörðr lacks', () => {
    expect([...VORDR_UNSUPPORTED_OPERATIONS].sort()).toEqual(Object.keys(calls).sort());
  });

  it.each(VORDR_UNSUPPORTED_OPERATIONS.map((op) => [op]))('%s rejects with UnsupportedOperationError without sending anything', async (op) => {
    const error = await failure(calls[op](client));
    expect(isUnsupportedOperationError(error)).toBe(true);
    expect(error).toMatchObject({ provider: 'vordr', operation: op, code: 'E_UNSUPPORTED' });
    expect(vordr.requests).toEqual([]);
  });
});

describe('vordrClient: options', () => {
  it('validates url and timeout eagerly', () => {
    for (const options of [{ url: 'not a url' }, { url: 'ftp://x' }, { timeout: 0 }, { timeout: Number.NaN }]) {
      let error: unknown;
      try {
        vordrClient(options);
      } catch (e) {
        error = e;
      }
      expect(error).toMatchObject({ code: 'E_INVALID_ARGUMENT' });
    }
  });

  it('defaults the url to VORDR_MCP_URL', () => {
    const before = process.env['VORDR_MCP_URL'];
    process.env['VORDR_MCP_URL'] = 'http://127.0.0.1:9';
    try {
      expect(vordrClient().url).toBe('http://127.0.0.1:9');
    } finally {
      if (before === undefined) delete process.env['VORDR_MCP_URL'];
      else process.env['VORDR_MCP_URL'] = before;
    }
  });

  it('uses the given fetch', async () => {
    const seen: string[] = [];
    const spy: typeof fetch = (input, init) => {
      seen.push(input instanceof Request ? input.url : String(input));
      return fetch(input, init);
    };
    await vordrClient({ url: vordr.url, fetch: spy }).health();
    expect(seen).toEqual([`${vordr.url}/health`]);
  });

  it('never lets a non-ComposeError escape for server-side trouble', async () => {
    const faults = [{ kind: 'malformed' as const }, { kind: 'http' as const, status: 502 }, { kind: 'raw' as const, body: 'null' }];
    for (const fault of faults) {
      vordr.inject(fault);
      expect(isComposeError(await failure(client.imageList()))).toBe(true);
    }
  });
});
