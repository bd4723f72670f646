/**
 * Remote bundle references (`ghcr.io/acme/web:1.ctp`) with a driver that can fetch: `ctCli()` driving
 * the stand-in `ct` (a registry in a folder). The fetched file is verified, digested and run.
 */
import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ctCli, isBundleUnavailableError, LABEL_BUNDLE_PATH, selurRuntime, svalinnClient, vordrClient } from '@selur/compose-selur';
import { installStandin } from '../ct/standin.js';
import { fileDigest, KEY_ID, rejection, startStack, type SelurStack } from './helpers.js';

let stack: SelurStack | undefined;
afterEach(async () => stack?.close());

describe('selurRuntime with a fetching driver', () => {
  it('fetches a remote reference with ct fetch into the cache, verifies it and runs it with its digest', async () => {
    stack = await startStack();
    const standin = await installStandin(stack.dir);
    const registry = join(stack.dir, 'registry');
    await mkdir(registry);
    await copyFile(stack.bundles['nginx:latest.ctp'] as string, join(registry, encodeURIComponent('ghcr.io/acme/web:1.ctp')));
    const ct = ctCli({ path: standin.path, keys: { [KEY_ID]: stack.key.publicHex }, env: { ...standin.env, CT_STANDIN_REGISTRY: registry } });
    const cache = join(stack.dir, 'cache');
    const runtime = selurRuntime({ ct, svalinn: svalinnClient({ url: stack.svalinn.url, env: {}, runApi: 'v1' }), vordr: vordrClient({ url: stack.vordr.url }), bundleCacheDir: cache, requireSignature: true, env: {} });
    const spec = {
      image: 'ghcr.io/acme/web:1.ctp', environment: {}, env_file: [], ports: [], depends_on: {}, volumes: [], networks: {}, secrets: [], restart: 'no' as const,
      deploy: { replicas: 1, strategy: 'rolling' as const }, profiles: [], labels: {}, stop_grace_period: '10s' as const, stop_signal: 'SIGTERM', read_only: false, extensions: {},
    };
    const base = { project: 'shop', service: 'web', replica: 1, name: 'shop_web_1', configHash: 'h', spec, workingDir: stack.dir, environment: {}, secrets: [], configs: [], networks: [], networkSettings: {}, mounts: [], labels: {} };
    const info = await runtime.startContainer((await runtime.createContainer(base)).id);
    const fetched = join(cache, 'ghcr.io_acme_web_1.ctp');
    expect(info.labels[LABEL_BUNDLE_PATH]).toBe(fetched);
    const run = stack.svalinn.requests.at(-1)?.body as Record<string, unknown>;
    expect(run).toMatchObject({ imageName: 'ghcr.io/acme/web:1.ctp', imageDigest: await fileDigest(fetched) });
    expect(run['imageDigest']).toBe(await fileDigest(stack.bundles['nginx:latest.ctp'] as string));

    const missing = await rejection(runtime.createContainer({ ...base, name: 'shop_api_1', service: 'api', spec: { ...spec, image: 'ghcr.io/acme/api:9.ctp' } }));
    expect(isBundleUnavailableError(missing) && missing.reason).toBe('fetch-failed');
    expect(String(missing)).toContain('ghcr.io/acme/api:9.ctp');
  });
});
