/**
 * The selur runtime's behaviour beyond the parity file: the config mapping (secrets, binds, ports,
 * healthchecks, restart), secret refusal and dev injection, bundle resolution and verification,
 * the operations Vörðr lacks, restarting stopped containers, v2 runs, and configuration from env.
 */
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isContainerNotFoundError, isSecretInEnvironmentError, isUnsupportedOperationError, LABEL_PROJECT, type ContainerRequest, type ServiceSpec } from '@selur/compose';
import { isBundleUnavailableError, isBundleVerificationError, isSvalinnError, nativeCt, selurRuntime, selurRuntimeFromEnv, svalinnClient, vordrClient, type SelurExecOptions } from '@selur/compose-selur';
import { CT_VECTORS, rejection, startStack, svalinnLines, TEST_KEY_PUB, type SelurStack, type StackOptions } from './helpers.js';

const stacks: SelurStack[] = [];
afterEach(async () => {
  await Promise.all(stacks.splice(0).map((s) => s.close()));
});
async function setup(options: StackOptions = {}): Promise<SelurStack> {
  const stack = await startStack({ ...options, svalinnClient: { runApi: 'v1', ...options.svalinnClient } });
  stacks.push(stack);
  return stack;
}

/** A full canonical service spec. */
function service(image: string, overrides: Partial<ServiceSpec> = {}): ServiceSpec {
  return {
    image, environment: {}, env_file: [], ports: [], depends_on: {}, volumes: [], networks: {}, secrets: [], restart: 'no',
    deploy: { replicas: 1, strategy: 'rolling' }, profiles: [], labels: {}, stop_grace_period: '10s', stop_signal: 'SIGTERM', read_only: false, extensions: {},
    ...overrides,
  };
}

function request(stack: SelurStack, name: string, spec: ServiceSpec, extra: Partial<ContainerRequest> = {}): ContainerRequest {
  const environment: Record<string, string> = {};
  for (const [k, v] of Object.entries(spec.environment)) if (typeof v === 'string') environment[k] = v;
  return {
    project: 'shop', service: name, replica: 1, name: `shop_${name}_1`, configHash: `hash-${name}`, spec, workingDir: stack.dir, environment,
    secrets: [], configs: [], networks: [], networkSettings: {}, mounts: [], labels: { [LABEL_PROJECT]: 'shop', 'io.selur.compose.service': name, 'io.selur.compose.replica': '1', 'io.selur.compose.config-hash': `hash-${name}` },
    ...extra,
  };
}

const lastRunConfig = (stack: SelurStack): Record<string, unknown> => {
  const run = stack.svalinn.requests.filter((r) => r.path.endsWith('/run')).at(-1);
  return (run?.body as { config: Record<string, unknown> }).config;
};

describe('selurRuntime: what it says it can do', () => {
  it('declares the capabilities it has, and not the ones Vörðr lacks', async () => {
    const stack = await setup();
    expect(stack.runtime.name).toBe('selur');
    expect([...stack.runtime.capabilities].sort()).toEqual(['bind-mounts', 'exec', 'field:read_only', 'networks', 'ports', 'replicas', 'restart-policy', 'secrets', 'volumes']);
  });

  it('checks its options at once, naming the bad one', async () => {
    const stack = await setup();
    const parts = { ct: stack.ct, svalinn: svalinnClient({ url: stack.svalinn.url, env: {} }), vordr: vordrClient({ url: stack.vordr.url }) };
    expect(() => selurRuntime({ ...parts, ct: undefined as never })).toThrow(expect.objectContaining({ name: 'InvalidArgumentError', field: 'ct' }));
    expect(() => selurRuntime({ ...parts, vordr: {} as never })).toThrow(expect.objectContaining({ field: 'vordr' }));
    expect(() => selurRuntime({ ...parts, health: 'always' as never })).toThrow(/health must be 'running-state' or 'unsupported', got "always"/);
  });

  it('logs, exec with output and health are typed UnsupportedOperationErrors', async () => {
    const stack = await setup();
    const info = await stack.runtime.startContainer((await stack.runtime.createContainer(request(stack, 'api', service('nginx:latest.ctp')))).id);
    const logs = await rejection((async () => { for await (const _ of stack.runtime.logs(info.id)) break; })());
    expect(isUnsupportedOperationError(logs) && logs.operation).toBe('logs');
    const exec = await rejection(stack.runtime.exec(info.id, ['true']));
    expect(isUnsupportedOperationError(exec) && exec.operation).toBe('exec.output');
    // vordr_exec takes a container and a command: another user or privileges are refused by name
    const user = await rejection(stack.runtime.exec(info.id, ['true'], { detach: true, user: 'nobody' } as SelurExecOptions));
    expect(isUnsupportedOperationError(user) && user.operation).toBe('exec.user');
    const privileged = await rejection(stack.runtime.exec(info.id, ['true'], { detach: true, privileged: true } as SelurExecOptions));
    expect(isUnsupportedOperationError(privileged) && privileged.operation).toBe('exec.privileged');
    expect(stack.runtime.capabilities.has('exec.user') || stack.runtime.capabilities.has('exec.privileged')).toBe(false);
    const health = await rejection(stack.runtime.probeHealth(info.id));
    expect(isUnsupportedOperationError(health) && health.operation).toBe('health');
  });

  it('execs detached through vordr_exec: a pid, no output', async () => {
    const stack = await setup();
    const info = await stack.runtime.startContainer((await stack.runtime.createContainer(request(stack, 'api', service('nginx:latest.ctp')))).id);
    expect(await stack.runtime.exec(info.id, ['kill', '-HUP', '1'], { detach: true } as SelurExecOptions)).toEqual({ exitCode: 0, stdout: '', stderr: '' });
    const { execPid, containerId } = await stack.runtime.execDetached(info.id, ['/bin/reload']);
    expect(containerId).toBe('shop_api_1');
    expect(execPid).toBeGreaterThan(0);
    const execs = stack.vordr.toolCalls().filter((c) => c.tool === 'vordr_exec').map((c) => c.arguments['command']);
    expect(execs).toEqual([['kill', '-HUP', '1'], ['/bin/reload']]);
  });
});

