import { processRuntime } from './adapters/process/process-runtime.js';
import { downProject, type DownResult } from './engine/down.js';
import { hubFor, type EventStreamOptions } from './engine/event-hub.js';
import type { ComposeEvent } from './engine/events.js';
import type { DownOptions, PlanOptions, UpOptions } from './engine/options.js';
import { psByName } from './engine/ps.js';
import type { Stack, StackContainer } from './engine/stack-types.js';
import { projectView } from './engine/project-view.js';
import { ProjectModel } from './model/project.js';
import type { Plan } from './plan/types.js';
import type { Runtime } from './runtime/types.js';

/**
 * A compose project: declare services, volumes, networks and secrets in code (fluently or with
 * compose-shaped objects), or load them from compose.toml with `loadProject`; both give equal
 * `toJSON()` output. Names and values are checked at once; `validate()` checks the whole project.
 * Then `plan()` it against a runtime, `up()` it into a {@link Stack}, `down()` it.
 *
 * @example Fluent form
 * ```ts
 * import { Project } from '@selur/compose';
 * const shop = new Project('shop')
 *   .volume('pgdata')
 *   .service('db', (s) => s.image('ghcr.io/org/postgres:16.ctp').volume('pgdata:/var/lib/postgresql/data')
 *     .healthcheck({ test: 'pg_isready', interval: '5s' }))
 *   .service('api', (s) => s.image('ghcr.io/org/api:v1.ctp').port('8080:80')
 *     .env({ DATABASE_URL: 'postgres://db:5432/shop' }).dependsOn('db', { condition: 'healthy' }));
 * shop.validate();
 * ```
 * @example Object form (compose.toml keys)
 * ```ts
 * const shop = new Project('shop')
 *   .volume('pgdata')
 *   .service('db', { image: 'ghcr.io/org/postgres:16.ctp', volumes: ['pgdata:/var/lib/postgresql/data'],
 *     healthcheck: { test: 'pg_isready', interval: '5s' } })
 *   .service('api', { image: 'ghcr.io/org/api:v1.ctp', ports: ['8080:80'],
 *     environment: { DATABASE_URL: 'postgres://db:5432/shop' }, depends_on: { db: { condition: 'service_healthy' } } });
 * console.log(shop.toToml());
 * ```
 * @example Run it
 * ```ts
 * await using stack = await new Project()
 *   .service('web', { command: ['node', 'server.js'], ports: ['0:8080'] })
 *   .up();
 * console.log(stack.service('web').endpoint(8080).url);
 * ```
 */
export class Project extends ProjectModel {
  /** `options` with this project's {@link ProjectModel.activeProfiles} added to its `profiles`: a project narrowed at load runs what it holds. */
  #withActiveProfiles<O extends { readonly profiles?: readonly string[] | undefined }>(options: O): O {
    const narrowed = this.activeProfiles ?? [];
    return narrowed.length === 0 ? options : { ...options, profiles: [...new Set([...narrowed, ...(options.profiles ?? [])])] };
  }

  /**
   * What `up` would change, without changing anything: per service, network and volume one of
   * create / recreate / scale / start / remove / unchanged, each with its reasons.
   *
   * @param runtime - where to look. @default processRuntime()
   * @example
   * ```ts
   * const plan = await project.plan(runtime);
   * console.log(planToString(plan));
   * await project.plan(runtime, { expectNoChanges: true }); // throws PlanChangesError if not
   * ```
   */
  async plan(runtime?: Runtime, options: PlanOptions = {}): Promise<Plan> {
    const rt = runtime ?? processRuntime();
    try {
      const { planUp } = await import('./engine/up.js');
      return await planUp(this, rt, this.#withActiveProfiles(options));
    } finally {
      if (!runtime) await rt.close?.();
    }
  }

  /**
   * Starts the project (or converges it when it runs already) and returns a {@link Stack}.
   * Idempotent: with nothing changed it changes nothing. On failure what this run created is
   * removed again and a typed error (`HealthTimeoutError`, `ServiceExitedError`, …) is thrown.
   *
   * @example
   * ```ts
   * await using stack = await project.up({ parallel: 4, timeout: 60_000 });
   * ```
   */
  up(options: UpOptions = {}): Promise<Stack<this>> {
    const runtime = options.runtime ?? processRuntime();
    const withProfiles = { ...this.#withActiveProfiles(options), ownRuntime: options.runtime === undefined };
    // The engine's converging half (scheduler, readiness, rollouts, the Stack) loads on the first
    // `up`: `ps`, `down` and a program that only loads a project never compile it.
    return import('./engine/up.js').then(({ upProject }) => upProject(this, runtime, withProfiles));
  }

  /**
   * Stops and removes the project's containers (dependants first) and networks, and with
   * `volumes` its volumes, by project name: works from another process than the one that ran
   * `up`.
   *
   * @example
   * ```ts
   * await new Project('shop').down({ volumes: true });
   * ```
   */
  async down(options: DownOptions & { readonly runtime?: Runtime | undefined } = {}): Promise<DownResult> {
    const { runtime, ...rest } = options;
    const rt = runtime ?? processRuntime();
    try {
      return await downProject(projectView(this, this.name), rt, { ...rest, hubKey: this });
    } finally {
      if (!runtime) await rt.close?.();
    }
  }

  /**
   * The project's containers (stopped ones included) as the engine reports them, by project name:
   * works from another process than the one that ran `up`, and says what `stack.ps()` says there —
   * a service the engine's probes found healthy is `healthy` even while the runtime's own
   * healthcheck has not run yet (the `up` records what it observed beside the project's lock file;
   * a restarted or recreated container, or the runtime's own `unhealthy`, ends that), and a
   * one-shot job that finished is `completed (0)`.
   *
   * @example
   * ```ts
   * const containers = await new Project('shop').ps({ runtime });
   * console.log(containers.map((c) => `${c.name} ${c.status}`));
   * ```
   */
  async ps(options: { readonly runtime?: Runtime | undefined } = {}): Promise<readonly StackContainer[]> {
    const rt = options.runtime ?? processRuntime();
    try {
      return await psByName(this, rt);
    } finally {
      if (!options.runtime) await rt.close?.();
    }
  }

  /**
   * Every event of this project object from now on (all its `up`s, `down`s and stack
   * operations), as an async iterable with a bounded buffer: a slow consumer never blocks.
   *
   * @example
   * ```ts
   * const controller = new AbortController();
   * (async () => { for await (const e of project.events({ signal: controller.signal })) console.log(e.seq, e.type); })();
   * ```
   */
  events(options: EventStreamOptions = {}): AsyncIterableIterator<ComposeEvent> {
    return hubFor(this).stream(options);
  }
}
