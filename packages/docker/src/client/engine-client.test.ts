import http from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isInvalidArgumentError } from '@selur/compose';
import { dockerRuntime } from '../docker-runtime.js';
import { parseEngineAddress } from './docker-host.js';
import { EngineClient } from './engine-client.js';

describe('EngineClient', () => {
  const address = parseEngineAddress('unix:///tmp/no-such-engine.sock');

  it('takes an API version as MAJOR.MINOR, and refuses anything else before it sends a request', () => {
    expect(new EngineClient(address, '1.41').address).toBe(address);
    for (const bad of ['v1.41', '1', '1.41.0', 'latest']) {
      let error: unknown;
      try {
        new EngineClient(address, bad);
      } catch (e) {
        error = e;
      }
      expect(isInvalidArgumentError(error), bad).toBe(true);
      expect(error).toMatchObject({ field: 'apiVersion', message: `apiVersion must look like '1.41', got '${bad}'` });
    }
  });

  it('is what dockerRuntime() checks its apiVersion option with', () => {
    expect(() => dockerRuntime({ host: 'unix:///tmp/no-such-engine.sock', apiVersion: 'v2' })).toThrow(/apiVersion must look like '1.41', got 'v2'/);
  });

  describe('prefetch', () => {
    /** A fake engine on a unix socket that records what it is asked (each answered at once). */
    async function engine(dir: string, requests: string[]): Promise<http.Server> {
      const server = http.createServer((req, res) => {
        requests.push(`${req.method} ${req.url}`);
        res.writeHead(200, { 'content-type': 'application/json', 'api-version': '1.40' });
        res.end(req.url === '/_ping' ? 'OK' : '{}');
      });
      await new Promise<void>((resolve) => server.listen(join(dir, 'engine.sock'), resolve));
      return server;
    }

    it('negotiates before the first request asks, once', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'selur-prefetch-'));
      const requests: string[] = [];
      const server = await engine(dir, requests);
      const client = new EngineClient(parseEngineAddress(`unix://${join(dir, 'engine.sock')}`), undefined);
      try {
        client.prefetch();
        expect(await client.apiVersion()).toBe('1.40');
        expect(requests).toEqual(['GET /_ping']);
        client.prefetch();
        await client.json('GET', '/info');
        expect(requests).toEqual(['GET /_ping', 'GET /v1.40/info']);
      } finally {
        client.close();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await rm(dir, { recursive: true, force: true });
      }
    });

    it('does not keep a failure: an engine that answers only later is negotiated with then', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'selur-prefetch-'));
      const requests: string[] = [];
      const client = new EngineClient(parseEngineAddress(`unix://${join(dir, 'engine.sock')}`), undefined);
      let server: http.Server | undefined;
      try {
        client.prefetch(); // nothing listens yet
        await expect(client.apiVersion()).rejects.toMatchObject({ code: 'E_DOCKER_UNREACHABLE' });
        server = await engine(dir, requests);
        await client.json('GET', '/info');
        expect(requests).toEqual(['GET /_ping', 'GET /v1.40/info']);
      } finally {
        client.close();
        if (server) await new Promise<void>((resolve) => server?.close(() => resolve()));
        await rm(dir, { recursive: true, force: true });
      }
    });
  });
});