describe('selurRuntime: the config sent to the gateway', () => {
  it('mounts secrets read-only at /run/secrets, makes relative binds absolute, keeps ports on 127.0.0.1', async () => {
    const stack = await setup();
    const secretFile = join(stack.dir, 'db-password.txt');
    await writeFile(secretFile, 'hunter2\n');
    const spec = service('nginx:latest.ctp', {
      secrets: [{ source: 'db_password' }],
      ports: [{ target: 80, published: 8080, protocol: 'tcp' }, { target: 53, published: 5353, protocol: 'udp', host_ip: '0.0.0.0' }, { target: 9000, published: 9000, protocol: 'tcp', host_ip: '::1' }],
      command: ['nginx', '-g', 'daemon off;'],
      working_dir: '/srv',
      read_only: true,
      restart: 'on-failure:3',
      environment: { MODE: 'prod' },
      healthcheck: { test: ['CMD', 'curl', '-f', 'http://localhost/a b'], interval: '1m30s', timeout: '500ms', retries: 5, start_period: '2s', start_interval: '1s', disable: false },
    });
    const req = request(stack, 'api', spec, {
      secrets: [{ name: 'db_password', file: secretFile }],
      mounts: [{ type: 'bind', source: 'conf', target: '/etc/nginx', readOnly: true }, { type: 'volume', source: 'shop_data', target: '/data', readOnly: false }],
      networks: ['shop_front'],
    });
    await stack.runtime.startContainer((await stack.runtime.createContainer(req)).id);
    const config = lastRunConfig(stack);
    expect(config).toMatchObject({
      env: { MODE: 'prod' },
      ports: ['127.0.0.1:8080:80', '0.0.0.0:5353:53/udp', '[::1]:9000:9000'],
      volumes: [`${join(stack.dir, 'conf')}:/etc/nginx:ro`, 'shop_data:/data', `${secretFile}:/run/secrets/db_password:ro`],
      networks: ['shop_front'],
      command: ['nginx', '-g', 'daemon off;'],
      workdir: '/srv',
      readOnlyRoot: true,
      restart: 'on-failure',
      healthcheck: { test: "curl -f 'http://localhost/a b'", interval: '90s', timeout: '1s', retries: 5, startPeriod: '2s', start_period: '2s' },
    });
    expect(JSON.stringify(stack.svalinn.requests)).not.toContain('hunter2');
    // The ports and labels come back from Vörðr.
    const info = await stack.runtime.inspectContainer('shop_api_1');
    expect(info.ports).toEqual([
      { target: 80, published: 8080, host: '127.0.0.1', protocol: 'tcp' },
      { target: 53, published: 5353, host: '127.0.0.1', protocol: 'udp' },
      { target: 9000, published: 9000, host: '::1', protocol: 'tcp' },
    ]);
    expect(info).toMatchObject({ configHash: 'hash-api', project: 'shop', service: 'api', replica: 1 });
  });

  it('refuses a port without a host port, naming the service', async () => {
    const stack = await setup();
    const error = await rejection(stack.runtime.createContainer(request(stack, 'api', service('nginx:latest.ctp', { ports: [{ target: 80, protocol: 'tcp' }] }))));
    expect(isUnsupportedOperationError(error) && error.service).toBe('api');
  });

  it('refuses a secret in the environment unless SELUR_DEV_SECRETS=1, and never shows its content', async () => {
    const stack = await setup();
    const file = join(stack.dir, 'token.txt');
    await writeFile(file, 's3cr3t-token\n');
    const spec = service('nginx:latest.ctp', { environment: { API_TOKEN: { secret: 'token' }, PLAIN: 'x' } });
    const req = request(stack, 'api', spec, { secrets: [{ name: 'token', file }] });
    const refused = await rejection(stack.runtime.createContainer(req));
    expect(isSecretInEnvironmentError(refused)).toBe(true);
    expect(refused).toMatchObject({ service: 'api', variable: 'API_TOKEN', secret: 'token', reason: 'refused' });
    expect(stack.svalinn.requests).toEqual([]);

    const dev = selurRuntime({ ct: stack.ct, svalinn: svalinnClient({ url: stack.svalinn.url, env: {}, runApi: 'v1', retry: 0 }), vordr: vordrClient({ url: stack.vordr.url }), resolveBundle: (i) => stack.bundles[i], env: { SELUR_DEV_SECRETS: '1' } });
    const created = await dev.createContainer(req);
    expect(JSON.stringify(created)).not.toContain('s3cr3t-token');
    stack.svalinn.fail({ method: 'POST', path: '/api/v1/run', kind: 'json', status: 500, body: { error: 'boom' } });
    const failed = await rejection(dev.startContainer(created.id));
    expect(isSvalinnError(failed)).toBe(true);
    expect(`${String(failed)} ${JSON.stringify(failed)}`).not.toContain('s3cr3t-token');
    await dev.startContainer(created.id);
    expect((lastRunConfig(stack)['env'] as Record<string, string>)).toEqual({ API_TOKEN: 's3cr3t-token', PLAIN: 'x' });
    expect(JSON.stringify(await dev.inspectContainer(created.id))).not.toContain('s3cr3t-token');

    const external = await rejection(dev.createContainer({ ...req, name: 'shop_api_2', replica: 2, secrets: [] }));
    expect(isSecretInEnvironmentError(external) && external.reason).toBe('no-file');
  });
});

