/**
 * Issue 3, plan and converge on processRuntime: plan reasons, expectNoChanges, idempotent up
 * (no mutating runtime call), a changed service recreated alone, service selection with its
 * dependency closure and noDeps, the parallel cap.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { Project, Wait, isComposeError, isPlanChangesError, type ProcessRuntime } from '@selur/compose';
import { FAST, cleanup, idle, recorder, recording, rejection, runtime, server, uniqueName } from './support.js';

afterEach(cleanup);

function shop(name: string, change: { apiUrl?: string; image?: string; withWorker?: boolean } = {}): Project {
  const p = new Project(name)
    .service('db', (s) => s.image(change.image ?? 'db:1').command(server()).port('0:5432').waitFor(Wait.forPort(5432)))
    .service('api', (s) => s.image('api:1').command(server()).port('0:8080').env({ API_URL: change.apiUrl ?? 'http://one' }).dependsOn('db').waitFor(Wait.forPort(8080)));
  if (change.withWorker ?? true) p.service('worker', { image: 'worker:1', command: idle(), depends_on: ['api'] });
  return p;
}

const summary = (plan: { services: readonly { name: string; action: string; reasons: readonly string[] }[] }) =>
  Object.fromEntries(plan.services.map((s) => [s.name, `${s.action}${s.reasons.length ? `: ${s.reasons.join(', ')}` : ''}`]));

describe('plan (issue 3)', () => {
  test('create, then unchanged; environment.X changed, image changed, orphan — with reasons; expectNoChanges', async () => {
    const rt: ProcessRuntime = runtime();
    const name = uniqueName('plan');
    const first = await shop(name).plan(rt);
    expect(first.hasChanges).toBe(true);
    expect(Object.values(summary(first)).every((s) => s.startsWith('create'))).toBe(true);

    await shop(name).up({ ...FAST, runtime: rt });
    const same = await shop(name).plan(rt, { expectNoChanges: true });
    expect(same.hasChanges).toBe(false);
    expect(summary(same)).toEqual({ api: 'unchanged', db: 'unchanged', worker: 'unchanged' });

    const env = await shop(name, { apiUrl: 'http://two' }).plan(rt);
    expect(env.services.find((s) => s.name === 'api')).toMatchObject({ action: 'recreate', reasons: ['environment.API_URL changed'] });
    expect(env.services.find((s) => s.name === 'db')?.action).toBe('unchanged');

    const image = await shop(name, { image: 'db:2' }).plan(rt);
    expect(image.services.find((s) => s.name === 'db')).toMatchObject({ action: 'recreate', reasons: ['image changed'] });

    const orphan = await shop(name, { withWorker: false }).plan(rt, { removeOrphans: true });
    const worker = orphan.services.find((s) => s.name === 'worker');
    expect(worker?.orphan).toBe(true);
    expect(worker).toMatchObject({ action: 'remove', reasons: ['orphan'] });
    const pruned = await shop(name, { withWorker: false }).up({ ...FAST, runtime: rt, removeOrphans: true });
    expect((await pruned.ps()).map((c) => c.service).sort()).toEqual(['api', 'db']);

    const error = await rejection(shop(name, { withWorker: false, apiUrl: 'http://two' }).plan(rt, { expectNoChanges: true }));
    expect(isPlanChangesError(error)).toBe(true);
    expect((error as Error).message).toContain('environment.API_URL changed');
    await pruned.down();
  });
});

describe('up converges (issue 3)', () => {
  test('a second up makes no mutating runtime call; a changed service alone is recreated', async () => {
    const { runtime: rt, calls } = recording(runtime());
    const name = uniqueName('idem');
    const stack = await shop(name).up({ ...FAST, runtime: rt });
    const before = new Map((await stack.ps()).map((c) => [c.service, c.id]));
    expect([...before.keys()].sort()).toEqual(['api', 'db', 'worker']);

    calls.length = 0;
    await shop(name).up({ ...FAST, runtime: rt });
    expect(calls).toEqual([]);

    const rec = recorder();
    const changed = await shop(name, { apiUrl: 'http://two' }).up({ ...FAST, runtime: rt, onEvent: rec.onEvent });
    const recreating = rec.events.find((e) => e.type === 'service.recreating');
    expect(recreating).toMatchObject({ service: 'api', replica: 1, containerId: before.get('api'), reasons: ['environment.API_URL changed'] });
    // Nothing else goes through a lifecycle step (db and worker are only re-checked).
    const lifecycle = /^service\.(recreating|creating|created|starting|started|stopping|stopped|removed)$/;
    expect(rec.types((e) => lifecycle.test(e.type) && 'service' in e && e.service !== 'api')).toEqual([]);
    expect(rec.events.find((e) => e.type === 'up.done')).toMatchObject({ changed: true });
    expect(calls.filter((c) => c === 'createContainer')).toHaveLength(1);
    expect(calls.filter((c) => c === 'removeContainer')).toHaveLength(1);
    const after = new Map((await changed.ps()).map((c) => [c.service, c.id]));
    expect(after.get('db')).toBe(before.get('db'));
    expect(after.get('worker')).toBe(before.get('worker'));
    expect(after.get('api')).not.toBe(before.get('api'));
    await changed.down();
  });

  test('forceRecreate recreates unchanged services; noRecreate keeps changed ones', async () => {
    const { runtime: rt, calls } = recording(runtime());
    const name = uniqueName('force');
    await shop(name, { withWorker: false }).up({ ...FAST, runtime: rt });
    calls.length = 0;
    await shop(name, { withWorker: false, apiUrl: 'http://two' }).up({ ...FAST, runtime: rt, noRecreate: true });
    expect(calls.filter((c) => c === 'createContainer')).toEqual([]);
    const stack = await shop(name, { withWorker: false }).up({ ...FAST, runtime: rt, forceRecreate: true });
    expect(calls.filter((c) => c === 'createContainer')).toHaveLength(2);
    await stack.down();
  });

  test("up({ services: ['api'] }) starts api and its dependency closure; noDeps starts api alone", async () => {
    const rt = runtime();
    const name = uniqueName('select');
    const stack = await shop(name).up({ ...FAST, runtime: rt, services: ['api'] });
    expect((await stack.ps()).map((c) => c.service).sort()).toEqual(['api', 'db']);
    expect(stack.services().map((s) => s.name).sort()).toEqual(['api', 'db']);
    await stack.down();

    const other = uniqueName('nodeps');
    const alone = await shop(other).up({ ...FAST, runtime: rt, services: ['worker'], noDeps: true });
    expect((await alone.ps()).map((c) => c.service)).toEqual(['worker']);
    await alone.down();
  });

  test('profiles: a service with profiles starts only when one of them is active', async () => {
    const rt = runtime();
    const name = uniqueName('profiles');
    const project = () => new Project(name).service('app', { command: idle() }).service('debug', { command: idle(), profiles: ['debug'], depends_on: ['app'] });
    const plain = await project().up({ ...FAST, runtime: rt });
    expect((await plain.ps()).map((c) => c.service)).toEqual(['app']);
    const withDebug = await project().up({ ...FAST, runtime: rt, profiles: ['debug'] });
    expect((await withDebug.ps()).map((c) => c.service).sort()).toEqual(['app', 'debug']);
    await withDebug.down();
  });

  test('selecting an unknown service is a typed error naming it, and starts nothing', async () => {
    const { runtime: rt, calls } = recording(runtime());
    const error = await rejection(shop(uniqueName('unknown')).up({ ...FAST, runtime: rt, services: ['nope'] }));
    expect(isComposeError(error)).toBe(true);
    expect((error as Error).message).toContain('nope');
    expect(calls).toEqual([]);
  });

  test('parallel caps concurrent runtime operations', async () => {
    const { runtime: rt, calls, maxConcurrentStarts } = recording(runtime());
    const name = uniqueName('parallel');
    const project = new Project(name);
    for (let i = 0; i < 6; i += 1) project.service(`s${i}`, { command: idle() });
    const stack = await project.up({ ...FAST, runtime: rt, parallel: 2 });
    expect(calls.filter((c) => c === 'startContainer')).toHaveLength(6);
    expect(maxConcurrentStarts()).toBeLessThanOrEqual(2);
    await stack.down();
  });
});
