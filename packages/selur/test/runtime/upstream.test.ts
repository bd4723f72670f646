/**
 * The upstream stack as recorded (U1–U3 in the recording's README): the selur runtime fails on each
 * defect with a typed error that says which component misbehaved and what it answered; and the
 * documented way around them, `gateway: 'vordr'`, runs the stack on Vörðr's `tools/call` alone
 * (proven against the fake Vörðr that follows docs/reference/vordr-mcp.md), bundles verified locally.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { isServiceStartError, loadProject, type ProjectSpec } from '@selur/compose';
import { isBundleVerificationError, isSvalinnUpstreamError, nativeCt, selurRuntime, selurRuntimeFromEnv, vordrClient, type SvalinnUpstreamError } from '@selur/compose-selur';
import { defectiveBackend, type UpstreamDefect } from '../servers/svalinn-server.js';
import { closedPortUrl } from '../servers/svalinn-server.js';
import { KEY_ID, PARITY, rejection, requestFor, startStack, svalinnLines, vordrTools, type SelurStack } from './helpers.js';

const stacks: SelurStack[] = [];
afterEach(async () => {
  await Promise.all(stacks.splice(0).map((s) => s.close()));
});

async function withDefect(defect: UpstreamDefect): Promise<{ stack: SelurStack; spec: ProjectSpec }> {
  const stack = await startStack({ svalinnBackend: (inner) => defectiveBackend(inner, defect), svalinnClient: { runApi: 'v1' } });
  stacks.push(stack);
  return { stack, spec: (await loadProject(PARITY, { projectName: 'parity' })).toJSON() };
}

describe('selurRuntime on the upstream defects: typed, naming the component and its answer', () => {
  const cases: [UpstreamDefect, string, RegExp][] = [
    ['U1', 'MCP call failed after 3 retries: MCP error -32601: Method not found: containers/create', /upstream defect U1 of Svalinn \(not this SDK\): Svalinn called Vörðr's JSON-RPC method 'containers\/create', which Vörðr does not serve/],
    ['U2', 'MCP call failed after 3 retries: MCP error -32000: Container name already in use: parity_redis_1', /upstream defect U2 of Svalinn \(most likely; not this SDK\): 'parity_redis_1' did not exist before this run, Vörðr created it/],
    ['U3', 'Vörðr response missing container id', /upstream defect U3 of Svalinn \(not this SDK\): Svalinn reads 'id' from Vörðr's create result, where Vörðr returns 'containerId'/],
  ];
  for (const [defect, answered, says] of cases) {
    it(`${defect}: SvalinnUpstreamError, component svalinn, with Svalinn's answer word for word; no retry storm`, async () => {
      const { stack, spec } = await withDefect(defect);
      const created = await stack.runtime.createContainer(requestFor(spec, stack.dir, 'redis'));
      const error = await rejection(stack.runtime.startContainer(created.id));
      expect(isSvalinnUpstreamError(error)).toBe(true);
      const e = error as SvalinnUpstreamError;
      expect(e).toMatchObject({ name: 'SvalinnUpstreamError', code: 'E_SVALINN_UPSTREAM', component: 'svalinn', defect, status: 500, serverMessage: answered });
      expect(e.message).toMatch(says);
      expect(e.message).toContain(`Svalinn answered 500: "${answered}"`);
      expect(e.message).toContain("selurRuntime({ gateway: 'vordr' })");
      expect(svalinnLines(stack.svalinn)).toEqual(['POST /api/v1/run 500']); // sent once
    });
  }

  it('U2 is not claimed for a real name clash (the name is not on Vörðr)', async () => {
    const { stack, spec } = await withDefect('U1');
    stack.svalinn.fail({ method: 'POST', path: '/api/v1/run', kind: 'json', status: 500, body: { error: 'MCP call failed after 3 retries: MCP error -32000: Container name already in use: parity_redis_1' } });
    const created = await stack.runtime.createContainer(requestFor(spec, stack.dir, 'redis'));
    const error = await rejection(stack.runtime.startContainer(created.id));
    expect(error).toMatchObject({ name: 'SvalinnError', code: 'E_SVALINN' });
  });

  it('up on U1 fails in one line that says whose bug it is, and rolls back', async () => {
    const { stack } = await withDefect('U1');
    const project = await loadProject(PARITY, { projectName: 'parity' });
    const error = await rejection(project.up({ runtime: stack.runtime, parallel: 1, timeout: 20_000, wait: false }));
    expect(isServiceStartError(error)).toBe(true);
    expect((error as Error).message.split('\n')[0]).toMatch(/upstream defect U1 of Svalinn \(not this SDK\)/);
    expect(isSvalinnUpstreamError((error as Error).cause)).toBe(true);
    expect(stack.vordr.state.containers.size).toBe(0);
  });
});

describe("gateway: 'vordr' — the stack on Vörðr's tools/call alone, ct verification local", () => {
  it('up → ps → second up (no change) → down against the fake Vörðr, with no Svalinn at all', async () => {
    const stack = await startStack();
    stacks.push(stack);
    const runtime = selurRuntime({ ct: stack.ct, vordr: vordrClient({ url: stack.vordr.url, timeout: 5_000 }), gateway: 'vordr', resolveBundle: (image) => stack.bundles[image as keyof typeof stack.bundles], env: {} });
    const project = await loadProject(PARITY, { projectName: 'parity' });
    const up = await project.up({ runtime, parallel: 1, timeout: 20_000, wait: false });
    const creates = stack.vordr.toolCalls().filter((c) => c.canonical === 'vordr_container_create');
    expect(creates.map((c) => [c.arguments['name'], c.arguments['image'], c.arguments['detach']])).toEqual([
      ['parity_redis_1', 'redis:latest.ctp', true],
      ['parity_web_1', 'nginx:latest.ctp', true],
    ]);
    // The bundle digest verified locally is recorded with the container.
    expect(JSON.stringify(creates[0]?.arguments['config'])).toContain('io.selur.compose.bundle-digest');
    expect((await up.ps()).map((c) => [c.name, c.state])).toEqual([['parity_redis_1', 'running'], ['parity_web_1', 'running']]);
    expect(stack.svalinn.requests).toEqual([]);

    stack.vordr.clearRecords();
    await project.up({ runtime, parallel: 1, timeout: 20_000, wait: false });
    expect(vordrTools(stack.vordr).filter((t) => t.endsWith('_create'))).toEqual([]);
    await project.down({ runtime, volumes: true });
    expect(stack.vordr.state.containers.size).toBe(0);
  });

  it('an unsigned bundle is refused by the local ct verification before Vörðr is asked to create anything', async () => {
    const stack = await startStack();
    stacks.push(stack);
    const unsigned = await stack.pack('unsigned', { sign: false });
    const runtime = selurRuntime({ ct: stack.ct, vordr: vordrClient({ url: stack.vordr.url, timeout: 5_000 }), gateway: 'vordr', requireSignature: true, resolveBundle: () => unsigned, env: {} });
    const spec = (await loadProject(PARITY, { projectName: 'parity' })).toJSON();
    const error = await rejection(runtime.createContainer(requestFor(spec, stack.dir, 'redis')));
    expect(isBundleVerificationError(error)).toBe(true);
    expect(stack.vordr.toolCalls().filter((c) => c.canonical === 'vordr_container_create')).toEqual([]);
  });

  it('selurRuntimeFromEnv: SELUR_GATEWAY=vordr builds no Svalinn client (SVALINN_URL may point nowhere)', async () => {
    const stack = await startStack();
    stacks.push(stack);
    const runtime = selurRuntimeFromEnv({
      env: { SELUR_GATEWAY: 'vordr', SVALINN_URL: await closedPortUrl(), VORDR_MCP_URL: stack.vordr.url },
      ct: nativeCt({ keys: { [KEY_ID]: stack.key.publicHex }, trustDir: false }),
      resolveBundle: (image) => stack.bundles[image as keyof typeof stack.bundles],
    });
    const spec = (await loadProject(PARITY, { projectName: 'parity' })).toJSON();
    const created = await runtime.createContainer(requestFor(spec, stack.dir, 'redis'));
    expect((await runtime.startContainer(created.id)).state).toBe('running');
    expect(() => selurRuntime({ ct: stack.ct, vordr: vordrClient({ url: stack.vordr.url }) } as never)).toThrow(/gateway: 'vordr'/);
  });
});