describe('selurRuntime: bundles', () => {
  it('refuses a bundle that fails verification, naming the service, before anything is sent', async () => {
    const stack = await setup();
    const ct = nativeCt({ keys: { 'test-key': TEST_KEY_PUB }, trustDir: false });
    const runtime = selurRuntime({ ct, svalinn: svalinnClient({ url: stack.svalinn.url, env: {}, runApi: 'v1' }), vordr: vordrClient({ url: stack.vordr.url }), env: {} });
    await copyFile(join(CT_VECTORS, 'badsig.ctp'), join(stack.dir, 'badsig.ctp'));
    const badsig = await rejection(runtime.createContainer(request(stack, 'api', service('./badsig.ctp'))));
    expect(isBundleVerificationError(badsig) && badsig.service).toBe('api');
    expect(String(badsig)).toMatch(/signature/i);
    const badman = await rejection(runtime.createContainer(request(stack, 'db', service(join(CT_VECTORS, 'badman.ctp')))));
    expect(isBundleVerificationError(badman) && badman.service).toBe('db');
    expect(badman).toMatchObject({ cause: { name: 'BundleError', reason: 'manifest-hash-mismatch' } });
    // signed.ctp is good with the test key.
    expect((await runtime.createContainer(request(stack, 'ok', service(join(CT_VECTORS, 'signed.ctp'))))).state).toBe('created');
    expect(stack.svalinn.requests).toEqual([]);
  });

  it('requireSignature refuses an unsigned bundle', async () => {
    const stack = await setup({ runtime: { requireSignature: true } });
    const unsigned = await stack.pack('unsigned', { sign: false });
    const error = await rejection(stack.runtime.createContainer(request(stack, 'api', service(unsigned))));
    expect(isBundleVerificationError(error)).toBe(true);
    expect((await stack.runtime.createContainer(request(stack, 'web', service('nginx:latest.ctp')))).state).toBe('created');
  });

  it('requireSignature refuses a signed bundle whose sources the signature does not cover, unless allowUnsignedMembers names them', async () => {
    // Each stack has its own signing key: pack the same sources in each.
    const packWithSources = async (stack: SelurStack) => {
      await mkdir(join(stack.dir, 'src'));
      await writeFile(join(stack.dir, 'src', 'app.js'), 'console.log(1)\n');
      return stack.pack('with-sources', { sources: join(stack.dir, 'src') });
    };
    const strict = await setup({ runtime: { requireSignature: true } });
    const refused = await rejection(strict.runtime.createContainer(request(strict, 'api', service(await packWithSources(strict)))));
    expect(isBundleVerificationError(refused) && refused.service).toBe('api');
    expect(String(refused)).toContain('src/app.js');
    const allowing = await setup({ runtime: { requireSignature: true, allowUnsignedMembers: ['src/app.js'] } });
    expect((await allowing.runtime.createContainer(request(allowing, 'api', service(await packWithSources(allowing))))).state).toBe('created');
  });

  it('a remote reference needs a driver that can fetch; a missing path is not-found', async () => {
    const stack = await setup({ runtime: { resolveBundle: () => undefined } });
    const remote = await rejection(stack.runtime.createContainer(request(stack, 'api', service('ghcr.io/acme/api:1.2.ctp'))));
    expect(isBundleUnavailableError(remote) && remote.reason).toBe('cannot-fetch');
    const missing = await rejection(stack.runtime.createContainer(request(stack, 'db', service('./nowhere.ctp'))));
    expect(isBundleUnavailableError(missing) && missing.reason).toBe('not-found');
  });

  it('resolves a local path relative to the working dir and sends the digest of that file', async () => {
    const stack = await setup({ runtime: { resolveBundle: () => undefined, sendBundlePath: true } });
    await mkdir(join(stack.dir, 'bundles'));
    await copyFile(stack.bundles['nginx:latest.ctp'] as string, join(stack.dir, 'bundles', 'web.ctp'));
    await stack.runtime.startContainer((await stack.runtime.createContainer(request(stack, 'web', service('./bundles/web.ctp')))).id);
    const body = stack.svalinn.requests.at(-1)?.body as Record<string, unknown>;
    expect(body).toMatchObject({ imageName: './bundles/web.ctp', bundlePath: join(stack.dir, 'bundles', 'web.ctp') });
    expect(body['imageDigest']).toBe(await stack.ct.digest(join(stack.dir, 'bundles', 'web.ctp')));
  });
});

