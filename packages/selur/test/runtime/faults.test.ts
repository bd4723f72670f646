/**
 * Faults on the way through the selur runtime: Svalinn answering 500, 503 then OK, too slowly,
 * not at all, 409 (a policy denial, never retried); Vörðr answering JSON-RPC errors, malformed
 * JSON, or not at all. Each surfaces as its typed error, and nothing is half-done.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { loadProject, type ProjectSpec } from '@selur/compose';
import { isPolicyDeniedError, isSvalinnError, isSvalinnTimeoutError, isSvalinnUnavailableError, isVordrError, isVordrProtocolError, isVordrUnavailableError, vordrClient } from '@selur/compose-selur';
import { closedPortUrl } from '../servers/svalinn-server.js';
import { PARITY, rejection, requestFor, startStack, svalinnLines, type SelurStack, type StackOptions } from './helpers.js';

const stacks: SelurStack[] = [];
afterEach(async () => {
  await Promise.all(stacks.splice(0).map((s) => s.close()));
});

async function setup(options: StackOptions = {}): Promise<{ stack: SelurStack; spec: ProjectSpec }> {
  const stack = await startStack({ ...options, svalinnClient: { runApi: 'v1', ...options.svalinnClient } });
  stacks.push(stack);
  return { stack, spec: (await loadProject(PARITY, { projectName: 'parity' })).toJSON() };
}

const RUN = { method: 'POST', path: '/api/v1/run' } as const;

describe('selurRuntime under Svalinn faults', () => {
  it('a 500 is a SvalinnError with the server message; the prepared container can be started again', async () => {
    const { stack, spec } = await setup();
    stack.svalinn.fail({ ...RUN, kind: 'json', status: 500, body: { error: 'Vordr runtime failure: out of memory' } });
    const created = await stack.runtime.createContainer(requestFor(spec, stack.dir, 'redis'));
    const error = await rejection(stack.runtime.startContainer(created.id));
    expect(isSvalinnError(error) && error.status === 500).toBe(true);
    expect(String(error)).toContain('out of memory');
    expect(stack.vordr.state.containers.size).toBe(0);
    expect((await stack.runtime.startContainer(created.id)).state).toBe('running');
    expect(svalinnLines(stack.svalinn)).toEqual(['POST /api/v1/run 500', 'POST /api/v1/run 201']);
  });

  it('a 503 on run is not retried (a run is not safe to repeat); a later start goes through once', async () => {
    const { stack, spec } = await setup();
    stack.svalinn.fail({ ...RUN, kind: 'json', status: 503, body: { error: 'Rokur start gate unavailable', attempt: 1 } });
    const created = await stack.runtime.createContainer(requestFor(spec, stack.dir, 'redis'));
    expect(isSvalinnUnavailableError(await rejection(stack.runtime.startContainer(created.id)))).toBe(true);
    expect((await stack.runtime.startContainer(created.id)).state).toBe('running');
    expect(svalinnLines(stack.svalinn)).toEqual(['POST /api/v1/run 503', 'POST /api/v1/run 201']);
    expect([...stack.vordr.state.containers.values()].map((c) => c.name)).toEqual(['parity_redis_1']);
  });

  it('503 every time: SvalinnUnavailableError after one request, whatever the retry budget', async () => {
    const { stack, spec } = await setup();
    stack.svalinn.fail({ ...RUN, kind: 'json', status: 503, body: { error: 'Rokur start gate unavailable' }, times: 10 });
    const created = await stack.runtime.createContainer(requestFor(spec, stack.dir, 'redis'));
    expect(isSvalinnUnavailableError(await rejection(stack.runtime.startContainer(created.id)))).toBe(true);
    expect(svalinnLines(stack.svalinn)).toEqual(['POST /api/v1/run 503']);
  });

  it('a 409 denial is a PolicyDeniedError and is never retried', async () => {
    const { stack, spec } = await setup();
    stack.svalinn.setGate(() => ({ deny: { reason: 'signer not allowed', policy: 'mvp' } }));
    const created = await stack.runtime.createContainer(requestFor(spec, stack.dir, 'web'));
    const error = await rejection(stack.runtime.startContainer(created.id));
    expect(isPolicyDeniedError(error)).toBe(true);
    expect(isPolicyDeniedError(error) && error.rokur).toEqual({ reason: 'signer not allowed', policy: 'mvp' });
    expect(svalinnLines(stack.svalinn)).toEqual(['POST /api/v1/run 409']);
    expect(stack.vordr.state.containers.size).toBe(0);
  });

  it('an answer slower than the timeout is a SvalinnTimeoutError', async () => {
    const { stack, spec } = await setup({ svalinnClient: { timeout: 150, retry: 0 } });
    stack.svalinn.fail({ ...RUN, kind: 'delay', ms: 2_000 });
    const created = await stack.runtime.createContainer(requestFor(spec, stack.dir, 'redis'));
    expect(isSvalinnTimeoutError(await rejection(stack.runtime.startContainer(created.id)))).toBe(true);
  });

  it('a refused connection is a SvalinnUnavailableError', async () => {
    const { stack, spec } = await setup({ svalinnUrl: await closedPortUrl() });
    const created = await stack.runtime.createContainer(requestFor(spec, stack.dir, 'redis'));
    expect(isSvalinnUnavailableError(await rejection(stack.runtime.startContainer(created.id)))).toBe(true);
  });

  it('a malformed JSON answer is a SvalinnError, not a crash', async () => {
    const { stack, spec } = await setup();
    stack.svalinn.fail({ ...RUN, kind: 'malformed-json', status: 201 });
    const created = await stack.runtime.createContainer(requestFor(spec, stack.dir, 'redis'));
    const error = await rejection(stack.runtime.startContainer(created.id));
    expect(isSvalinnError(error)).toBe(true);
    // Had the run happened behind the broken answer, removing the container (a rollback) removes it on Vörðr too.
    await vordrClient({ url: stack.vordr.url }).containerCreate({ image: 'redis:latest.ctp', name: 'parity_redis_1' });
    await stack.runtime.removeContainer(created.id, { force: true });
    expect(stack.vordr.state.containers.size).toBe(0);
  });

  it('a Vörðr failure behind Svalinn (name in use) comes back as Svalinn 500', async () => {
    const { stack, spec } = await setup();
    stack.vordr.state.containers.set('x', { id: 'x'.repeat(64), name: 'parity_redis_1', image: 'other', command: [], state: 'Running', pid: 1, created: '2026-01-01T00:00:00Z', config: {}, networks: [] });
    const created = await stack.runtime.createContainer(requestFor(spec, stack.dir, 'redis'));
    const error = await rejection(stack.runtime.startContainer(created.id));
    expect(isSvalinnError(error) && error.status === 500).toBe(true);
    expect(String(error)).toContain('already in use');
  });
});

describe('selurRuntime under Vörðr faults', () => {
  const net = { project: 'parity', name: 'front', runtimeName: 'parity_front', spec: { driver: 'bridge', driver_opts: {}, labels: {}, external: false } };

  it('a JSON-RPC error is a VordrError with the tool and code', async () => {
    const { stack } = await setup();
    stack.vordr.inject({ kind: 'rpc-error', code: -32000, message: 'bridge setup failed: permission denied' }, { tool: 'vordr_network_create' });
    const error = await rejection(stack.runtime.ensureNetwork(net));
    expect(isVordrError(error) && error.tool === 'vordr_network_create' && error.rpcCode === -32000).toBe(true);
    expect(String(error)).toContain('permission denied');
    expect(await stack.runtime.listNetworks('parity')).toEqual([]);
  });

  it('malformed JSON from Vörðr is a VordrProtocolError', async () => {
    const { stack } = await setup();
    stack.vordr.inject({ kind: 'malformed' }, { tool: 'vordr_container_list' });
    expect(isVordrProtocolError(await rejection(stack.runtime.listContainers('parity')))).toBe(true);
  });

  it('an HTTP 500 or a refused connection is a VordrUnavailableError', async () => {
    const { stack } = await setup();
    stack.vordr.inject({ kind: 'http', status: 500 }, { tool: 'vordr_network_ls' });
    const first = await rejection(stack.runtime.ensureNetwork(net));
    expect(isVordrUnavailableError(first)).toBe(true);
    const refused = await setup({ vordrUrl: await closedPortUrl() });
    expect(isVordrUnavailableError(await rejection(refused.stack.runtime.listVolumes('parity')))).toBe(true);
  });

  it('a Vörðr answer slower than its timeout fails typed, not hanging', async () => {
    const { stack } = await setup({ vordrTimeout: 150 });
    stack.vordr.inject({ kind: 'delay', ms: 2_000 }, { tool: 'vordr_volume_ls' });
    const error = await rejection(stack.runtime.listVolumes('parity'));
    expect(isVordrUnavailableError(error)).toBe(true);
  });
});
