import http from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LABEL_PROJECT, LABEL_SERVICE, Project, type NetworkRequest } from '@selur/compose';
import { dockerRuntime } from './docker-runtime.js';
import { LABEL_HOOKS } from './hooks.js';
import { LABEL_STOP_SIGNAL } from './stop-signal.js';
import type { DockerRuntime } from './options.js';

/**
 * The requests `down` sends, against a fake engine on a unix socket that knows two containers
 * (`plain`, and `hooked` with a pre_stop hook, not running so that the hook is skipped) and one
 * network of project `shop`. Each request is answered at once: nothing loops. The listing says
 * `plain` runs (a `down` stops it), the inspections that neither does.
 */
let dir: string;
let server: http.Server;
let runtime: DockerRuntime;
let requests: string[];
/** Network ids the engine no longer has (DELETE answers 404). */
let goneNetworks: Set<string>;
/**
 * When set, the container listing is answered only once the networks were asked for (or after
 * two seconds at most, so that a client that asks for them later still ends).
 */
let holdListingForNetworks: boolean;
let networksAsked: () => void;
let networksAskedFor: Promise<void>;
/**
 * When set, a container's removal is answered only once the network's removal was asked for (or
 * after two seconds at most, so that a client that asks for it after the removals still ends).
 */
let holdRemovalsForNetwork: boolean;
/** When set, a network's removal is refused (409, in use) until every container was removed. */
let busyNetworkUntilRemoved: boolean;
let removedContainers: number;
/** How many container removals had been answered when the network's removal was first asked for. */
let removedWhenNetworkAsked: number | undefined;
let networkRemovalAsked: () => void;
let networkRemovalAskedFor: Promise<void>;

const inspect = (id: string, labels: Record<string, string>) => ({
  Id: id,
  Name: `/shop_${id}_1`,
  Config: { StopSignal: 'SIGTERM', Labels: labels },
  State: { Running: false, Status: 'exited' },
});
const HOOKED_LABELS = { [LABEL_PROJECT]: 'shop', [LABEL_HOOKS]: JSON.stringify({ post_start: [], pre_stop: [{ command: ['true'] }] }) };
const CONTAINERS: Record<string, object> = {
  plain: inspect('plain', { [LABEL_PROJECT]: 'shop' }),
  hooked: inspect('hooked', HOOKED_LABELS),
  labelled: inspect('labelled', { [LABEL_PROJECT]: 'shop', [LABEL_STOP_SIGNAL]: 'SIGTERM' }),
};
const SUMMARIES = [
  { Id: 'plain', Names: ['/shop_plain_1'], Image: 'busybox', Labels: { [LABEL_PROJECT]: 'shop', [LABEL_SERVICE]: 'plain' }, State: 'running', Status: 'Up 3 seconds (healthy)' },
  { Id: 'hooked', Names: ['/shop_hooked_1'], Image: 'busybox', Labels: { ...HOOKED_LABELS, [LABEL_SERVICE]: 'hooked' }, State: 'exited', Status: 'Exited (0) 2 seconds ago' },
  { Id: 'labelled', Names: ['/shop_labelled_1'], Image: 'busybox', Labels: { [LABEL_PROJECT]: 'shop', [LABEL_SERVICE]: 'labelled', [LABEL_STOP_SIGNAL]: 'SIGTERM' }, State: 'running', Status: 'Up 3 seconds' },
];
const NETWORK = { Id: 'net1', Name: 'shop_default', Labels: { [LABEL_PROJECT]: 'shop', 'io.selur.compose.network': 'default' } };

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'selur-down-requests-'));
  requests = [];
  goneNetworks = new Set();
  holdListingForNetworks = false;
  networksAskedFor = new Promise((resolve) => (networksAsked = resolve));
  holdRemovalsForNetwork = false;
  busyNetworkUntilRemoved = false;
  removedContainers = 0;
  removedWhenNetworkAsked = undefined;
  networkRemovalAskedFor = new Promise((resolve) => (networkRemovalAsked = resolve));
  server = http.createServer(async (req, res) => {
    const path = (req.url ?? '').replace(/^\/v1\.41/, '').split('?')[0] as string;
    requests.push(`${req.method} ${path}`);
    const send = (status: number, body?: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json', 'api-version': '1.41' });
      res.end(body === undefined ? undefined : JSON.stringify(body));
    };
    const container = /^\/containers\/([^/]+)\/(json|stop)$/.exec(path);
    if (path === '/_ping') return send(200, 'OK');
    if (path === '/networks' && req.method === 'GET') networksAsked();
    if (path === '/containers/json' && req.method === 'GET') {
      if (holdListingForNetworks) await Promise.race([networksAskedFor, new Promise((resolve) => setTimeout(resolve, 2_000))]);
      return send(200, SUMMARIES);
    }
    if (path.startsWith('/networks/') && req.method === 'DELETE') {
      removedWhenNetworkAsked ??= removedContainers;
      networkRemovalAsked();
    }
    if (/^\/containers\/[^/]+$/.test(path) && req.method === 'DELETE') {
      if (holdRemovalsForNetwork) await Promise.race([networkRemovalAskedFor, new Promise((resolve) => setTimeout(resolve, 2_000))]);
      removedContainers++;
      return send(204);
    }
    if (container && container[2] === 'json') return CONTAINERS[container[1] as string] ? send(200, CONTAINERS[container[1] as string]) : send(404, { message: 'no such container' });
    if (container && container[2] === 'stop') return send(204);
    if (path === '/networks' && req.method === 'GET') return send(200, [NETWORK]);
    if (path === '/networks/shop_default' && req.method === 'GET') return send(200, NETWORK);
    if (path === '/networks/create' && req.method === 'POST') return send(201, { Id: 'net2', Warning: '' });
    if (path === '/networks/shop_side' && req.method === 'GET') return send(404, { message: 'no such network' });
    if (path.startsWith('/networks/') && req.method === 'DELETE' && busyNetworkUntilRemoved && removedContainers < 3) return send(409, { message: 'error while removing network: network shop_default has active endpoints' });
    if (path.startsWith('/networks/') && req.method === 'DELETE') return goneNetworks.has(path.slice('/networks/'.length)) ? send(404, { message: 'no such network' }) : send(204);
    return send(500, { message: `unexpected ${req.method} ${path}` });
  });
  await new Promise<void>((resolve) => server.listen(join(dir, 'engine.sock'), resolve));
  runtime = dockerRuntime({ host: `unix://${join(dir, 'engine.sock')}` });
});

