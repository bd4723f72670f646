import type { ValidationIssue } from '../errors/validation-error.js';
import { randomBytes } from 'node:crypto';
import { ComposeValidationError } from '../errors/validation-error.js';
import { InvalidArgumentError } from '../errors/invalid-argument-error.js';
import { createGraph, type DependencyGraph } from '../graph/dependency-graph.js';
import type { ConfigInput, NetworkInput, SecretInput, ServiceInput, VolumeInput } from '../spec/input.js';
import { IssueCollector, isRecord, throwingSink } from '../spec/issues.js';
import { isValidProjectName } from '../spec/names.js';
import { copyExtension, sortRecord } from '../spec/normalize-helpers.js';
import { normalizeProject, normalizeSvalinn } from '../spec/normalize-project.js';
import { plainData } from '../spec/plain-data.js';
import { renderToml } from '../spec/render-toml.js';
import { renderYaml } from '../spec/render-yaml.js';
import type { ConfigSpec, NetworkSpec, ProjectSource, ProjectSpec, SecretSpec, SvalinnExtension, VolumeSpec } from '../spec/types.js';
import { specIssues } from '../spec/validate.js';
import { Config, Network, Secret, Volume } from './resources.js';
import { Service } from './service.js';
import type { WaitStrategy } from './wait.js';

const KEEP_WAIT: ReadonlySet<string> = new Set(['waitFor']);

/** A canonical spec as a compose document: the `extensions` records become `x-*` keys again (everything else is accepted as is). */
function inlineExtensions(spec: Record<string, unknown>): Record<string, unknown> {
  const lift = (table: Record<string, unknown>) => {
    const { extensions, ...rest } = table;
    return isRecord(extensions) ? { ...rest, ...extensions } : extensions === undefined ? rest : table;
  };
  const document = lift(spec);
  const services = document['services'];
  if (isRecord(services)) {
    const lifted: Record<string, unknown> = {};
    for (const [name, service] of Object.entries(services)) lifted[name] = isRecord(service) ? lift(service) : service;
    document['services'] = lifted;
  }
  return document;
}

/**
 * Options of the `Project` (and `ProjectModel`) constructor.
 *
 * @example
 * ```ts
 * new Project(undefined, { workingDir: '/srv/shop', idSource: () => 'test0001' }).name; // 'p-test0001'
 * ```
 */
export interface ProjectModelOptions {
  /** Folder that relative paths (bind mounts, env files, secret files, build contexts) are resolved against. @default process.cwd() */
  readonly workingDir?: string | undefined;
  /** The compose files the project was loaded from, in merge order. @default [] */
  readonly files?: readonly string[] | undefined;
  /** Source of the random part of a generated name (`p-` + its result). @default 8 random hex digits */
  readonly idSource?: (() => string) | undefined;
  /** @internal What loading the files warned about (see `ProjectSource.warnings`). */
  readonly warnings?: readonly ValidationIssue[] | undefined;
  /** @internal How the files' variables were read (see `ProjectSource.variables`). */
  readonly variables?: ((name: string) => string | undefined) | undefined;
}

/**
 * A compose project: services, volumes, networks and secrets, built fluently or loaded from
 * compose.toml (both give equal {@link ProjectModel.toJSON} output). Builders return `this`, so
 * subclasses keep their type. Use {@link Project}, which the engine extends with `up`/`down`.
 *
 * @example
 * ```ts
 * const project = new ProjectModel('shop')
 *   .service('db', { image: 'ghcr.io/org/postgres:16.ctp', healthcheck: { test: 'pg_isready' } })
 *   .service('api', (s) => s.image('ghcr.io/org/api:v1.ctp').dependsOn('db', { condition: 'healthy' }).port('8080:80'));
 * project.validate();
 * ```
 */
export class ProjectModel {
  /** The project name (lowercase letters, digits, `-`, `_`). */
  readonly name: string;
  /** True when no name was given and `name` was generated (unique per object). */
  readonly generatedName: boolean;
  /** Where the project came from; relative paths resolve against `source.workingDir`. */
  readonly source: ProjectSource;
  readonly #services = new Map<string, Service>();
  readonly #volumes = new Map<string, Volume>();
  readonly #networks = new Map<string, Network>();
  readonly #secrets = new Map<string, Secret>();
  readonly #configs = new Map<string, Config>();
  #extensions: Record<string, unknown> = {};
  #svalinn: SvalinnExtension | undefined;
  #activeProfiles: readonly string[] | undefined;

