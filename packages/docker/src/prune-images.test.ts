import { describe, expect, it } from 'vitest';
import type { EngineClient } from './client/engine-client.js';
import { DockerEngineError } from './errors/docker-engine-error.js';
import { pruneDanglingImages } from './prune-images.js';

/** An engine that lists `images` and answers each DELETE with the status `statuses` gives it (200 by default). */
function engine(images: string[], statuses: Record<string, number> = {}) {
  const calls: { method: string; path: string; options?: unknown }[] = [];
  const client = {
    async json(method: string, path: string, options?: unknown) {
      calls.push({ method, path, options });
      if (method === 'GET') return images.map((Id) => ({ Id }));
      const id = decodeURIComponent(path.slice('/images/'.length));
      const status = statuses[id] ?? 200;
      if (status !== 200) throw new DockerEngineError(status, `${method} ${path}`, 'nope');
      return [];
    },
  } as unknown as EngineClient;
  return { client, calls };
}

describe('pruneDanglingImages', () => {
  it("lists only the project's dangling images and removes each, leaving those still in use or gone", async () => {
    const { client, calls } = engine(['sha256:a', 'sha256:used', 'sha256:gone', 'sha256:b'], { 'sha256:used': 409, 'sha256:gone': 404 });
    expect(await pruneDanglingImages(client, 'shop')).toEqual(['sha256:a', 'sha256:b']);
    expect(calls[0]).toEqual({ method: 'GET', path: '/images/json', options: { query: { filters: { dangling: ['true'], label: ['io.selur.compose.project=shop'] } } } });
    expect(calls.slice(1).map((c) => `${c.method} ${c.path}`)).toEqual(['DELETE /images/sha256%3Aa', 'DELETE /images/sha256%3Aused', 'DELETE /images/sha256%3Agone', 'DELETE /images/sha256%3Ab']);
  });

  it('fails on any other engine error, and not at all once aborted', async () => {
    const { client } = engine(['sha256:a'], { 'sha256:a': 500 });
    await expect(pruneDanglingImages(client, 'shop')).rejects.toMatchObject({ statusCode: 500 });
    const controller = new AbortController();
    controller.abort();
    const idle = engine(['sha256:a']);
    await expect(pruneDanglingImages(idle.client, 'shop', controller.signal)).rejects.toThrow();
    expect(idle.calls).toEqual([]);
  });
});
