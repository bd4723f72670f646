import { describe, expect, test } from 'vitest';
import { Project, Wait, planToString, isPlanChangesError, LABEL_CONFIG_HASH } from '@selur/compose';
import { FAST, memory, recorder } from './helpers.js';

function shop(name?: string): Project {
  return new Project(name)
    .service('db', { command: ['db'], healthcheck: { test: 'true', interval: '1s' } })
    .service('cache', { command: ['cache'] })
    .service('api', { command: ['api'], ports: ['0:8080'], environment: { API_URL: 'http://x' }, depends_on: { db: { condition: 'service_healthy' }, cache: { condition: 'service_started' } } })
    .service('web', { command: ['web'], depends_on: ['api'] });
}

describe('up on the memory runtime', () => {
  test('starts every service, each after its own dependencies, and returns a stack', async () => {
    const runtime = memory({ db: { healthyAfterProbes: 3 } });
    const rec = recorder();
    const project = shop();
    const stack = await project.up({ ...FAST, runtime, onEvent: rec.onEvent });
    const started = rec.types((e) => e.type === 'service.started');
    expect(started.sort()).toEqual(['service.started:api', 'service.started:cache', 'service.started:db', 'service.started:web']);
    const at = (t: string) => rec.types().indexOf(t);
    expect(at('service.healthy:db')).toBeLessThan(at('service.starting:api'));
    expect(at('service.started:cache')).toBeLessThan(at('service.starting:api'));
    expect(at('service.started:api')).toBeLessThan(at('service.starting:web'));
    // Containers are created up front (as Compose does); only starting waits for dependencies.
    expect(at('service.creating:web')).toBeLessThan(at('service.healthy:db'));
    expect(rec.events.map((e) => e.seq)).toEqual([...rec.events.map((e) => e.seq)].sort((a, b) => a - b));
    expect(new Set(rec.events.map((e) => e.seq)).size).toBe(rec.events.length);
    expect(rec.events[0]?.type).toBe('plan');
    expect(rec.events.at(-1)?.type).toBe('up.done');
    expect(runtime.all().map((c) => c.name).sort()).toEqual([`${project.name}_api_1`, `${project.name}_cache_1`, `${project.name}_db_1`, `${project.name}_web_1`]);
    expect(stack.services().map((s) => s.name)).toEqual(['cache', 'db', 'api', 'web']);
    expect(stack.service('api').endpoint(8080).url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await stack.down();
    expect(runtime.all()).toEqual([]);
    expect(runtime.networks()).toEqual([]);
  });

  test('creates ahead of time in start order, a few at a time, so the first services start before the last are created', async () => {
    const runtime = memory();
    // Names sort against the start order: z0 starts first, a9 last.
    const project = new Project();
    const names = Array.from({ length: 40 }, (_, i) => `${String.fromCharCode(122 - Math.floor(i / 4))}${i}`);
    names.forEach((name, i) => project.service(name, { command: [name], ...(i >= 4 ? { depends_on: [names[i - 4] as string] } : {}) }));
    const rec = recorder();
    const stack = await project.up({ ...FAST, runtime, onEvent: rec.onEvent });
    const created = runtime.mutatingCalls().filter((c) => c.op === 'createContainer').map((c) => c.target.replace(`${project.name}_`, '').replace(/_1$/, ''));
    expect(created.sort()).toEqual([...names].sort());
    // Every dependency is created before its dependants (by name, the order would be the reverse).
    const order = runtime.mutatingCalls().filter((c) => c.op === 'createContainer').map((c) => c.target.replace(`${project.name}_`, '').replace(/_1$/, ''));
    for (const [i, name] of names.entries()) if (i >= 4) expect(order.indexOf(names[i - 4] as string)).toBeLessThan(order.indexOf(name));
    // The first service started while later ones were still being created.
    const types = rec.types();
    expect(types.indexOf(`service.started:${names[0]}`)).toBeLessThan(types.indexOf(`service.created:${names[39]}`));
    await stack.down();
  });

  test('creates ahead of time up to 32 at once: a runtime that answers a creation once it is recorded gets batches of 32, not a queue of single ones', async () => {
    const runtime = memory();
    const create = runtime.createContainer.bind(runtime);
    let inFlight = 0;
    let peak = 0;
    // Each creation is answered a moment later, as a runtime writing its records a batch at a time does.
    runtime.createContainer = async (request) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      try {
        await new Promise((resolve) => setTimeout(resolve, 5));
        return await create(request);
      } finally {
        inFlight--;
      }
    };
    const project = new Project().service('root', { command: ['root'] });
    for (let i = 0; i < 100; i++) project.service(`d${i}`, { command: ['d'], depends_on: ['root'] });
    const stack = await project.up({ ...FAST, runtime });
    expect(runtime.all()).toHaveLength(101);
    expect(peak).toBe(32);
    await stack.down();
  });

  test('a second up with nothing changed makes no mutating runtime call', async () => {
    const runtime = memory();
    const project = shop();
    const stack = await project.up({ ...FAST, runtime });
    const before = runtime.mutatingCalls().length;
    const rec = recorder();
    await project.up({ ...FAST, runtime, onEvent: rec.onEvent });
    expect(runtime.mutatingCalls().length).toBe(before);
    const plan = rec.events.find((e) => e.type === 'plan');
    expect(plan?.type === 'plan' && plan.plan.hasChanges).toBe(false);
    const done = rec.events.find((e) => e.type === 'up.done');
    expect(done?.type === 'up.done' && done.changed).toBe(false);
    await stack.down();
  });

  test('a changed service alone is recreated, with the reason in the plan', async () => {
    const runtime = memory();
    const name = `chg-${Math.random().toString(16).slice(2, 8)}`;
    const stack = await shop(name).up({ ...FAST, runtime });
    const changed = shop(name).service('api', { command: ['api'], ports: ['0:8080'], environment: { API_URL: 'http://y' }, depends_on: { db: { condition: 'service_healthy' }, cache: { condition: 'service_started' } } });
    const plan = await changed.plan(runtime);
    expect(planToString(plan)).toBe(
      [`plan ${name}: 1 recreate, 4 unchanged`, '  network default: unchanged', '~ service api: recreate (environment.API_URL changed)', '  service cache: unchanged', '  service db: unchanged', '  service web: unchanged'].join('\n'),
    );
    const error = await changed.plan(runtime, { expectNoChanges: true }).catch((e: unknown) => e);
    expect(isPlanChangesError(error)).toBe(true);
    const before = runtime.mutatingCalls().length;
    const rec = recorder();
    await changed.up({ ...FAST, runtime, onEvent: rec.onEvent });
    const created = runtime.mutatingCalls().slice(before).filter((c) => c.op === 'createContainer').map((c) => c.target);
    expect(created).toEqual([`${name}_api_1`]);
    expect(rec.types((e) => e.type === 'service.recreating')).toEqual(['service.recreating:api']);
    await stack.down();
  });

  test('dependants with depends_on.restart are recreated with their dependency', async () => {
    const runtime = memory();
    const name = `rst-${Math.random().toString(16).slice(2, 8)}`;
    const make = (tag: string) =>
      new Project(name)
        .service('db', { command: ['db', tag] })
        .service('api', { command: ['api'], depends_on: { db: { condition: 'service_started', restart: true } } })
        .service('other', { command: ['other'], depends_on: ['db'] });
    const stack = await make('1').up({ ...FAST, runtime });
    const plan = await make('2').plan(runtime);
    expect(plan.services.map((s) => `${s.name}:${s.action}:${s.reasons.join('|')}`)).toEqual([
      'api:recreate:dependency db recreated (depends_on.db.restart)',
      'db:recreate:command changed',
      'other:unchanged:',
    ]);
    await stack.down();
  });

  test('replicas, scale and the plan of a scale', async () => {
    const runtime = memory();
    const project = new Project().service('worker', { command: ['w'], ports: ['0:9000'], deploy: { replicas: 2 } });
    const stack = await project.up({ ...FAST, runtime });
    expect(stack.service('worker').containers().map((c) => c.name)).toEqual([`${project.name}_worker_1`, `${project.name}_worker_2`]);
    const e1 = stack.service('worker').endpoint(9000, { replica: 1 });
    const e2 = stack.service('worker').endpoint(9000, { replica: 2 });
    expect(e1.port).not.toBe(e2.port);
    await stack.scale('worker', 3);
    expect(stack.service('worker').containers().map((c) => c.replica)).toEqual([1, 2, 3]);
    const plan = await project.plan(runtime);
    expect(plan.services[0]?.action).toBe('scale');
    expect(plan.services[0]?.reasons).toEqual(['replicas 3 → 2']);
    await stack.scale('worker', 1);
    expect((await stack.ps()).map((c) => c.replica)).toEqual([1]);
    await stack.down();
  });

  test('orphans are listed, and removed only with removeOrphans', async () => {
    const runtime = memory();
    const name = `orph-${Math.random().toString(16).slice(2, 8)}`;
    await new Project(name).service('a', { command: ['a'] }).service('b', { command: ['b'] }).up({ ...FAST, runtime });
    const smaller = new Project(name).service('a', { command: ['a'] });
    const plan = await smaller.plan(runtime);
    expect(plan.services.find((s) => s.name === 'b')?.reasons).toEqual(['orphan (kept; pass removeOrphans: true to remove it)']);
    expect((await smaller.plan(runtime, { removeOrphans: true })).services.find((s) => s.name === 'b')?.action).toBe('remove');
    const stack = await smaller.up({ ...FAST, runtime, removeOrphans: true });
    expect(runtime.all().map((c) => c.service)).toEqual(['a']);
    await stack.down();
  });

  test('config hash leaves out replicas, depends_on, profiles and build', async () => {
    const runtime = memory();
    const name = `hash-${Math.random().toString(16).slice(2, 8)}`;
    const stack = await new Project(name).service('a', { command: ['a'] }).service('b', { command: ['b'] }).up({ ...FAST, runtime });
    const hash = runtime.all().find((c) => c.service === 'a')?.labels[LABEL_CONFIG_HASH];
    const variant = new Project(name).service('a', { command: ['a'], depends_on: ['b'], build: { context: '.' } }).service('b', { command: ['b'] });
    const plan = await variant.plan(runtime);
    expect(plan.hasChanges).toBe(false);
    expect(plan.services.find((s) => s.name === 'a')?.configHash).toBe(hash);
    await stack.down();
  });

  test('independent services start in parallel: a slow one does not hold up another', async () => {
    const runtime = memory({ slow: { startDelayMs: 50 } });
    const rec = recorder();
    const stack = await new Project().service('slow', { command: ['s'] }).service('fast', { command: ['f'] }).service('after', { command: ['a'], depends_on: ['fast'] }).up({ ...FAST, runtime, onEvent: rec.onEvent });
    const order = rec.types((e) => e.type === 'service.started');
    expect(order.indexOf('service.started:after')).toBeLessThan(order.indexOf('service.started:slow'));
    await stack.down();
  });

  test('parallel caps concurrent runtime operations', async () => {
    let running = 0;
    let peak = 0;
    const runtime = memory();
    const original = runtime.createContainer.bind(runtime);
    runtime.createContainer = async (request) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 5));
      running--;
      return original(request);
    };
    const project = new Project();
    for (let i = 0; i < 8; i++) project.service(`s${i}`, { command: ['x'] });
    const stack = await project.up({ ...FAST, runtime, parallel: 2 });
    expect(peak).toBe(2);
    await stack.down();
    const again = new Project();
    for (let i = 0; i < 8; i++) again.service(`s${i}`, { command: ['x'] });
    peak = 0;
    const stack2 = await again.up({ ...FAST, runtime });
    expect(peak).toBe(8);
    await stack2.down();
  });

  test('profiles: services with an inactive profile are not started', async () => {
    const runtime = memory();
    const project = new Project().service('a', { command: ['a'] }).service('debug', { command: ['d'], profiles: ['debug'] });
    const stack = await project.up({ ...FAST, runtime });
    expect(runtime.all().map((c) => c.service)).toEqual(['a']);
    await project.up({ ...FAST, runtime, profiles: ['debug'] });
    expect(runtime.all().map((c) => c.service).sort()).toEqual(['a', 'debug']);
    await stack.down();
    expect(runtime.all()).toEqual([]);
  });

  test('wait strategies: log line n times, command, exit-zero', async () => {
    const runtime = memory({
      logger: { logs: ['booting'], lateLogs: ['ready', 'ready'], logAfterMs: 5 },
      job: { exitCode: 0, exitAfterMs: 5 },
    });
    const project = new Project()
      .service('logger', (s) => s.command(['l']).waitFor(Wait.forLog(/ready/, { times: 2 })))
      .service('checker', (s) => s.command(['c']).waitFor(Wait.forCommand(['check'])))
      .service('job', (s) => s.command(['j']).waitFor(Wait.forExitZero()))
      .service('after', { command: ['a'], depends_on: { job: { condition: 'service_completed_successfully' } } });
    const rec = recorder();
    const stack = await project.up({ ...FAST, runtime, onEvent: rec.onEvent });
    expect(rec.types((e) => e.type === 'service.healthy').sort()).toEqual(['service.healthy:after', 'service.healthy:checker', 'service.healthy:job', 'service.healthy:logger']);
    await stack.onHealthy('logger');
    await stack.down();
  });
});