  /**
   * @param name - the project name; when absent a unique one (`p-1a2b3c4d`) is generated.
   * @throws {@link InvalidArgumentError} (field `name`) for an invalid name.
   */
  constructor(name?: string, options: ProjectModelOptions = {}) {
    const generated = name === undefined;
    const chosen = name ?? `p-${options.idSource ? options.idSource() : randomBytes(4).toString('hex')}`;
    if (!isValidProjectName(chosen))
      throw new InvalidArgumentError(
        `project name must be lowercase letters, digits, '-' or '_', starting with a letter or digit${generated ? ' (from idSource)' : ''}; received ${JSON.stringify(chosen)}`,
        { field: 'name' },
      );
    this.name = chosen;
    this.generatedName = generated;
    this.source = { workingDir: options.workingDir ?? process.cwd(), files: [...(options.files ?? [])], ...(options.warnings && options.warnings.length > 0 ? { warnings: [...options.warnings] } : {}), ...(options.variables ? { variables: options.variables } : {}) };
  }

  /**
   * Rebuilds a project from its canonical spec (e.g. from `JSON.parse`); the input is checked
   * like a compose file. Returns an instance of the class it is called on.
   *
   * @throws {@link ComposeValidationError} listing every problem of the spec's fields.
   */
  static fromJSON<T extends typeof ProjectModel>(this: T, spec: ProjectSpec, source: Partial<ProjectSource> = {}): InstanceType<T> {
    const collector = new IssueCollector();
    spec = plainData(spec, 'spec');
    const document = isRecord(spec) ? inlineExtensions(spec) : spec;
    const name = isRecord(spec) && typeof spec.name === 'string' ? spec.name : undefined;
    const canonical = normalizeProject({ sink: collector }, document, name ?? 'default');
    if (collector.issues.length > 0) throw new ComposeValidationError(collector.issues);
    const project = new this(canonical.name, { workingDir: source.workingDir, files: source.files }) as InstanceType<T>;
    project.adoptSpec(canonical);
    return project;
  }

  /** @internal Fills this (empty) project from a canonical spec without re-checking it. */
  adoptSpec(spec: ProjectSpec, waits?: ReadonlyMap<string, WaitStrategy>): void {
    for (const [name, service] of Object.entries(spec.services)) {
      const model = Service.fromCanonical(name, service);
      const wait = waits?.get(name);
      if (wait) model.waitFor(wait);
      this.#services.set(name, model);
    }
    for (const [name, volume] of Object.entries(spec.volumes)) this.#volumes.set(name, new Volume(name, volume));
    for (const [name, network] of Object.entries(spec.networks)) this.#networks.set(name, new Network(name, network));
    for (const [name, secret] of Object.entries(spec.secrets)) this.#secrets.set(name, new Secret(name, secret));
    for (const [name, config] of Object.entries(spec.configs)) this.#configs.set(name, new Config(name, config));
    this.#extensions = { ...spec.extensions };
    this.#svalinn = spec['x-svalinn'];
  }

  /**
   * Adds or replaces a service from compose-shaped fields, or creates/edits one with a callback.
   *
   * @example
   * ```ts
   * project.service('db', { image: 'postgres.ctp', ports: ['5432:5432'] });
   * project.service('api', (s) => s.image('api.ctp').dependsOn('db'));
   * project.service('web', { command: ['node', 'web.js'], ports: ['0:8080'], waitFor: Wait.forHttp('/health', { port: 8080 }) });
   * ```
   */
  service(name: string, input: (ServiceInput & { readonly waitFor?: WaitStrategy | undefined }) | ((service: Service) => Service | void)): this {
    if (typeof input === 'function') {
      const service = this.#services.get(name) ?? new Service(name);
      const returned = input(service);
      const result = returned instanceof Service ? returned : service;
      if (result.name !== name) throw new InvalidArgumentError(`service '${name}': the callback returned service '${result.name}'`, { field: 'name', service: name });
      this.#services.set(name, result);
    } else {
      // `waitFor` is SDK-only (not a compose field): set it like the fluent `.waitFor()`.
      // a snapshot of plain data first: Proxies, throwing getters, cycles and deep nesting are typed errors
      const safe = typeof input === 'object' && input !== null ? plainData(input, `services.${name}`, KEEP_WAIT) : input;
      const { waitFor, ...fields } = typeof safe === 'object' && safe !== null ? safe : { waitFor: undefined };
      const service = new Service(name, typeof safe === 'object' && safe !== null ? fields : safe);
      if (waitFor !== undefined) service.waitFor(waitFor);
      this.#services.set(name, service);
    }
    return this;
  }

