// An in-process stand-in for the Kubernetes API server, on 127.0.0.1, answering the calls the
// runtime makes with the shapes the API reference documents (API concepts, server-side apply,
// Status, list and delete options): discovery (APIResourceList), server-side apply (PATCH with
// `application/apply-patch+yaml`, `fieldManager`, `force`; 201 on create, 200 on update),
// get, list with `labelSelector` / `fieldSelector` (equality), delete with `propagationPolicy`
// (dependents go unless Orphan), pod log (text/plain, RFC 3339 timestamps with `timestamps=true`)
// exec over a WebSocket (`v4.channel.k8s.io`: one channel byte per frame, 1 stdout, 2 stderr,
// 3 the final Status, `NonZeroExitCode` with an `ExitCode` cause) and Status errors
// (`kind: Status`, `reason`, `code`). A tiny "controller" fills in workload
// status and pods as each service's scripted behaviour says.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';

type Obj = { apiVersion: string; kind: string; metadata: Record<string, unknown> & { name: string; namespace?: string; labels?: Record<string, string> }; spec?: Record<string, unknown>; status?: Record<string, unknown>; [k: string]: unknown };

const RESOURCES: Record<string, readonly (readonly [plural: string, kind: string, namespaced: boolean])[]> = {
  v1: [['namespaces', 'Namespace', false], ['pods', 'Pod', true], ['services', 'Service', true], ['secrets', 'Secret', true], ['configmaps', 'ConfigMap', true],
    ['persistentvolumeclaims', 'PersistentVolumeClaim', true], ['serviceaccounts', 'ServiceAccount', true], ['events', 'Event', true]],
  'apps/v1': [['deployments', 'Deployment', true], ['statefulsets', 'StatefulSet', true]],
  'batch/v1': [['jobs', 'Job', true]],
  'rbac.authorization.k8s.io/v1': [['roles', 'Role', true], ['rolebindings', 'RoleBinding', true]],
};

/** How the fake controller treats a service's workload. */
export type Behaviour = 'ready' | 'stuck' | 'fail';

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly contentType: string | undefined;
  readonly body: unknown;
}

export interface FakeApi {
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Every stored object, keyed `apiVersion/Kind/namespace/name`. */
  readonly objects: Map<string, Obj>;
  behaviour: Record<string, Behaviour>;
  /** What an exec runs: given the command and container, its output and exit code. */
  exec: (command: readonly string[], container: string) => { stdout: string; stderr: string; exitCode: number };
  /** Answer the next request matching (method, path prefix) with this Status. */
  failNext(method: string, pathPrefix: string, code: number, reason: string, message: string): void;
  put(object: Obj): void;
  kubeconfig(): string;
  close(): Promise<void>;
}

function status(code: number, reason: string, message: string, details?: Record<string, unknown>) {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: code < 400 ? 'Success' : 'Failure', message, reason, code, ...(details ? { details } : {}) };
}

function matches(labels: Record<string, string> | undefined, selector: string | null): boolean {
  if (!selector) return true;
  return selector.split(',').every((term) => {
    const [k, v] = term.split('=') as [string, string];
    return labels?.[k] === v;
  });
}

function fieldMatches(object: Obj, selector: string | null): boolean {
  if (!selector) return true;
  return selector.split(',').every((term) => {
    const [path, value] = term.split('=') as [string, string];
    let current: unknown = object;
    for (const part of path.split('.')) current = current !== null && typeof current === 'object' ? (current as Record<string, unknown>)[part] : undefined;
    return current === value;
  });
}