describe('one-shot jobs and wait: false', () => {
  test('a completed one-shot job is left alone by the next up (no mutating call)', async () => {
    const runtime = memory({ migrate: { exitCode: 0 } });
    const project = new Project()
      .service('migrate', (s) => s.command(['m']).waitFor(Wait.forExitZero()))
      .service('api', { command: ['api'], depends_on: { migrate: { condition: 'service_completed_successfully' } } });
    const stack = await project.up({ ...FAST, runtime });
    const before = runtime.mutatingCalls().length;
    const plan = await project.plan(runtime);
    expect(plan.services.map((s) => `${s.name}:${s.action}:${s.reasons.join('|')}`)).toEqual(['api:unchanged:', 'migrate:unchanged:completed']);
    await project.up({ ...FAST, runtime });
    expect(runtime.mutatingCalls().length).toBe(before);
    await stack.down();
  });

  test('wait: false returns once started, but a service_healthy dependant still waits', async () => {
    const runtime = memory({ db: { healthyAfterProbes: 2 }, lonely: { neverHealthy: true } });
    const rec = recorder();
    const project = new Project()
      .service('db', { command: ['db'], healthcheck: { test: 'x', interval: '1s' } })
      .service('lonely', { command: ['l'], healthcheck: { test: 'x', interval: '1s' } })
      .service('api', { command: ['api'], depends_on: { db: { condition: 'service_healthy' } } });
    const stack = await project.up({ ...FAST, runtime, wait: false, onEvent: rec.onEvent });
    expect(rec.types((e) => e.type === 'service.healthy')).toEqual(['service.healthy:db']);
    expect(rec.types((e) => e.type === 'service.started').sort()).toEqual(['service.started:api', 'service.started:db', 'service.started:lonely']);
    await stack.down();
  });
});