describe('selurRuntime: lifecycle details', () => {
  it('starts a stopped container again by re-running it through Svalinn under the same name', async () => {
    const stack = await setup();
    const info = await stack.runtime.startContainer((await stack.runtime.createContainer(request(stack, 'api', service('nginx:latest.ctp', { environment: { A: '1' } })))).id);
    await stack.runtime.stopContainer(info.id, { timeoutMs: 1_000 });
    await stack.runtime.stopContainer(info.id, { timeoutMs: 1_000 }); // stopping a stopped one is fine
    expect((await stack.runtime.inspectContainer(info.id)).state).toBe('exited');
    const again = await stack.runtime.startContainer(info.id);
    expect(again).toMatchObject({ id: 'shop_api_1', state: 'running', configHash: 'hash-api' });
    const runs = stack.svalinn.requests.filter((r) => r.path === '/api/v1/run').map((r) => r.body as Record<string, unknown>);
    expect(runs).toHaveLength(2);
    expect(runs[1]).toMatchObject({ name: 'shop_api_1', imageDigest: runs[0]?.['imageDigest'], config: { env: { A: '1' } } });
    expect(stack.vordr.state.containers.size).toBe(1);
  });

  it('starts a created Vörðr container through Svalinn\'s start route (the start gate applies)', async () => {
    const stack = await setup();
    const vordr = vordrClient({ url: stack.vordr.url });
    const made = await vordr.containerCreate({ image: 'nginx:latest.ctp', name: 'shop_api_1', detach: false, config: { labels: { [LABEL_PROJECT]: 'shop' } } as never });
    expect((await stack.runtime.inspectContainer('shop_api_1')).state).toBe('created');
    expect((await stack.runtime.startContainer('shop_api_1')).state).toBe('running');
    expect(svalinnLines(stack.svalinn)).toEqual([`POST /api/v1/containers/${made.containerId}/start 200`]);
  });

  it('missing containers: inspect throws ContainerNotFoundError, stop and remove are no-ops', async () => {
    const stack = await setup();
    expect(isContainerNotFoundError(await rejection(stack.runtime.inspectContainer('shop_gone_1')))).toBe(true);
    await stack.runtime.stopContainer('shop_gone_1', { timeoutMs: 1_000 });
    await stack.runtime.removeContainer('shop_gone_1', { force: true });
    const created = await stack.runtime.createContainer(request(stack, 'api', service('nginx:latest.ctp')));
    await stack.runtime.removeContainer(created.id); // a prepared one is just forgotten
    expect(isContainerNotFoundError(await rejection(stack.runtime.startContainer(created.id)))).toBe(true);
    expect(stack.svalinn.requests).toEqual([]);
  });

  it('keeps projects apart even when one name prefixes another (labels decide)', async () => {
    const stack = await setup();
    const a = request(stack, 'b_web', service('nginx:latest.ctp'));
    const ab = { ...request(stack, 'web', service('nginx:latest.ctp')), project: 'shop_b', name: 'shop_b_web_1', labels: { [LABEL_PROJECT]: 'shop_b', 'io.selur.compose.service': 'web', 'io.selur.compose.replica': '1' } };
    await stack.runtime.startContainer((await stack.runtime.createContainer(a)).id);
    await stack.runtime.startContainer((await stack.runtime.createContainer({ ...ab, name: 'shop_b_web_2', replica: 2, labels: { ...ab.labels, 'io.selur.compose.replica': '2' } })).id);
    expect((await stack.runtime.listContainers('shop')).map((c) => [c.name, c.service, c.replica])).toEqual([['shop_b_web_1', 'b_web', 1]]);
    expect((await stack.runtime.listContainers('shop_b')).map((c) => [c.name, c.service, c.replica])).toEqual([['shop_b_web_2', 'web', 2]]);
    await stack.runtime.stopContainer('shop_b_web_1', { timeoutMs: 1_000 });
    expect(await stack.runtime.listContainers('shop', { all: false })).toEqual([]);
  });

  it('uses /api/v2/run with the v2 body where Svalinn serves it', async () => {
    const stack = await setup({ svalinnServer: { serveV2: true }, svalinnClient: { runApi: 'auto' } });
    await stack.runtime.startContainer((await stack.runtime.createContainer(request(stack, 'api', service('nginx:latest.ctp')))).id);
    expect(svalinnLines(stack.svalinn)).toEqual(['POST /api/v2/run 201']);
    const run = stack.svalinn.requests[0];
    expect(run?.schemaCheck).toEqual({ valid: true, errors: [] });
    expect(run?.body).not.toHaveProperty('image');
    expect(run?.body).not.toHaveProperty('digest');
  });
});

