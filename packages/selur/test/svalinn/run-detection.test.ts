import { describe, expect, it } from 'vitest';
import { isSvalinnError } from '@selur/compose-selur';
import { DIGEST, rejection, setup } from './helpers.js';

const req = (name: string) => ({ imageName: 'ghcr.io/acme/api:1.2', imageDigest: DIGEST, name });
const routes = (requests: readonly { method: string; path: string }[]) => requests.map((r) => `${r.method} ${r.path}`);

describe('run: v2 where served, v1 otherwise, detected once and remembered', () => {
  it('a v1 server: one 404 probe, then straight to v1', async () => {
    const { server, client } = await setup();
    expect(client.runApi).toBeUndefined();
    await client.run(req('a_1'));
    await client.run(req('a_2'));
    await client.run(req('a_3'));
    expect(routes(server.requests)).toEqual(['POST /api/v2/run', 'POST /api/v1/run', 'POST /api/v1/run', 'POST /api/v1/run']);
  });

  it('a v2 server: used from the first call and remembered', async () => {
    const { server, client } = await setup({ serveV2: true });
    await client.run(req('a_1'));
    await client.run(req('a_2'));
    expect(routes(server.requests)).toEqual(['POST /api/v2/run', 'POST /api/v2/run']);
    expect(client.runApi).toBe('v2');
  });

  it('specVersion 2.x on /health selects v2 before any run', async () => {
    const { client } = await setup({ serveV2: true });
    await client.health();
    expect(client.runApi).toBe('v2');
  });

  it('specVersion 1.x on /health decides nothing (v1 servers are found by the 404)', async () => {
    const { client } = await setup();
    await client.health();
    expect(client.runApi).toBeUndefined();
  });

  it('once v2 is known, a 404 is an error, not a fallback', async () => {
    const { server, client } = await setup({ serveV2: true });
    await client.run(req('a_1'));
    server.fail({ kind: 'json', method: 'POST', path: '/api/v2/run', status: 404, body: { error: 'Not Found', path: '/api/v2/run' } });
    const error = await rejection(client.run(req('a_2')));
    expect(isSvalinnError(error)).toBe(true);
    expect(error).toMatchObject({ status: 404, serverMessage: 'Not Found', path: '/api/v2/run' });
    expect(routes(server.requests)).toEqual(['POST /api/v2/run', 'POST /api/v2/run']);
  });

  it('a v2 answer other than 404 (here a 409 denial) also shows v2 is served', async () => {
    let deny = true;
    const { server, client } = await setup({ serveV2: true, gate: () => (deny ? { deny: { reason: 'x' } } : 'allow') });
    await expect(client.run(req('a_1'))).rejects.toMatchObject({ name: 'PolicyDeniedError' });
    expect(client.runApi).toBe('v2');
    deny = false;
    await client.run(req('a_1'));
    expect(routes(server.requests)).toEqual(['POST /api/v2/run', 'POST /api/v2/run']);
  });

  it('runApi can be forced', async () => {
    const { server, client } = await setup({ serveV2: true }, { runApi: 'v1' });
    await client.run(req('a_1'));
    expect(routes(server.requests)).toEqual(['POST /api/v1/run']);
  });

  it('local checks run before anything is sent', async () => {
    const { server, client } = await setup();
    await expect(client.run({ imageName: 'x', imageDigest: 'sha256:nothex' })).rejects.toMatchObject({ name: 'InvalidArgumentError', field: 'imageDigest' });
    await expect(client.run({ imageName: '', imageDigest: DIGEST })).rejects.toMatchObject({ name: 'InvalidArgumentError', field: 'imageName' });
    // An edge policy offered as a gatekeeper policy is refused locally.
    const edge = { version: '1.0', name: 'slsa-level4', registries: {} } as never;
    await expect(client.run({ ...req('a_1'), policy: edge })).rejects.toMatchObject({ name: 'InvalidPolicyError', code: 'E_INVALID_POLICY' });
    await expect(client.verify({ imageDigest: DIGEST, policy: edge })).rejects.toMatchObject({ name: 'InvalidPolicyError' });
    await expect(client.images.verify({ digest: DIGEST, policy: edge })).rejects.toMatchObject({ name: 'InvalidPolicyError' });
    expect(server.requests).toEqual([]);
  });
});
