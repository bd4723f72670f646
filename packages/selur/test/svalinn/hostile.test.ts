/**
 * A hostile or broken server (issue 15, the Svalinn client): redirects to another origin, 503s on
 * calls that are not safe to repeat, credentials in the URL, echoed secrets, huge bodies. Every
 * server here is in-process on 127.0.0.1; every loop is bounded.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '@selur/compose';
import { isSvalinnRedirectError, isSvalinnResponseTooLargeError, svalinnClient } from '@selur/compose-selur';
import { DIGEST, rejection } from './helpers.js';

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

interface Hostile {
  readonly url: string;
  readonly seen: Seen[];
  close(): Promise<void>;
}

const open: Hostile[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

async function serve(answer: (req: IncomingMessage, res: ServerResponse, seen: Seen) => void): Promise<Hostile> {
  const seen: Seen[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const entry = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      seen.push(entry);
      answer(req, res, entry);
    });
  });
  server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const hostile = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () => new Promise<void>((resolve) => { server.close(() => resolve()); for (const s of sockets) s.destroy(); }),
  };
  open.push(hostile);
  return hostile;
}

const KEY = 'svk_live_HOSTILE-KEY-93b1';
const TOKEN = 'tok-HOSTILE-TOKEN-1f0e';
const run = { imageName: 'ghcr.io/acme/api:1.2', imageDigest: DIGEST, name: 'shop_api_1' };
const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

describe('redirects: never followed, credentials and bodies never sent elsewhere', () => {
  for (const status of [301, 302, 303, 307, 308]) {
    it(`a ${status} to another origin: POST run, create and start fail with SvalinnRedirectError naming the location; the other origin gets nothing`, async () => {
      const other = await serve((_req, res) => json(res, 200, { containerId: 'c'.repeat(64), status: 'running' }));
      const svalinn = await serve((req, res) => {
        res.writeHead(status, { location: `${other.url.replace('http://', 'http://admin:pw@')}/steal?k=1${req.url ?? ''}` });
        res.end();
      });
      const client = svalinnClient({ url: svalinn.url, apiKey: KEY, token: TOKEN, env: {}, runApi: 'v1', retry: { limit: 3, delayMs: 1, maxDelayMs: 2 } });
      const errors = [await rejection(client.run(run)), await rejection(client.containers.create({ image: 'x:1' })), await rejection(client.containers.start('c1')), await rejection(client.containers.list())];
      for (const error of errors) {
        expect(isSvalinnRedirectError(error)).toBe(true);
        expect(error).toMatchObject({ name: 'SvalinnRedirectError', code: 'E_SVALINN_REDIRECT', status, location: `${other.url}/steal` });
        expect((error as Error).message).toContain(`a redirect to ${other.url}/steal`);
        expect(inspect(error, { depth: Infinity })).not.toMatch(/admin|pw@|HOSTILE/);
      }
      expect((errors[0] as Error).message).toContain('a POST is never re-sent');
      expect(other.seen).toEqual([]); // no key, no body, no request at all
      expect(svalinn.seen.map((s) => `${s.method} ${s.url}`)).toEqual(['POST /api/v1/run', 'POST /api/v1/containers', 'POST /api/v1/containers/c1/start', 'GET /api/v1/containers']);
    });
  }

  it('a same-origin redirect is not followed either (one request, typed error)', async () => {
    const svalinn = await serve((_req, res) => { res.writeHead(307, { location: '/api/v1/elsewhere' }); res.end(); });
    const error = await rejection(svalinnClient({ url: svalinn.url, apiKey: KEY, env: {} }).policies());
    expect(error).toMatchObject({ name: 'SvalinnRedirectError', location: `${svalinn.url}/api/v1/elsewhere` });
    expect(svalinn.seen).toHaveLength(1);
  });
});

describe('non-idempotent POSTs are sent once', () => {
  it('run, containers.create, containers.start and mcp: one request each on a 503; a GET is retried within its budget', async () => {
    const svalinn = await serve((_req, res) => json(res, 503, { error: 'busy' }));
    const client = svalinnClient({ url: svalinn.url, env: {}, runApi: 'v1', retry: { limit: 3, delayMs: 1, maxDelayMs: 2 } });
    for (const call of [() => client.run(run), () => client.containers.create({ image: 'x:1' }), () => client.containers.start('c1'), () => client.mcp('svalinn_ps')]) {
      const before = svalinn.seen.length;
      expect(await rejection(call())).toMatchObject({ status: 503 });
      expect(svalinn.seen.length - before).toBe(1);
    }
    const before = svalinn.seen.length;
    expect(await rejection(client.containers.list())).toMatchObject({ name: 'SvalinnUnavailableError', attempts: 4 });
    expect(svalinn.seen.length - before).toBe(4);
  });

  it('auto-detected run: the v2 probe and the v1 run are each sent once on a 503', async () => {
    const svalinn = await serve((_req, res) => json(res, 503, { error: 'busy' }));
    const client = svalinnClient({ url: svalinn.url, env: {}, retry: { limit: 3, delayMs: 1, maxDelayMs: 2 } });
    await rejection(client.run(run));
    expect(svalinn.seen.map((s) => s.url)).toEqual(['/api/v2/run']);
  });
});

describe('credentials and secrets', () => {
  it('credentials in the URL are refused, and never shown', () => {
    for (const url of ['http://admin:PASSWORD-123@127.0.0.1:8000', 'http://admin@127.0.0.1:8000', 'https://:PASSWORD-123@svalinn.example']) {
      let error: unknown;
      try {
        svalinnClient({ url, env: {} });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect(inspect(error, { depth: Infinity })).not.toMatch(/PASSWORD|admin/);
    }
    expect(() => svalinnClient({ env: { SVALINN_URL: 'http://u:PASSWORD-123@127.0.0.1:1' } })).toThrow(/must not contain credentials/);
  });

  it('every known secret (token, API key, the secrets option) is redacted from errors, even when echoed in bodies, headers and 400 details', async () => {
    const DB = 'db-password-HOSTILE-77';
    const svalinn = await serve((req, res, seen) => {
      const echo = `${String(req.headers['x-api-key'])} ${String(req.headers['authorization'])} ${seen.body}`;
      if (req.url === '/api/v1/run') return json(res, 400, { error: `bad ${echo}`, details: [{ keyword: 'type', schemaPath: '#/properties/config/type', message: `must be ${echo}`, params: { type: 'object' } }] });
      if (req.url === '/mcp') return json(res, 200, { jsonrpc: '2.0', id: 1, result: { content: [{ type: 'text', text: echo }], isError: true } });
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`oops ${echo}`);
    });
    const client = svalinnClient({ url: svalinn.url, apiKey: KEY, token: TOKEN, secrets: [DB], env: {}, runApi: 'v1', retry: 0 });
    const errors = [
      await rejection(client.run({ ...run, config: { env: { DB_PASSWORD: DB } } })),
      await rejection(client.mcp('svalinn_ps')),
      await rejection(client.policies()),
    ];
    for (const error of errors) {
      const text = [inspect(error, { depth: Infinity, showHidden: true }), JSON.stringify(error), (error as Error).message].join('\n');
      expect(text).toContain('[redacted]');
      for (const secret of [KEY, TOKEN, DB]) expect(text).not.toContain(secret);
    }
  });
});

describe('answer size is capped', () => {
  it('a 10 MB body is not read whole: SvalinnResponseTooLargeError past maxResponseBytes (declared or streamed)', async () => {
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    let written = 0;
    const svalinn = await serve((req, res) => {
      // Streamed without a length on /api/v1/images, declared on /api/v1/policies.
      if (req.url === '/api/v1/policies') res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(10 * 1024 * 1024) });
      else res.writeHead(200, { 'content-type': 'application/json' });
      const pump = () => {
        while (written < 10 * 1024 * 1024) {
          written += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      res.on('close', () => { written = 10 * 1024 * 1024; });
      pump();
    });
    const client = svalinnClient({ url: svalinn.url, env: {}, maxResponseBytes: 256 * 1024, retry: 0 });
    const streamed = await rejection(client.images.list());
    expect(isSvalinnResponseTooLargeError(streamed)).toBe(true);
    expect(streamed).toMatchObject({ name: 'SvalinnResponseTooLargeError', code: 'E_SVALINN_RESPONSE_TOO_LARGE', limitBytes: 256 * 1024, status: 200 });
    written = 0;
    const declared = await rejection(client.policies());
    expect(declared).toMatchObject({ name: 'SvalinnResponseTooLargeError', limitBytes: 256 * 1024 });
    expect(() => svalinnClient({ maxResponseBytes: 0, env: {} })).toThrow(InvalidArgumentError);
  });
});