describe('up lists the project as few times as it needs', () => {
  test('the last look before up returns serves up as well: one listing to plan, one at the end', async () => {
    // A listing of the process runtime scans the host's process table (tens of ms on a busy
    // host); up used to list twice in a row at its end (the converger's last look, then again).
    const runtime = memory({ db: { healthyAfterProbes: 2 } });
    let listings = 0;
    const list = runtime.listContainers.bind(runtime);
    runtime.listContainers = (...args) => (listings++, list(...args));
    const stack = await shop().up({ ...FAST, runtime });
    expect(listings).toBe(2);
    // what up returned is the stack as it runs
    expect((await stack.ps()).filter((c) => c.state === 'running').map((c) => c.service).sort()).toEqual(['api', 'cache', 'db', 'web']);
    await stack.down();
  });
});

describe('the critical path first', () => {
  test('of the services that can start at once, the one heading the longest chain of dependants is created first', async () => {
    // `a` starts alone; `z` heads z → y → x (the start order, by name, puts `a` first).
    const project = new Project()
      .service('a', { command: ['a'] })
      .service('z', { command: ['z'] })
      .service('y', { command: ['y'], depends_on: ['z'] })
      .service('x', { command: ['x'], depends_on: ['y'] })
      .service('b', { command: ['b'] });
    const runtime = memory();
    const stack = await project.up({ ...FAST, runtime });
    const created = runtime.mutatingCalls().filter((c) => c.op === 'createContainer').map((c) => c.target.replace(`${project.name}_`, '').replace(/_1$/, ''));
    expect(created[0]).toBe('z');
    expect(created.indexOf('a')).toBeLessThan(created.indexOf('b')); // the other roots keep the start order
    expect(created.indexOf('z')).toBeLessThan(created.indexOf('y'));
    expect(created.indexOf('y')).toBeLessThan(created.indexOf('x'));
    await stack.down();
  });
});

