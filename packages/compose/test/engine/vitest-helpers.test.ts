import { describe, expect, test } from 'vitest';
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
