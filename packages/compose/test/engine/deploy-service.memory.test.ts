import { describe, expect, test } from 'vitest';
import { isServiceStartError, LABEL_CONFIG_HASH, LABEL_PROJECT, LABEL_REPLICA, LABEL_SERVICE, Project, type ContainerInfo, type ContainerRequest, type ServiceRequest } from '@selur/compose';
import { MemoryRuntime } from '../support/memory-runtime.js';
import { FAST, recorder, rejection } from './helpers.js';

/**
 * A runtime whose scheduler owns the replicas (as Swarm does): it implements the port's optional
 * `deployService`, here over the memory runtime's containers (a changed config replaces them
 * all, a count alone adds or removes the last ones), and records what it is asked.
 */
class ServiceRuntime extends MemoryRuntime {
  readonly deploys: ServiceRequest[] = [];
  readonly failing = new Set<string>();
  /** Services whose replicas it reports healthy (as Swarm's deploy does once they are). */
  readonly reportsHealthy = new Set<string>();

  async deployService(request: ServiceRequest): Promise<readonly ContainerInfo[]> {
    this.deploys.push(request);
    const mine = () => this.all().filter((c) => c.project === request.project && c.service === request.service);
    for (const c of mine()) if (c.configHash !== request.configHash || c.replica > request.replicas) await this.removeContainer(c.id, { force: true });
    for (let replica = 1; replica <= request.replicas; replica++) {
      if (mine().some((c) => c.replica === replica)) continue;
      const replicaRequest: ContainerRequest = { ...request, replica, name: `${request.name}.${replica}`, labels: { ...request.labels, [LABEL_REPLICA]: String(replica) } };
      await this.startContainer((await this.createContainer(replicaRequest)).id);
    }
    if (this.failing.has(request.service)) throw new Error(`${request.service}: task: non-zero exit (3)`);
    const infos = mine().sort((a, b) => a.replica - b.replica);
    return this.reportsHealthy.has(request.service) ? infos.map((c) => ({ ...c, health: 'healthy' as const })) : infos;
  }
}

const shop = (apiEnv = 'one', name?: string) =>
  new Project(name)
    .service('db', { command: ['db'] })
    .service('api', { command: ['api'], environment: { MODE: apiEnv }, deploy: { replicas: 2 }, depends_on: ['db'] });

describe('the engine on a runtime that deploys whole services (deployService)', () => {
  test('hands each changed service over whole, in dependency order, with its replica count and the labels of every runtime', async () => {
    const runtime = new ServiceRuntime();
    const rec = recorder();
    const project = shop();
    const stack = await project.up({ ...FAST, runtime, onEvent: rec.onEvent });
    expect(runtime.deploys.map((d) => [d.service, d.replicas, d.name])).toEqual([['db', 1, `${project.name}_db`], ['api', 2, `${project.name}_api`]]);
    const api = runtime.deploys[1] as ServiceRequest;
    expect(api.labels).toMatchObject({ [LABEL_PROJECT]: project.name, [LABEL_SERVICE]: 'api', [LABEL_CONFIG_HASH]: api.configHash });
    expect(api.labels[LABEL_REPLICA]).toBeUndefined();
    expect(api.environment).toEqual({ MODE: 'one' });
    expect(rec.types((e) => e.type === 'service.started').sort()).toEqual(['service.started:api', 'service.started:api', 'service.started:db']);
    expect((await stack.ps()).map((c) => [c.service, c.replica, c.state]).sort()).toEqual([['api', 1, 'running'], ['api', 2, 'running'], ['db', 1, 'running']]);
    await stack.down();
    expect(runtime.all()).toEqual([]);
  });

  test('a second up hands nothing over; a changed service and a scale hand over that service alone', async () => {
    const runtime = new ServiceRuntime();
    const project = shop();
    await project.up({ ...FAST, runtime });
    runtime.deploys.length = 0;
    await project.up({ ...FAST, runtime });
    expect(runtime.deploys).toEqual([]);
    const stack = await shop('two', project.name).up({ ...FAST, runtime });
    expect(runtime.deploys.map((d) => [d.service, d.environment['MODE']])).toEqual([['api', 'two']]);
    runtime.deploys.length = 0;
    await stack.scale('api', 3);
    expect(runtime.deploys.map((d) => [d.service, d.replicas])).toEqual([['api', 3]]);
    expect((await stack.ps()).filter((c) => c.service === 'api').map((c) => c.replica)).toEqual([1, 2, 3]);
    await stack.down();
  });

  test('a failed deploy fails up with ServiceStartError carrying the runtime\'s error; a service the run created is removed', async () => {
    const runtime = new ServiceRuntime();
    runtime.failing.add('api');
    const error = await rejection(shop().up({ ...FAST, runtime }));
    expect(isServiceStartError(error)).toBe(true);
    expect(String(error)).toContain('task: non-zero exit (3)');
    expect((error as Error).cause).toBeInstanceOf(Error);
    expect(runtime.all()).toEqual([]); // api, and db which the run created too
  });

  test('a replica the runtime reports healthy after its deploy is not probed again; one still starting is', async () => {
    const runtime = new ServiceRuntime();
    runtime.reportsHealthy.add('db');
    const project = new Project()
      .service('db', { command: ['db'], healthcheck: { test: 'true', interval: '1s', retries: 3 } })
      .service('api', { command: ['api'], healthcheck: { test: 'true', interval: '1s', retries: 3 }, depends_on: { db: { condition: 'service_healthy' } } });
    const rec = recorder();
    const stack = await project.up({ ...FAST, runtime, onEvent: rec.onEvent });
    const probed = (service: string) => runtime.calls.filter((c) => c.op === 'probeHealth' && runtime.all().some((r) => r.id === c.target && r.service === service)).length;
    expect(probed('db')).toBe(0);
    expect(probed('api')).toBeGreaterThan(0);
    // healthy all the same: the dependant waited for it, and the event says so
    expect(rec.types((e) => e.type === 'service.healthy').sort()).toEqual(['service.healthy:api', 'service.healthy:db']);
    await stack.down();
  });
});