describe('selurRuntimeFromEnv', () => {
  it('reads SVALINN_URL, VORDR_MCP_URL and SVALINN_API_KEY, and never shows the key', async () => {
    const stack = await setup({ svalinnServer: { auth: { apiKeys: ['k-123-secret'] } } });
    const runtime = selurRuntimeFromEnv({
      ct: stack.ct,
      resolveBundle: (image) => stack.bundles[image],
      env: { SVALINN_URL: stack.svalinn.url, VORDR_MCP_URL: stack.vordr.url, SVALINN_API_KEY: 'k-123-secret' },
      svalinnOptions: { runApi: 'v1', retry: 0 },
    });
    await runtime.ensureVolume({ project: 'shop', name: 'data', runtimeName: 'shop_data', spec: { driver: 'local', driver_opts: {}, labels: {}, external: false } });
    expect(stack.vordr.state.volumes.has('shop_data')).toBe(true);
    await runtime.startContainer((await runtime.createContainer(request(stack, 'api', service('nginx:latest.ctp')))).id);
    expect(stack.svalinn.requests.map((r) => r.auth)).toEqual(['api-key']);
    expect(JSON.stringify(stack.svalinn.requests)).not.toContain('k-123-secret');
    const wrong = selurRuntimeFromEnv({ ct: stack.ct, resolveBundle: (image) => stack.bundles[image], env: { SVALINN_URL: stack.svalinn.url, VORDR_MCP_URL: stack.vordr.url, SVALINN_API_KEY: 'k-wrong-secret' }, svalinnOptions: { runApi: 'v1', retry: 0 } });
    const error = await rejection(wrong.startContainer((await wrong.createContainer(request(stack, 'db', service('nginx:latest.ctp')))).id));
    expect(isSvalinnError(error)).toBe(true);
    expect(`${String(error)} ${JSON.stringify(error)}`).not.toContain('k-wrong-secret');
  });
});