afterEach(async () => {
  await runtime.close?.();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await rm(dir, { recursive: true, force: true });
});

describe('what a stop asks the engine', () => {
  it('inspects a container once for its stop signal and hooks; a container without pre_stop hooks is then stopped without another inspection', async () => {
    await runtime.stopContainer('plain', { timeoutMs: 1000 });
    await runtime.stopContainer('plain', { timeoutMs: 1000 });
    expect(requests.filter((r) => r !== 'GET /_ping')).toEqual(['GET /containers/plain/json', 'POST /containers/plain/stop', 'POST /containers/plain/stop']);
  });

  it('reads the state of a container with pre_stop hooks afresh before each stop (hooks run only while it runs)', async () => {
    await runtime.inspectContainer('hooked').catch(() => undefined); // records what the create fixed (the mapping may refuse this sparse answer)
    requests = [];
    await runtime.stopContainer('hooked', { timeoutMs: 1000 });
    expect(requests).toEqual(['GET /containers/hooked/json', 'POST /containers/hooked/stop']);
  });

  it('says a container that is gone is not found', async () => {
    await expect(runtime.stopContainer('ghost', { timeoutMs: 1000 })).rejects.toMatchObject({ code: 'E_CONTAINER_NOT_FOUND' });
  });
});

describe('what a network removal asks the engine', () => {
  it('deletes a network the listing just gave by its id, without inspecting its name', async () => {
    expect((await runtime.listNetworks('shop')).map((n) => n.runtimeName)).toEqual(['shop_default']);
    requests = [];
    await runtime.removeNetwork('shop', 'shop_default');
    expect(requests).toEqual(['DELETE /networks/net1']);
  });

  it('looks the name up as before when the listed id is gone, and without a listing', async () => {
    await runtime.listNetworks('shop');
    goneNetworks.add('net1');
    requests = [];
    await runtime.removeNetwork('shop', 'shop_default');
    expect(requests).toEqual(['DELETE /networks/net1', 'GET /networks/shop_default', 'DELETE /networks/net1']);
    goneNetworks.clear();
    requests = [];
    await runtime.removeNetwork('shop', 'shop_default'); // the listing's entry was taken
    expect(requests).toEqual(['GET /networks/shop_default', 'DELETE /networks/net1']);
  });
});

describe('what a network creation asks the engine', () => {
  const request = (name: string) => ({ project: 'shop', name, runtimeName: `shop_${name}`, spec: { driver: '', labels: {}, external: false } }) as unknown as NetworkRequest;

  it('creates a network the listing of its project did not give at once (no lookup before nor after)', async () => {
    await runtime.listNetworks('shop');
    requests = [];
    const { info, created } = await runtime.ensureNetwork(request('side'));
    expect(requests).toEqual(['POST /networks/create']);
    expect(created).toBe(true);
    expect(info).toMatchObject({ id: 'net2', name: 'side', runtimeName: 'shop_side', project: 'shop', labels: { [LABEL_PROJECT]: 'shop', 'io.selur.compose.network': 'side' } });
  });

  it('looks a listed network up (it is there), and looks first without a listing', async () => {
    await runtime.listNetworks('shop');
    requests = [];
    expect((await runtime.ensureNetwork(request('default'))).created).toBe(false);
    expect(requests).toEqual(['GET /networks/shop_default']);
    const fresh = dockerRuntime({ host: `unix://${join(dir, 'engine.sock')}` });
    try {
      requests = [];
      expect((await fresh.ensureNetwork(request('side'))).created).toBe(true);
      expect(requests.filter((r) => r !== 'GET /_ping')).toEqual(['GET /networks/shop_side', 'POST /networks/create']);
    } finally {
      await fresh.close?.();
    }
  });
});