  /** Declares a named volume. */
  volume(name: string, input: VolumeInput = {}): this {
    this.#volumes.set(name, new Volume(name, plainData(input, `volumes.${name}`)));
    return this;
  }

  /** Declares a named network (`driver: 'selur'` for zero-copy, default `bridge`). */
  network(name: string, input: NetworkInput = {}): this {
    this.#networks.set(name, new Network(name, plainData(input, `networks.${name}`)));
    return this;
  }

  /** Declares a secret: `{ file: './path' }`, `{ environment: 'VAR' }` or `{ external: true }`. */
  secret(name: string, input: SecretInput): this {
    this.#secrets.set(name, new Secret(name, plainData(input, `secrets.${name}`)));
    return this;
  }

  /** Declares a config: `{ file: './path' }`, `{ content: '…' }`, `{ environment: 'VAR' }` or `{ external: true }`. */
  config(name: string, input: ConfigInput): this {
    this.#configs.set(name, new Config(name, plainData(input, `configs.${name}`)));
    return this;
  }

  /** Sets a top-level `x-*` extension (kept and ignored by the engine). */
  extension(key: `x-${string}`, value: unknown): this {
    if (typeof key !== 'string' || !key.startsWith('x-') || key === 'x-svalinn')
      throw new InvalidArgumentError(`extension keys must start with "x-" (use svalinn() for x-svalinn), received ${JSON.stringify(key)}`, { field: String(key) });
    this.#extensions = sortRecord({ ...this.#extensions, [key]: copyExtension(plainData(value, key)) });
    return this;
  }

  /** Sets the `x-svalinn` table (policy, verify, attestations). */
  svalinn(settings: SvalinnExtension): this {
    this.#svalinn = normalizeSvalinn({ sink: throwingSink }, 'x-svalinn', plainData(settings, 'x-svalinn'));
    return this;
  }

  /** The service called `name`, if any. */
  getService(name: string): Service | undefined {
    return this.#services.get(name);
  }

