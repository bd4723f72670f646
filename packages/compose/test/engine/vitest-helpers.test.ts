import { describe, expect, expectTypeOf, inject, test } from 'vitest';
import { Project } from '@selur/compose';
import { composeGlobalSetup, useStack, type ProvidedStack } from '@selur/compose/vitest';
import { FAST, memory } from './helpers.js';

const runtime = memory();
const project = new Project().service('api', { command: ['api'], ports: ['0:8080'] });

describe('useStack', () => {
  const stack = useStack(project, { ...FAST, runtime });
  test('the stack runs during the tests of the file', () => {
    expect(stack().service('api').endpoint(8080).url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(runtime.all().map((c) => c.name)).toEqual([`${project.name}_api_1`]);
  });
});

describe('composeGlobalSetup', () => {
  test('starts once, provides endpoints, tears down', async () => {
    const rt = memory();
    const shared = new Project().service('db', { command: ['db'], ports: ['0:5432'] }).service('api', { command: ['api'], ports: ['0:8080'], depends_on: ['db'] });
    const provided = new Map<string, unknown>();
    const teardown = await composeGlobalSetup(shared, { ...FAST, runtime: rt, endpoints: { api: 8080, database: { service: 'db', port: 5432 } } })({ provide: (k, v) => provided.set(k, v) });
    const value = provided.get('selurCompose') as ProvidedStack;
    expect(value.project).toBe(shared.name);
    expect(Object.keys(value.endpoints).sort()).toEqual(['api', 'database']);
    expect(value.endpoints['database']?.port).toBe(rt.all().find((c) => c.service === 'db')?.ports[0]?.published);
    await teardown();
    expect(rt.all()).toEqual([]);
  });

  test('projects built without a name get distinct names (parallel workers never collide)', () => {
    const names = new Set(Array.from({ length: 200 }, () => new Project().name));
    expect(names.size).toBe(200);
  });
});

describe('named projects in a test harness (issue 14)', () => {
  const rt = memory();
  const named = new Project('shop').service('api', { command: ['api'] });
  const own = useStack(named, { ...FAST, runtime: rt });
  const sharedRt = memory();
  const shared = useStack(new Project('shop').service('api', { command: ['api'] }), { ...FAST, runtime: sharedRt, share: true });

  test('useStack runs a named project under a name of its own per worker', () => {
    expect(own().name).toBe(`shop-w${process.env['VITEST_POOL_ID'] ?? process.env['VITEST_WORKER_ID'] ?? '0'}-${process.pid}`);
    expect(rt.all().map((c) => c.name)).toEqual([`${own().name}_api_1`]);
  });

  test('share: true keeps its own name', () => {
    expect(shared().name).toBe('shop');
    expect(sharedRt.all().map((c) => c.name)).toEqual(['shop_api_1']);
  });

  test('composeGlobalSetup runs a named project under a name of its own per run, and provides it; share keeps the name', async () => {
    for (const [share, expected] of [[false, `shop-${process.pid}`], [true, 'shop']] as const) {
      const mem = memory();
      const provided = new Map<string, unknown>();
      const teardown = await composeGlobalSetup(new Project('shop').service('api', { command: ['api'] }), { ...FAST, runtime: mem, share })({ provide: (k, v) => provided.set(k, v) });
      expect((provided.get('selurCompose') as ProvidedStack).project).toBe(expected);
      expect(mem.all().map((c) => c.name)).toEqual([`${expected}_api_1`]);
      await teardown();
    }
  });
});

describe("inject('selurCompose') (issue 14)", () => {
  // Checked by the type checker (`pnpm test` and `pnpm lint` run tsc over the tests first):
  // without the ProvidedContext declaration of @selur/compose/vitest, 'selurCompose' is no key
  // of vitest's ProvidedContext and this file does not compile.
  test('is typed as the ProvidedStack that composeGlobalSetup provides, and nothing provides it in this project', () => {
    expectTypeOf(inject<'selurCompose'>).returns.toEqualTypeOf<ProvidedStack>();
    expect(inject('selurCompose')).toBeUndefined();
  });
});