describe('what a down asks the engine', () => {
  it('stops and removes what one listing gave; a running container is inspected once, right before its stop (its pid, to see its end before the engine answers)', async () => {
    await new Project('shop').down({ runtime });
    const sent = requests.filter((r) => r !== 'GET /_ping');
    expect([...sent].sort()).toEqual([
      'DELETE /containers/hooked', 'DELETE /containers/labelled', 'DELETE /containers/plain', 'DELETE /networks/net1', 'GET /containers/json', 'GET /containers/labelled/json', 'GET /containers/plain/json', 'GET /networks', 'POST /containers/labelled/stop', 'POST /containers/plain/stop',
    ]);
    for (const id of ['labelled', 'plain']) expect(sent.indexOf(`GET /containers/${id}/json`)).toBeLessThan(sent.indexOf(`POST /containers/${id}/stop`));
  });

  it('lists the networks beside the containers, not once they are removed: the last removal is followed by the network\'s at once', async () => {
    holdListingForNetworks = true;
    await new Project('shop').down({ runtime });
    const sent = requests.filter((r) => r !== 'GET /_ping');
    expect(sent.slice(0, 2).sort()).toEqual(['GET /containers/json', 'GET /networks']);
    expect(sent.at(-1)).toBe('DELETE /networks/net1');
    expect(sent.filter((r) => r === 'GET /networks')).toHaveLength(1);
  });

  it('removes the network once every container has stopped, beside the containers\' removals: the last stop is followed by the network\'s removal at once', async () => {
    holdRemovalsForNetwork = true;
    const events: string[] = [];
    const result = await new Project('shop').down({ runtime, onEvent: (e) => void events.push(e.type) });
    expect(removedWhenNetworkAsked).toBe(0); // asked for while every container's removal was still held
    const sent = requests.filter((r) => r !== 'GET /_ping');
    expect(sent.filter((r) => r === 'DELETE /networks/net1')).toHaveLength(1);
    expect(result).toEqual({ removedContainers: 3, removedNetworks: 1, removedVolumes: 0 });
    expect(events.at(-1)).toBe('down.done');
  });

  it('tries a network that was still in use when the containers had stopped once more after their removals', async () => {
    holdRemovalsForNetwork = true;
    busyNetworkUntilRemoved = true; // a runtime that wants the containers gone first
    const result = await new Project('shop').down({ runtime });
    // refused while the removals were held, then looked up by name and removed once they were done
    expect(requests.filter((r) => r.startsWith('DELETE /networks/') || r === 'GET /networks/shop_default')).toEqual(['DELETE /networks/net1', 'GET /networks/shop_default', 'DELETE /networks/net1']);
    expect(result).toMatchObject({ removedContainers: 3, removedNetworks: 1 });
  });

  it('a brief listing tells the pre_stop hooks (read from the labels): a container without them is stopped at once, one with them is read afresh first', async () => {
    const listed = await runtime.listContainers('shop', { all: true, brief: true });
    expect(listed.map((c) => [c.service, c.state, c.health])).toEqual([['hooked', 'exited', 'none'], ['labelled', 'running', 'none'], ['plain', 'running', 'healthy']]);
    requests = [];
    await runtime.stopContainer('plain', { timeoutMs: 1000 });
    await runtime.stopContainer('hooked', { timeoutMs: 1000 });
    expect(requests).toEqual(['POST /containers/plain/stop', 'GET /containers/hooked/json', 'POST /containers/hooked/stop']);
  });

  it('inspects a briefly listed container once when a stop names a signal (its own stop signal is in its config only)', async () => {
    await runtime.listContainers('shop', { all: true, brief: true });
    requests = [];
    await runtime.stopContainer('plain', { timeoutMs: 1000, signal: 'SIGTERM' });
    await runtime.stopContainer('plain', { timeoutMs: 1000, signal: 'SIGTERM' });
    expect(requests).toEqual(['GET /containers/plain/json', 'POST /containers/plain/stop', 'POST /containers/plain/stop']);
  });

  it('takes the stop signal of a briefly listed container from its stop-signal label: a stop naming it sends no inspection', async () => {
    await runtime.listContainers('shop', { all: true, brief: true });
    requests = [];
    await runtime.stopContainer('labelled', { timeoutMs: 1000, signal: 'SIGTERM' });
    expect(requests).toEqual(['POST /containers/labelled/stop']);
  });
});