  /** Service names, sorted. */
  serviceNames(): string[] {
    return [...this.#services.keys()].sort();
  }

  /** The volume called `name`, if any. */
  getVolume(name: string): Volume | undefined {
    return this.#volumes.get(name);
  }

  /** The network called `name`, if any. */
  getNetwork(name: string): Network | undefined {
    return this.#networks.get(name);
  }

  /** The secret called `name`, if any. */
  getSecret(name: string): Secret | undefined {
    return this.#secrets.get(name);
  }

  /** The config called `name`, if any. */
  getConfig(name: string): Config | undefined {
    return this.#configs.get(name);
  }

  /**
   * The services' dependency graph (`depends_on`; names of undefined services are left out):
   * start order, stop order, closures, levels, cycles.
   *
   * @example
   * ```ts
   * project.dependencyGraph().closure(['api']); // ['db', 'api']: what `up api` starts
   * ```
   */
  dependencyGraph(): DependencyGraph {
    const edges: Record<string, string[]> = {};
    for (const [name, service] of this.#services) edges[name] = Object.keys(service.toJSON().depends_on).filter((d) => this.#services.has(d));
    return createGraph(edges);
  }

  /** Wait strategies set with `service.waitFor()`, by service name. */
  waitStrategies(): ReadonlyMap<string, WaitStrategy> {
    const out = new Map<string, WaitStrategy>();
    for (const name of this.serviceNames()) {
      const wait = this.#services.get(name)?.waitStrategy;
      if (wait) out.set(name, wait);
    }
    return out;
  }

  /**
   * The profiles this project was narrowed to by `withProfiles` (or by
   * `loadProject(file, { profiles })`), undefined when it never was. `plan` and `up` treat them
   * as active, so the services such a project holds are the services they run (their
   * `profiles` fields are kept, so `toToml()` still says which profile each belongs to).
   *
   * @example
   * ```ts
   * const project = await loadProject('compose.toml', { profiles: ['debug'] });
   * project.activeProfiles; // ['debug']
   * await project.up(); // runs the debug services too, with no profiles passed again
   * ```
   */
  get activeProfiles(): readonly string[] | undefined {
    return this.#activeProfiles;
  }

  /**
   * A copy of this project with only the services active for `profiles` (added to the
   * `activeProfiles` this project already has): services without profiles,
   * services with one of them, and everything those depend on. The copy remembers them as its
   * active profiles, so its `plan` and `up` run exactly the services it holds.
   *
   * @example
   * ```ts
   * project.withProfiles('debug').serviceNames();
   * ```
   */
  withProfiles(...profiles: string[]): this {
    profiles = [...new Set([...(this.#activeProfiles ?? []), ...profiles])];
    const spec = this.toJSON();
    const active = new Set(Object.keys(spec.services).filter((n) => {
      const own = (spec.services[n] as ProjectSpec['services'][string]).profiles;
      return own.length === 0 || own.some((p) => profiles.includes(p));
    }));
    const stack = [...active];
    while (stack.length > 0) {
      for (const dep of Object.keys(spec.services[stack.pop() as string]?.depends_on ?? {}))
        if (!active.has(dep) && Object.hasOwn(spec.services, dep)) {
          active.add(dep);
          stack.push(dep);
        }
    }
    const services: Record<string, ProjectSpec['services'][string]> = {};
    for (const name of Object.keys(spec.services)) if (active.has(name)) services[name] = spec.services[name] as ProjectSpec['services'][string];
    const Ctor = this.constructor as new (name: string, options: ProjectModelOptions) => this;
    const copy = new Ctor(this.name, { workingDir: this.source.workingDir, files: this.source.files, warnings: this.source.warnings, variables: this.source.variables });
    copy.adoptSpec({ ...spec, services }, this.waitStrategies());
    copy.#activeProfiles = profiles;
    return copy;
  }

  /** The canonical spec: defaults filled, keys sorted, stable order. */
  toJSON(): ProjectSpec {
    const map = <M extends { toJSON(): unknown }>(from: Map<string, M>) => {
      const out: Record<string, ReturnType<M['toJSON']>> = {};
      for (const name of [...from.keys()].sort()) out[name] = (from.get(name) as M).toJSON() as ReturnType<M['toJSON']>;
      return out;
    };
    const spec: { -readonly [K in keyof ProjectSpec]: ProjectSpec[K] } = {
      extensions: this.#extensions as ProjectSpec['extensions'],
      name: this.name,
      networks: map(this.#networks) as Record<string, NetworkSpec>,
      secrets: map(this.#secrets) as Record<string, SecretSpec>,
      configs: map(this.#configs) as Record<string, ConfigSpec>,
      services: map(this.#services),
      version: '1.0',
      volumes: map(this.#volumes) as Record<string, VolumeSpec>,
    };
    if (this.#svalinn !== undefined) spec['x-svalinn'] = this.#svalinn;
    return spec;
  }

  /** The canonical spec as compose.toml text (stable; loads back to an equal project). */
  toToml(): string {
    return renderToml(this.toJSON());
  }

  /**
   * The canonical spec as compose.yaml text: the same document as {@link ProjectModel.toToml}
   * in YAML (stable; loads back to an equal project; Docker Compose reads it too).
   *
   * @example
   * ```ts
   * await writeFile('compose.yaml', project.toYaml());
   * ```
   */
  toYaml(): string {
    return renderYaml(this.toJSON());
  }

  /**
   * Checks the whole project: the JSON Schema and the semantic rules (image set; dependencies,
   * networks, volumes and secrets declared; no cycles; no host port published twice).
   *
   * @throws {@link ComposeValidationError} carrying every problem found.
   */
  validate(): void {
    const issues = specIssues(this.toJSON());
    if (issues.length > 0) throw new ComposeValidationError(issues, { file: this.source.files[0] });
  }
}
