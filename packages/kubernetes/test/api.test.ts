// The API path, against an in-process fake of the Kubernetes API on 127.0.0.1 (see
// support/fake-api.ts), through the real @kubernetes/client-node 1.x over HTTP. No real cluster.
import { LABEL_CONFIG_HASH, LABEL_PROJECT, Project, isUnsupportedOperationError, type ComposeEvent } from '@selur/compose';
import {
  isKubernetesApiError, isRolloutError, kubernetesRuntime, type KubernetesApiError, type KubernetesRuntimeOptions, type RolloutError,
} from '@selur/compose-kubernetes';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeApi, type FakeApi } from './support/fake-api.js';
import { SECRET_VALUE, representativeStack } from './support/stack.js';

let fake: FakeApi;
beforeEach(async () => {
  fake = await startFakeApi();
});
afterEach(async () => {
  await fake.close();
});

const runtimeFor = (extra: Partial<KubernetesRuntimeOptions> = {}) =>
  kubernetesRuntime({ kubeconfig: fake.kubeconfig(), pollIntervalMs: 10, rolloutTimeoutMs: 2000, manifests: { statefulSets: ['db'] }, ...extra });
const writes = () => fake.requests.filter((r) => r.method !== 'GET');

describe('kubernetesRuntime against the fake API', () => {
  it('up: applies every manifest server-side with our field manager, in order, then waits for each rollout', async () => {
    const { project } = representativeStack();
    const events: ComposeEvent[] = [];
    const runtime = runtimeFor({ onEvent: (e) => events.push(e) });
    const result = await runtime.up(project);
    const expected = runtime.manifests(project).objects.map((o) => `${o.kind}/${o.metadata.name}`);
    expect(result.applied).toEqual(expected);
    expect(result.pruned).toEqual([]);
    expect(result.namespace).toBe('shop');

    const patches = fake.requests.filter((r) => r.method === 'PATCH');
    expect(patches).toHaveLength(expected.length);
    for (const p of patches) {
      expect(p.contentType).toBe('application/apply-patch+yaml');
      expect(p.query.get('fieldManager')).toBe('selur-compose');
      expect(p.query.get('force')).toBe('true');
    }
    expect(patches.map((p) => p.path)).toContain('/apis/apps/v1/namespaces/shop/deployments/api');
    expect(patches.map((p) => p.path)).toContain('/apis/batch/v1/namespaces/shop/jobs/migrate');
    expect(patches.map((p) => p.path)).toContain('/apis/rbac.authorization.k8s.io/v1/namespaces/shop/roles/selur-compose-job-waiter');
    // What the server stored is what toKubernetes made (client-node serialised it faithfully).
    const stored = fake.objects.get('apps/v1/Deployment/shop/api');
    expect(stored?.spec).toEqual(JSON.parse(JSON.stringify(runtime.manifests(project).find('Deployment', 'api')?.spec)));

    const types = events.map((e) => `${e.type}${'service' in e ? `:${e.service}` : ''}`);
    expect(types.filter((t) => t.startsWith('service.healthy'))).toEqual(['service.healthy:migrate', 'service.healthy:db', 'service.healthy:api', 'service.healthy:cache', 'service.healthy:web']);
    expect(types.at(-1)).toBe('up.done');
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(JSON.stringify(events)).not.toContain(SECRET_VALUE);
  });

  it('up again: unchanged objects are re-applied (idempotent), and what the project no longer declares is pruned by label', async () => {
    const { project } = representativeStack();
    const runtime = runtimeFor();
    await runtime.up(project);
    // another project's objects in the same namespace are not ours to prune
    fake.put({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'other', namespace: 'shop', labels: { [LABEL_PROJECT]: 'other', 'app.kubernetes.io/managed-by': 'selur-compose' } }, spec: {} });
    fake.requests.length = 0;

    const smaller = new Project('shop', { workingDir: project.source.workingDir });
    smaller.adoptSpec({ ...project.toJSON(), services: Object.fromEntries(Object.entries(project.toJSON().services).filter(([n]) => n !== 'web' && n !== 'cache')) });
    const result = await runtime.up(smaller);
    expect([...result.pruned].sort()).toEqual(['Deployment/cache', 'Deployment/web', 'Service/cache', 'Service/web']);
    const deletes = writes().filter((r) => r.method === 'DELETE');
    expect(deletes.map((d) => [d.path, d.query.get('propagationPolicy')]).sort()).toEqual([
      ['/api/v1/namespaces/shop/services/cache', 'Background'],
      ['/api/v1/namespaces/shop/services/web', 'Background'],
      ['/apis/apps/v1/namespaces/shop/deployments/cache', 'Background'],
      ['/apis/apps/v1/namespaces/shop/deployments/web', 'Background'],
    ]);
    const lists = fake.requests.filter((r) => r.method === 'GET' && r.query.has('labelSelector') && !r.path.endsWith('/pods'));
    expect(new Set(lists.map((l) => l.query.get('labelSelector')))).toEqual(new Set(['io.selur.compose.project=shop,app.kubernetes.io/managed-by=selur-compose']));
    expect(fake.objects.has('apps/v1/Deployment/shop/other')).toBe(true);
  });

  it('up with services: applies those and their dependencies (with the Secrets, claims and accounts their pods use), prunes nothing, waits for them only', async () => {
    const { project } = representativeStack();
    const events: ComposeEvent[] = [];
    const runtime = runtimeFor({ onEvent: (e) => events.push(e) });
    // something of the project applied earlier, outside the selection: left alone, not pruned
    fake.put({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop', labels: { [LABEL_PROJECT]: 'shop', 'app.kubernetes.io/managed-by': 'selur-compose', 'io.selur.compose.service': 'web' } }, spec: {} });
    const result = await runtime.up(project, { services: ['api'] });
    // api depends on db (healthy) and migrate (completed): the three, the db password Secret, the
    // Job waiter's account and role, the db's StatefulSet (its claim is a template), and their Services
    expect(result.applied).toEqual([
      'ServiceAccount/selur-compose-job-waiter', 'Role/selur-compose-job-waiter', 'RoleBinding/selur-compose-job-waiter',
      'Secret/db-password', 'Service/api', 'Service/db', 'Job/migrate', 'StatefulSet/db', 'Deployment/api',
    ]);
    expect(result.pruned).toEqual([]);
    expect(writes().filter((r) => r.method === 'DELETE')).toEqual([]);
    expect(fake.objects.has('apps/v1/Deployment/shop/web')).toBe(true);
    expect(fake.objects.has('v1/Service/shop/cache')).toBe(false);
    const healthy = events.filter((e) => e.type === 'service.healthy').map((e) => ('service' in e ? e.service : ''));
    expect(healthy).toEqual(['migrate', 'db', 'api']);
    expect(events.at(-1)).toMatchObject({ type: 'up.done', services: expect.arrayContaining(['api', 'db', 'migrate']) });

    // --no-deps: the service alone (and the objects its pod uses)
    fake.requests.length = 0;
    const alone = await runtime.up(project, { services: ['web'], noDeps: true });
    expect(alone.applied).toEqual(['Service/web', 'Deployment/web']);
    // an unknown service is refused before any request
    fake.requests.length = 0;
    await expect(runtime.up(project, { services: ['nope'] })).rejects.toThrow(/Unknown service 'nope'/);
    expect(fake.requests).toEqual([]);
  });

  it('up with services: only the selected services\' refusals count', async () => {
    const project = new Project('sel')
      .service('odd', { image: 'odd:1', ulimits: { nofile: 1024 } })
      .service('fine', { image: 'fine:1' });
    const runtime = runtimeFor({ manifests: {} });
    await expect(runtime.up(project)).rejects.toThrow(/services\.odd\.ulimits\.nofile/);
    expect(fake.requests.filter((r) => r.method === 'PATCH')).toEqual([]);
    const result = await runtime.up(project, { services: ['fine'] });
    expect(result.applied).toEqual(['Deployment/fine']);
    expect(result.warnings).toEqual([]);
    await expect(runtime.up(project, { services: ['odd'] })).rejects.toThrow(/services\.odd\.ulimits\.nofile/);
  });

  it('configs: a ConfigMap applied before the workloads, and pruned by label once no service uses it', async () => {
    const project = new Project('cfg').config('app_conf', { content: 'a = 1\n' }).service('app', { image: 'app:1', configs: ['app_conf'] });
    const runtime = runtimeFor({ manifests: {} });
    const first = await runtime.up(project);
    expect(first.applied).toEqual(['ConfigMap/app-conf', 'Deployment/app']);
    expect(fake.requests.find((r) => r.method === 'PATCH')?.path).toBe('/api/v1/namespaces/cfg/configmaps/app-conf');
    expect(fake.objects.get('v1/ConfigMap/cfg/app-conf')?.['data']).toEqual({ app_conf: 'a = 1\n' });
    const without = new Project('cfg').config('app_conf', { content: 'a = 1\n' }).service('app', { image: 'app:1' });
    const second = await runtime.up(without);
    expect(second.pruned).toEqual(['ConfigMap/app-conf']);
    expect(fake.objects.has('v1/ConfigMap/cfg/app-conf')).toBe(false);
  });

  it('a changed Job (its template is immutable) is deleted with its pods, then applied anew', async () => {
    const { project } = representativeStack();
    const runtime = runtimeFor();
    await runtime.up(project);
    fake.requests.length = 0;
    project.service('migrate', { image: 'ghcr.io/example/api:1.4.3', command: ['api', 'migrate'], depends_on: { db: { condition: 'service_healthy' } } });
    await runtime.up(project);
    const jobCalls = writes().filter((r) => r.path.endsWith('/jobs/migrate')).map((r) => [r.method, r.query.get('propagationPolicy')]);
    expect(jobCalls).toEqual([['DELETE', 'Foreground'], ['PATCH', null]]);
    expect((fake.objects.get('batch/v1/Job/shop/migrate')?.metadata.labels ?? {})[LABEL_CONFIG_HASH]).toBe(runtime.manifests(project).find('Job', 'migrate')?.metadata.labels?.[LABEL_CONFIG_HASH]);
  });

  it('a Deployment that never becomes available: a RolloutError after a bounded number of polls, with pod events and logs', async () => {
    const { project } = representativeStack();
    fake.behaviour['cache'] = 'stuck';
    const events: ComposeEvent[] = [];
    const runtime = runtimeFor({ rolloutTimeoutMs: 100, pollIntervalMs: 10, onEvent: (e) => events.push(e) });
    const error = await runtime.up(project).then(() => undefined, (e: unknown) => e);
    expect(isRolloutError(error)).toBe(true);
    const rollout = error as RolloutError;
    expect(rollout).toMatchObject({ name: 'RolloutError', code: 'E_K8S_ROLLOUT', kind: 'Deployment', workload: 'cache', reason: 'timeout', service: 'cache' });
    expect(rollout.events).toEqual(['Pod/cache-7c9d0 Warning BackOff: Back-off restarting failed container cache in pod cache-7c9d0']);
    expect(rollout.logs).toEqual(['cache-7c9d0/cache: cache starting', 'cache-7c9d0/cache: cache listening on :80', 'cache-7c9d0/cache: cache ready']);
    const polls = fake.requests.filter((r) => r.method === 'GET' && r.path === '/apis/apps/v1/namespaces/shop/deployments/cache');
    expect(polls.length).toBeGreaterThan(0);
    expect(polls.length).toBeLessThanOrEqual(100 / 10 + 1);
    expect(events.find((e) => e.type === 'service.failed')).toMatchObject({ service: 'cache' });
  });

  it('a failed Job and an exceeded progress deadline fail at once, typed', async () => {
    const { project } = representativeStack();
    fake.behaviour['migrate'] = 'fail';
    const job = (await runtimeFor().up(project).catch((e: unknown) => e)) as RolloutError;
    expect(job).toMatchObject({ kind: 'Job', workload: 'migrate', reason: 'failed' });
    expect(job.message).toContain('BackoffLimitExceeded');

    fake.behaviour['migrate'] = 'ready';
    fake.behaviour['api'] = 'fail';
    const deployment = (await runtimeFor().up(project).catch((e: unknown) => e)) as RolloutError;
    expect(deployment).toMatchObject({ kind: 'Deployment', workload: 'api', reason: 'progress-deadline' });
  });

  it('down deletes everything the project owns with Background propagation; claims only with volumes: true', async () => {
    const p = new Project('store', { workingDir: '/' }).volume('files').service('app', { image: 'app:1', ports: ['80'], volumes: ['files:/srv'] });
    const events: ComposeEvent[] = [];
    const runtime = runtimeFor({ onEvent: (e) => events.push(e) });
    await runtime.up(p);
    expect(fake.objects.has('v1/PersistentVolumeClaim/store/files')).toBe(true);
    const first = await runtime.down('store');
    expect(first.removed).toEqual(['Deployment/app', 'Service/app']);
    expect(fake.objects.has('v1/PersistentVolumeClaim/store/files')).toBe(true);
    expect([...fake.objects.keys()].filter((k) => k.includes('/Pod/'))).toEqual([]); // dependents went with the Deployment
    expect(fake.requests.filter((r) => r.method === 'DELETE').every((r) => r.query.get('propagationPolicy') === 'Background')).toBe(true);
    const second = await runtime.down('store', { volumes: true });
    expect(second.removed).toEqual(['PersistentVolumeClaim/files']);
    expect(events.filter((e) => e.type === 'down.done')).toMatchObject([{ removedContainers: 1, removedVolumes: 0 }, { removedContainers: 0, removedVolumes: 1 }]);
  });

  it('ps, inspect, logs and probeHealth read pods through the Runtime port', async () => {
    const { project } = representativeStack();
    const runtime = runtimeFor();
    await runtime.up(project);
    const pods = await runtime.ps('shop');
    expect(pods.map((p) => `${p.service}#${p.replica} ${p.state} ${p.health}`)).toEqual([
      'api#1 running healthy', 'api#2 running healthy', 'cache#1 running healthy', 'db#1 running healthy', 'migrate#1 exited none', 'web#1 running none',
    ]);
    const api = pods.find((p) => p.service === 'api') ?? pods[0];
    expect(api?.id).toBe('shop/api-7c9d0');
    expect(api?.configHash).toBe(runtime.manifests(project).find('Deployment', 'api')?.metadata.labels?.[LABEL_CONFIG_HASH]);
    expect(api?.image).toBe('ghcr.io/example/api:1.4.2');
    expect((await runtime.inspectContainer('shop/db-0')).replica).toBe(1);
    expect(pods.find((p) => p.service === 'migrate')?.exitCode).toBe(0);

    const lines = [];
    for await (const line of runtime.logs('shop/api-7c9d0', { tail: 2 })) lines.push(line);
    expect(lines.map((l) => [l.stream, l.text, l.timestamp.toISOString()])).toEqual([
      ['stdout', 'api listening on :80', '2026-01-01T00:00:02.000Z'],
      ['stdout', 'api ready', '2026-01-01T00:00:03.000Z'],
    ]);
    const log = fake.requests.find((r) => r.path.endsWith('/pods/api-7c9d0/log'));
    expect([log?.query.get('container'), log?.query.get('tailLines'), log?.query.get('timestamps')]).toEqual(['api', '2', 'true']);
    expect(await runtime.probeHealth('shop/api-7c9d0')).toEqual({ healthy: true, exitCode: 0, output: 'Ready=True (Running)' });
    expect(await runtime.probeHealth('shop/web-7c9d0')).toMatchObject({ healthy: true });

    const missing = await runtime.inspectContainer('shop/nope').catch((e: unknown) => e);
    expect(isKubernetesApiError(missing) && missing.statusCode).toBe(404);
  });

  it('exec runs a command in the service container over the exec WebSocket, with its output and exit code', async () => {
    const { project } = representativeStack();
    const runtime = runtimeFor();
    await runtime.up(project);
    expect(await runtime.exec('shop/api-7c9d0', ['cat', '/etc/hostname'])).toEqual({ exitCode: 0, stdout: 'ran cat /etc/hostname\n', stderr: '' });
    const call = fake.requests.find((r) => r.path === '/api/v1/namespaces/shop/pods/api-7c9d0/exec');
    expect([call?.query.getAll('command'), call?.query.get('container'), call?.query.get('stdout'), call?.query.get('stderr'), call?.query.get('tty')])
      .toEqual([['cat', '/etc/hostname'], 'api', 'true', 'true', 'false']);
    fake.exec = () => ({ stdout: 'partial\n', stderr: 'boom\n', exitCode: 3 });
    expect(await runtime.exec('shop/api-7c9d0', ['sh', '-c', 'exit 3'], { timeoutMs: 5000 })).toEqual({ exitCode: 3, stdout: 'partial\n', stderr: 'boom\n' });
    const unsupported = await runtime.exec('shop/api-7c9d0', ['env'], { env: { A: '1' } }).catch((e: unknown) => e);
    expect(isUnsupportedOperationError(unsupported)).toBe(true);
  });

  it('API errors are typed: the request, status and the API\'s own reason and message', async () => {
    const { project } = representativeStack();
    fake.failNext('PATCH', '/apis/apps/v1/namespaces/shop/deployments/api', 403, 'Forbidden', 'deployments.apps "api" is forbidden: User "tester" cannot patch resource "deployments"');
    const error = (await runtimeFor().up(project).catch((e: unknown) => e)) as KubernetesApiError;
    expect(isKubernetesApiError(error)).toBe(true);
    expect(error).toMatchObject({ name: 'KubernetesApiError', code: 'E_K8S_API', statusCode: 403, reason: 'Forbidden', request: 'apply apps/v1 Deployment shop/api' });
    expect(error.apiMessage).toContain('cannot patch resource');

    await fake.close();
    const unreachable = (await runtimeFor().ps('shop').catch((e: unknown) => e)) as KubernetesApiError;
    expect(isKubernetesApiError(unreachable)).toBe(true);
    expect(unreachable.statusCode).toBe(0);
    fake = await startFakeApi(); // for afterEach
  });

  it('says what it cannot do: capabilities, and per-container lifecycle and networks throw UnsupportedOperationError', async () => {
    const runtime = runtimeFor();
    // operations (the field:NAME claims are held to the converter by test/fields.test.ts)
    expect([...runtime.capabilities].filter((c) => !c.startsWith('field:')).sort()).toEqual(['exec', 'exec.output', 'health', 'logs', 'ports', 'replicas', 'restart-policy', 'secrets', 'volumes']);
    expect(runtime.capabilities.has('field:ulimits')).toBe(false);
    expect(runtime.capabilities.has('field:cap_add')).toBe(true);
    for (const call of [
      () => runtime.startContainer('shop/api-0'),
      () => runtime.stopContainer('shop/api-0', { timeoutMs: 1 }),
      () => runtime.removeContainer('shop/api-0'),
      () => runtime.ensureNetwork({ project: 'shop', name: 'n', runtimeName: 'shop_n', spec: { driver: 'bridge', driver_opts: {}, labels: {}, external: false } }),
    ]) {
      const error = await call().catch((e: unknown) => e);
      expect(isUnsupportedOperationError(error)).toBe(true);
    }
    const follow = await (async () => { for await (const _ of runtime.logs('shop/api-0', { follow: true })) break; })().catch((e: unknown) => e);
    expect(isUnsupportedOperationError(follow)).toBe(true);
    expect(await runtime.listNetworks('shop')).toEqual([]);
  });

  it('volumes through the port: ensureVolume applies a claim once, listVolumes finds it by label, removeVolume deletes it', async () => {
    const runtime = runtimeFor();
    const request = { project: 'shop', name: 'cache_data', runtimeName: 'shop_cache_data', spec: { driver: 'local', driver_opts: {}, labels: {}, external: false } };
    expect((await runtime.ensureVolume(request)).created).toBe(true);
    expect((await runtime.ensureVolume(request)).created).toBe(false);
    expect((await runtime.listVolumes('shop')).map((v) => [v.name, v.runtimeName])).toEqual([['cache_data', 'cache-data']]);
    await runtime.removeVolume('shop', 'cache-data');
    expect(await runtime.listVolumes('shop')).toEqual([]);
  });
});