describe('down -v', () => {
  test('removes the project\'s volumes together, not one after another, and reports each', async () => {
    const project = new Project()
      .volume('data')
      .volume('cache')
      .service('db', { command: ['db'], volumes: ['data:/var/lib/data', 'cache:/var/cache'] });
    const runtime = memory();
    const stack = await project.up({ ...FAST, runtime });
    let inFlight = 0;
    let most = 0;
    const remove = runtime.removeVolume.bind(runtime);
    runtime.removeVolume = async (...args) => {
      most = Math.max(most, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 20)); // a data folder takes a while
      try {
        return await remove(...args);
      } finally {
        inFlight--;
      }
    };
    const rec = recorder();
    await stack.down({ volumes: true, onEvent: rec.onEvent });
    expect(most).toBe(2);
    expect(rec.events.find((e) => e.type === 'down.done')).toMatchObject({ removedVolumes: 2 });
    expect(rec.types((e) => e.type === 'volume.removed').length).toBe(2);
  });

  test('removes the volumes beside the networks, not after them, and still fails when a volume cannot go', async () => {
    const project = new Project()
      .network('back')
      .volume('data')
      .service('db', { command: ['db'], volumes: ['data:/var/lib/data'], networks: ['back'] });
    const runtime = memory();
    const stack = await project.up({ ...FAST, runtime });
    let releaseNetworks!: () => void;
    const networksHeld = new Promise<void>((resolve) => (releaseNetworks = resolve));
    const removeNetwork = runtime.removeNetwork.bind(runtime);
    runtime.removeNetwork = async (...args) => {
      await networksHeld; // a network's removal that takes a while
      return removeNetwork(...args);
    };
    const removeVolume = runtime.removeVolume.bind(runtime);
    let volumeAsked!: () => void;
    const volumeStarted = new Promise<void>((resolve) => (volumeAsked = resolve));
    runtime.removeVolume = async (...args) => {
      volumeAsked();
      return removeVolume(...args);
    };
    const rec = recorder();
    const down = stack.down({ volumes: true, onEvent: rec.onEvent });
    // never comes while the networks are held, if the volumes wait for them
    expect(await Promise.race([volumeStarted.then(() => 'volume asked'), new Promise((resolve) => setTimeout(resolve, 2_000, 'still waiting'))])).toBe('volume asked');
    expect(rec.types((e) => e.type === 'network.removed')).toEqual([]);
    releaseNetworks();
    await down;
    expect(rec.events.find((e) => e.type === 'down.done')).toMatchObject({ removedNetworks: 1, removedVolumes: 1 });
    expect(await runtime.listNetworks(stack.name)).toEqual([]);
    expect(await runtime.listVolumes(stack.name)).toEqual([]);

    // a volume that cannot be removed fails the down, once the networks are removed all the same
    const again = await project.up({ ...FAST, runtime });
    runtime.removeVolume = async () => {
      throw new Error('volume in use');
    };
    runtime.removeNetwork = removeNetwork;
    await expect(again.down({ volumes: true })).rejects.toThrow(/volume in use/);
    expect(await runtime.listNetworks(again.name)).toEqual([]);
  });
});
