/**
 * Issue 3, test-harness niceties on processRuntime: unique project names, the
 * `@selur/compose/vitest` helper, warm reuse (`up({ reuse: true })`) that recreates nothing when
 * the config hash matches and survives `await using`.
 */
import { afterAll, afterEach, describe, expect, test } from 'vitest';
import { Project, Wait } from '@selur/compose';
import { isValidProjectName } from '../../src/spec/names.js';
import { composeGlobalSetup, useStack, type ProvidedStack } from '@selur/compose/vitest';
import { FAST, cleanup, idle, recording, runtime, server, stateDir, track, uniqueName } from './support.js';

describe('unique project names', () => {
  test('projects built without a name get distinct, valid names', () => {
    const names = Array.from({ length: 500 }, () => new Project().name);
    expect(new Set(names).size).toBe(500);
    for (const n of names) expect(isValidProjectName(n)).toBe(true);
  });
});

describe('@selur/compose/vitest useStack', () => {
  const dir = stateDir();
  const rt = runtime(dir);
  const project = new Project().service('web', (s) => s.command(server()).port('0:8080').env({ GREETING: 'vitest' }).waitFor(Wait.forPort(8080)));
  track(project.name);
  afterAll(async () => {
    // useStack's afterAll (registered after this one: after-hooks run in reverse) took the stack down.
    expect(await runtime(dir).listContainers(project.name)).toEqual([]);
    await cleanup();
  });
  const stack = useStack(project, { ...FAST, runtime: rt });
  test('the stack runs during the tests of the file', async () => {
    const res = await fetch(stack().service('web').endpoint(8080).url, { signal: AbortSignal.timeout(5_000) });
    expect(await res.text()).toBe('hello vitest');
  });
});

describe('@selur/compose/vitest composeGlobalSetup', () => {
  afterEach(cleanup);
  test('starts the stack once, provides its endpoints, and its teardown takes it down', async () => {
    const dir = stateDir();
    const project = new Project().service('api', (s) => s.command(server()).port('0:8080').env({ GREETING: 'global' }).waitFor(Wait.forPort(8080)));
    track(project.name);
    const provided = new Map<string, unknown>();
    const teardown = await composeGlobalSetup(project, { ...FAST, runtime: runtime(dir), endpoints: { api: 8080 } })({ provide: (k, v) => provided.set(k, v) });
    const shared = provided.get('selurCompose') as ProvidedStack;
    expect(shared.project).toBe(project.name);
    const res = await fetch(shared.endpoints['api']?.url ?? 'http://invalid', { signal: AbortSignal.timeout(5_000) });
    expect(await res.text()).toBe('hello global');
    await teardown();
    expect(await runtime(dir).listContainers(project.name)).toEqual([]);
  });
});

describe('warm reuse', () => {
  afterEach(cleanup);
  test('up({ reuse: true }) with a matching config hash recreates nothing, and disposal leaves it running', async () => {
    const dir = stateDir();
    const name = uniqueName('warm');
    const project = () => new Project(name).service('db', (s) => s.command(server()).port('0:5432').waitFor(Wait.forPort(5432))).service('job', { command: idle(), depends_on: ['db'] });
    const first = runtime(dir);
    let ids: string[];
    {
      await using stack = await project().up({ ...FAST, runtime: first, reuse: true });
      ids = (await stack.ps()).map((c) => c.id).sort();
    }
    await first.close();
    // A later run (another runtime object, as another worker would have).
    const { runtime: rt, calls } = recording(runtime(dir));
    expect((await rt.listContainers(name)).map((c) => c.state)).toEqual(['running', 'running']);
    {
      await using warm = await project().up({ ...FAST, runtime: rt, reuse: true });
      expect((await warm.ps()).map((c) => c.id).sort()).toEqual(ids);
      expect(calls).toEqual([]);
    }
    // A changed config is not reused as is: the changed service is recreated.
    const changed = await new Project(name).service('db', (s) => s.command(server()).port('0:5432').env({ V: '2' }).waitFor(Wait.forPort(5432))).service('job', { command: idle(), depends_on: ['db'] }).up({ ...FAST, runtime: rt, reuse: true });
    expect(calls.filter((c) => c === 'createContainer')).toHaveLength(1);
    await changed.down();
    expect(await rt.listContainers(name)).toEqual([]);
  });

  test('reuse requires a named project', async () => {
    await expect(new Project().service('a', { command: idle() }).up({ ...FAST, runtime: runtime(), reuse: true })).rejects.toMatchObject({ name: 'InvalidArgumentError' });
  });
});