export async function startFakeApi(): Promise<FakeApi> {
  const objects = new Map<string, Obj>();
  const requests: RecordedRequest[] = [];
  const failures: { method: string; prefix: string; code: number; reason: string; message: string }[] = [];
  let version = 1;
  const keyOf = (apiVersion: string, kind: string, namespace: string | undefined, name: string) => `${apiVersion}/${kind}/${namespace ?? ''}/${name}`;

  const api: FakeApi = {
    url: '',
    requests,
    objects,
    behaviour: {},
    exec: (command) => ({ stdout: `ran ${command.join(' ')}\n`, stderr: '', exitCode: 0 }),
    failNext: (method, prefix, code, reason, message) => void failures.push({ method, prefix, code, reason, message }),
    put: (object) => void objects.set(keyOf(object.apiVersion, object.kind, object.metadata.namespace, object.metadata.name), object),
    kubeconfig: () => '',
    close: async () => undefined,
  };

  const service = (o: Obj) => o.metadata.labels?.['io.selur.compose.service'] ?? o.metadata.name;

  /** The "controllers": status and pods of a workload as its behaviour says. */
  function reconcile(o: Obj): void {
    if (!['Deployment', 'StatefulSet', 'Job'].includes(o.kind)) return;
    const behaviour = api.behaviour[service(o)] ?? 'ready';
    const replicas = o.kind === 'Job' ? Number(o.spec?.['completions'] ?? 1) : Number(o.spec?.['replicas'] ?? 1);
    const generation = Number(o.metadata['generation'] ?? 1);
    const ready = behaviour === 'ready' ? replicas : 0;
    if (o.kind === 'Job') {
      o.status = behaviour === 'ready'
        ? { succeeded: replicas, conditions: [{ type: 'Complete', status: 'True' }] }
        : behaviour === 'fail' ? { failed: 1, conditions: [{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' }] } : { active: 1 };
    } else if (o.kind === 'StatefulSet') {
      o.status = { observedGeneration: generation, replicas, readyReplicas: ready, updatedReplicas: replicas, currentReplicas: replicas };
    } else {
      o.status = {
        observedGeneration: generation, replicas, updatedReplicas: replicas, availableReplicas: ready, readyReplicas: ready,
        conditions: behaviour === 'fail' ? [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: `ReplicaSet "${o.metadata.name}-5d9f" has timed out progressing.` }] : [],
      };
    }
    const template = o.spec?.['template'] as { metadata?: { labels?: Record<string, string> }; spec?: Record<string, unknown> } | undefined;
    const namespace = o.metadata.namespace ?? '';
    for (let i = 0; i < replicas; i++) {
      const name = o.kind === 'StatefulSet' ? `${o.metadata.name}-${i}` : `${o.metadata.name}-7c9d${i}`;
      const podKey = keyOf('v1', 'Pod', namespace, name);
      const crashing = behaviour !== 'ready';
      objects.set(podKey, {
        apiVersion: 'v1', kind: 'Pod',
        metadata: { name, namespace, uid: randomUUID(), labels: { ...template?.metadata?.labels }, creationTimestamp: '2026-01-01T00:00:00Z', ownerReferences: [{ apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name, uid: String(o.metadata['uid']), controller: true }] },
        spec: structuredClone(template?.spec ?? {}),
        status: {
          phase: o.kind === 'Job' && behaviour === 'ready' ? 'Succeeded' : 'Running', hostIP: '10.0.0.5',
          conditions: [{ type: 'Ready', status: crashing ? 'False' : 'True', ...(crashing ? { reason: 'ContainersNotReady', message: `containers with unready status: [${service(o)}]` } : {}) }],
          containerStatuses: [{
            name: service(o), ready: !crashing, restartCount: crashing ? 4 : 0, image: 'x', imageID: 'x',
            state: o.kind === 'Job' && behaviour === 'ready' ? { terminated: { exitCode: 0, startedAt: '2026-01-01T00:00:01Z' } } : crashing ? { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s restarting failed container' } } : { running: { startedAt: '2026-01-01T00:00:01Z' } },
          }],
        },
      });
      if (crashing) {
        const eventName = `${name}.17a`;
        objects.set(keyOf('v1', 'Event', namespace, eventName), {
          apiVersion: 'v1', kind: 'Event', metadata: { name: eventName, namespace },
          involvedObject: { kind: 'Pod', name, namespace }, type: 'Warning', reason: 'BackOff', message: `Back-off restarting failed container ${service(o)} in pod ${name}`,
        });
      }
    }
  }

  function removeDependents(owner: Obj): void {
    for (const [k, o] of objects) {
      const refs = (o.metadata['ownerReferences'] ?? []) as { name: string; kind: string }[];
      if (refs.some((r) => r.kind === owner.kind && r.name === owner.metadata.name) && o.metadata.namespace === owner.metadata.namespace) objects.delete(k);
    }
  }

  function send(res: ServerResponse, code: number, body: unknown, type = 'application/json'): void {
    res.writeHead(code, { 'content-type': type });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      body = text;
    }
    const method = req.method ?? 'GET';
    requests.push({ method, path: url.pathname, query: url.searchParams, contentType: req.headers['content-type'], body });
    if (req.headers.authorization !== 'Bearer fake-token') return send(res, 401, status(401, 'Unauthorized', 'Unauthorized'));
    const failure = failures.findIndex((f) => f.method === method && url.pathname.startsWith(f.prefix));
    if (failure !== -1) {
      const f = failures.splice(failure, 1)[0] as (typeof failures)[number];
      return send(res, f.code, status(f.code, f.reason, f.message));
    }

    // discovery
    const parts = url.pathname.split('/').filter(Boolean);
    const groupVersion = parts[0] === 'api' ? parts[1] : `${parts[1]}/${parts[2]}`;
    const rest = parts[0] === 'api' ? parts.slice(2) : parts.slice(3);
    const resources = groupVersion ? RESOURCES[groupVersion] : undefined;
    if (!resources) return send(res, 404, status(404, 'NotFound', 'the server could not find the requested resource'));
    if (rest.length === 0 && method === 'GET') {
      return send(res, 200, {
        kind: 'APIResourceList', apiVersion: 'v1', groupVersion,
        resources: resources.map(([name, kind, namespaced]) => ({ name, singularName: kind.toLowerCase(), namespaced, kind, verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'] })),
      });
    }
    let namespace: string | undefined;
    let path = rest;
    if (path[0] === 'namespaces' && path.length >= 3) {
      namespace = path[1];
      path = path.slice(2);
    }
    const [plural, name, sub] = path as [string, string | undefined, string | undefined];
    const resource = resources.find(([p]) => p === plural);
    if (!resource) return send(res, 404, status(404, 'NotFound', 'the server could not find the requested resource'));
    const kind = resource[1];
    const group = groupVersion?.includes('/') ? groupVersion.split('/')[0] : '';
    const notFound = () => send(res, 404, status(404, 'NotFound', `${plural}${group ? `.${group}` : ''} "${name}" not found`, { name, group, kind: plural }));

    if (name === undefined && method === 'GET') {
      const items = [...objects.values()].filter((o) => o.apiVersion === groupVersion && o.kind === kind && (namespace === undefined || o.metadata.namespace === namespace)
        && matches(o.metadata.labels, url.searchParams.get('labelSelector')) && fieldMatches(o, url.searchParams.get('fieldSelector')));
      for (const o of items) reconcile(o);
      return send(res, 200, { kind: `${kind}List`, apiVersion: groupVersion, metadata: { resourceVersion: String(version) }, items });
    }
    if (name === undefined) return send(res, 405, status(405, 'MethodNotAllowed', 'method not allowed'));
    const k = keyOf(groupVersion as string, kind, namespace, name);
    const existing = objects.get(k);

    if (sub === 'log' && method === 'GET') {
      if (!existing) return notFound();
      const container = url.searchParams.get('container') ?? '';
      let lines = [`2026-01-01T00:00:01.000000000Z ${container} starting`, `2026-01-01T00:00:02.000000000Z ${container} listening on :80`, `2026-01-01T00:00:03.000000000Z ${container} ready`];
      const tail = url.searchParams.get('tailLines');
      if (tail !== null) lines = lines.slice(-Number(tail));
      return send(res, 200, `${lines.join('\n')}\n`, 'text/plain');
    }
    if (method === 'GET') {
      if (!existing) return notFound();
      reconcile(existing);
      return send(res, 200, existing);
    }
    if (method === 'PATCH') {
      if (req.headers['content-type'] !== 'application/apply-patch+yaml') return send(res, 415, status(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/apply-patch+yaml`));
      const manager = url.searchParams.get('fieldManager');
      if (!manager) return send(res, 422, status(422, 'Invalid', 'fieldManager: Required value: is required for apply patch'));
      const applied = body as Obj;
      if (applied.kind !== kind || applied.metadata?.name !== name) return send(res, 400, status(400, 'BadRequest', 'the name of the object does not match the name on the URL'));
      if (existing && kind === 'Job' && JSON.stringify((existing.spec as { template?: unknown }).template) !== JSON.stringify(applied.spec?.['template']))
        return send(res, 422, status(422, 'Invalid', `Job.batch "${name}" is invalid: spec.template: Invalid value: ...: field is immutable`));
      version++;
      const generation = existing ? Number(existing.metadata['generation'] ?? 1) + (JSON.stringify(existing.spec) === JSON.stringify(applied.spec) ? 0 : 1) : 1;
      const stored: Obj = {
        ...structuredClone(applied),
        metadata: {
          ...structuredClone(applied.metadata), namespace,
          uid: existing?.metadata['uid'] ?? randomUUID(), resourceVersion: String(version), generation, creationTimestamp: existing?.metadata['creationTimestamp'] ?? '2026-01-01T00:00:00Z',
          managedFields: [{ manager, operation: 'Apply', apiVersion: groupVersion, time: '2026-01-01T00:00:00Z', fieldsType: 'FieldsV1', fieldsV1: {} }],
        },
      };
      objects.set(k, stored);
      return send(res, existing ? 200 : 201, stored);
    }
    if (method === 'DELETE') {
      if (!existing) return notFound();
      objects.delete(k);
      if ((url.searchParams.get('propagationPolicy') ?? (kind === 'Job' ? 'Orphan' : 'Background')) !== 'Orphan') removeDependents(existing);
      return send(res, 200, status(200, '', '', { name, group, kind: plural, uid: existing.metadata['uid'] }));
    }
    return send(res, 405, status(405, 'MethodNotAllowed', 'method not allowed'));
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => send(res, 500, status(500, 'InternalError', String(error))));
  });
  const sockets = new WebSocketServer({ noServer: true, handleProtocols: (protocols) => (protocols.has('v4.channel.k8s.io') ? 'v4.channel.k8s.io' : false) });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const match = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/exec$/.exec(url.pathname);
    requests.push({ method: 'GET', path: url.pathname, query: url.searchParams, contentType: undefined, body: undefined });
    if (!match || req.headers.authorization !== 'Bearer fake-token' || !objects.has(keyOf('v1', 'Pod', match[1], match[2] as string))) {
      socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
      return;
    }
    sockets.handleUpgrade(req, socket, head, (ws) => {
      const result = api.exec(url.searchParams.getAll('command'), url.searchParams.get('container') ?? '');
      const frame = (channel: number, text: string) => Buffer.concat([Buffer.from([channel]), Buffer.from(text)]);
      if (result.stdout) ws.send(frame(1, result.stdout));
      if (result.stderr) ws.send(frame(2, result.stderr));
      const final = result.exitCode === 0
        ? { metadata: {}, status: 'Success' }
        : { metadata: {}, status: 'Failure', message: `command terminated with non-zero exit code: error executing command [${url.searchParams.getAll('command').join(' ')}], exit code ${result.exitCode}`, reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: String(result.exitCode) }] } };
      ws.send(frame(3, JSON.stringify(final)));
      ws.close();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return Object.assign(api, {
    url,
    kubeconfig: () => [
      'apiVersion: v1', 'kind: Config', 'current-context: fake',
      'clusters:', '- name: fake', '  cluster:', `    server: ${url}`, '    insecure-skip-tls-verify: true', // plain HTTP on 127.0.0.1: client-node refuses http otherwise
      'users:', '- name: tester', '  user:', '    token: fake-token',
      'contexts:', '- name: fake', '  context:', '    cluster: fake', '    user: tester', '',
    ].join('\n'),
    close: () => new Promise<void>((resolve) => { for (const c of sockets.clients) c.terminate(); sockets.close(); server.closeAllConnections(); server.close(() => resolve()); }),
  });
}
