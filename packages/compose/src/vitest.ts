/**
 * Test-harness helpers: `@selur/compose/vitest`.
 *
 * - {@link useStack} starts a stack in `beforeAll` and takes it down in `afterAll`, per test file.
 * - {@link composeGlobalSetup} starts one stack for the whole run (vitest `globalSetup`), shares
 *   its endpoints with every worker through `provide`/`inject`, and takes it down at the end.
 *
 * Projects built without a name get a unique one (`p-1a2b3c4d`), and a named project runs under
 * a name of its own per worker (`shop-w3-41234`; per run for {@link composeGlobalSetup}) unless
 * `share: true`, so parallel workers never collide; ports published as `0` (or left out) get
 * free host ports. Read them (and `stack.name`) from the stack.
 *
 * @example Per file
 * ```ts
 * import { describe, test, expect } from 'vitest';
 * import { useStack } from '@selur/compose/vitest';
 * import { project } from './stack.js';
 *
 * const stack = useStack(project, { timeout: 60_000 });
 * test('api answers', async () => {
 *   const res = await fetch(`${stack().service('api').endpoint(8080).url}/health`);
 *   expect(res.status).toBe(200);
 * });
 * ```
 *
 * @example Once per run (vitest.config.ts: `test: { globalSetup: ['./test/global-stack.ts'] }`)
 * ```ts
 * // test/global-stack.ts
 * import { composeGlobalSetup } from '@selur/compose/vitest';
 * import { project } from './stack.js';
 * export default composeGlobalSetup(project, { endpoints: { api: 8080 } });
 *
 * // any test file
 * import { inject } from 'vitest';
 * const { api } = inject('selurCompose').endpoints; // { host, port, url }
 * ```
 */
import { afterAll, beforeAll } from 'vitest';
import type { Stack, Endpoint } from './engine/stack-types.js';
import type { UpOptions } from './engine/options.js';
import type { Project } from './project.js';

/**
 * Options of {@link useStack}: those of `project.up()`, and `share`.
 *
 * @example
 * ```ts
 * const stack = useStack(new Project('shop').service('api', { command: ['node', 'api.js'] }), { share: true });
 * ```
 */
export interface UseStackOptions extends UpOptions {
  /**
   * Run a named project under its own name, shared with every worker and process that does the
   * same (one stack for all; an `up` still refuses services a live process started unless
   * `reuse`). By default a named project runs under a name of its own per worker (`shop-w3-41234`,
   * or `shop-w3` with `reuse`, so that a warm stack is found again), so two test files never
   * recreate or tear down each other's services. Projects without a name are unique anyway.
   * @default false
   */
  readonly share?: boolean | undefined;
}

/** The name a named project runs under in a test harness (undefined: its own). */
function harnessName(project: Project, share: boolean | undefined, suffix: string | undefined): string | undefined {
  if (share || project.generatedName || suffix === undefined) return undefined;
  return `${project.name}-${suffix}`;
}

function workerSuffix(reuse: boolean | undefined): string {
  const worker = `w${process.env['VITEST_POOL_ID'] ?? process.env['VITEST_WORKER_ID'] ?? '0'}`;
  return reuse ? worker : `${worker}-${process.pid}`;
}

/**
 * Starts `project` before the tests of the file (`beforeAll`) and takes it down after them
 * (`afterAll`; a warm stack started with `reuse: true` is left running). Returns a getter for
 * the running stack (it throws when called before `beforeAll` ran).
 *
 * @example
 * ```ts
 * const stack = useStack(new Project().service('api', { command: ['node', 'api.js'], ports: ['0:8080'] }));
 * test('x', () => { stack().service('api').endpoint(8080); });
 * ```
 */
export function useStack<P extends Project>(project: P, options: UseStackOptions = {}): () => Stack<P> {
  let stack: Stack<P> | undefined;
  beforeAll(async () => {
    const { share, ...up } = options;
    stack = (await project.up({ ...up, projectName: harnessName(project, share, workerSuffix(up.reuse)) })) as Stack<P>;
  }, options.timeout ?? 120_000);
  afterAll(async () => {
    if (!stack) return;
    if (options.reuse) await stack[Symbol.asyncDispose]();
    else await stack.down();
  }, 120_000);
  return () => {
    if (!stack) throw new Error('useStack: the stack is not running (is this called outside a test, or did beforeAll fail?)');
    return stack;
  };
}

/** What {@link composeGlobalSetup} shares with test workers (`inject('selurCompose')`). */
export interface ProvidedStack {
  /** The project name (use it with `new Project(name).down()` or `plan`). */
  readonly project: string;
  /** The endpoints asked for in `endpoints`, by key. */
  readonly endpoints: Readonly<Record<string, Endpoint>>;
}

declare module 'vitest' {
  /**
   * What workers read with `inject('selurCompose')`: the {@link ProvidedStack} that
   * {@link composeGlobalSetup} provided under its default key. Importing `@selur/compose/vitest`
   * anywhere in the program (the global setup file does) makes `inject('selurCompose')` typed.
   */
  export interface ProvidedContext {
    selurCompose: ProvidedStack;
  }
}

/** Options of {@link composeGlobalSetup}. */
export interface GlobalSetupOptions extends UpOptions {
  /**
   * Endpoints to share: key → `'service'` plus container port, e.g. `{ api: 8080 }` (service
   * `api`, port 8080) or `{ db: { service: 'postgres', port: 5432 } }`.
   */
  readonly endpoints?: Readonly<Record<string, number | { readonly service: string; readonly port: number; readonly replica?: number }>> | undefined;
  /** Key under which the data is provided. @default 'selurCompose' */
  readonly key?: string | undefined;
  /**
   * Run a named project under its own name. By default it runs under a name of its own per run
   * (`shop-41234`; its own name with `reuse`, so a warm stack is found again), so two test runs
   * at once never tear down each other's stack. Workers read the name from `inject(key).project`.
   * @default false
   * @example
   * ```ts
   * export default composeGlobalSetup(new Project('shop'), { share: true }); // always 'shop'
   * ```
   */
  readonly share?: boolean | undefined;
}

/** The context vitest passes to a global setup function (only what is used here). */
export interface GlobalSetupContext {
  provide?(key: string, value: unknown): void;
}

/**
 * A vitest `globalSetup` function: starts the stack once for the whole run, provides its
 * endpoints to the workers, and returns the teardown (which takes it down, unless `reuse`).
 *
 * @example
 * ```ts
 * export default composeGlobalSetup(project, { endpoints: { api: 8080 } });
 * ```
 */
export function composeGlobalSetup(project: Project, options: GlobalSetupOptions = {}): (context?: GlobalSetupContext) => Promise<() => Promise<void>> {
  return async (context) => {
    const { endpoints = {}, key = 'selurCompose', share, ...up } = options;
    const stack = await project.up({ ...up, projectName: harnessName(project, share, up.reuse ? undefined : String(process.pid)) });
    try {
      const shared: Record<string, Endpoint> = {};
      for (const [name, spec] of Object.entries(endpoints)) {
        const { service, port, replica } = typeof spec === 'number' ? { service: name, port: spec, replica: undefined } : spec;
        shared[name] = stack.service(service).endpoint(port, { replica });
      }
      const provided: ProvidedStack = { project: stack.name, endpoints: shared };
      context?.provide?.(key, provided);
    } catch (error) {
      await stack.down();
      throw error;
    }
    return async () => {
      if (up.reuse) await stack[Symbol.asyncDispose]();
      else await stack.down();
    };
  };
}
