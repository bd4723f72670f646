import { InvalidArgumentError } from '../errors/invalid-argument-error.js';
import { canonicalDuration } from '../spec/duration.js';
import type {
  BuildInput, DependencyInput, DeployInput, DurationInput, EnvironmentInputValue, FileRefInput, HealthcheckInput, PortInput,
  ResourcesInput, ServiceInput, VolumeMountInput,
} from '../spec/input.js';
import { attempt, throwingSink } from '../spec/issues.js';
import { parseVolumeMount } from '../spec/mount.js';
import { plainData } from '../spec/plain-data.js';
import { compact, copyExtension, sortRecord, type NormalizeContext } from '../spec/normalize-helpers.js';
import { CONTAINER_KEYS, commandList, fileRefs, serviceNetworks } from '../spec/normalize-container.js';
import { normalizeDeploy, normalizeResources } from '../spec/normalize-deploy.js';
import { normalizeBuild, normalizeDependency, normalizeEnvironment, normalizeHealthcheck, normalizeService, EMPTY_COMMAND } from '../spec/normalize-service.js';
import { parsePorts } from '../spec/port.js';
import type { DependencyConditionAlias, DependencySpec, RestartPolicy, ServiceNetworkSpec, ServiceSpec } from '../spec/types.js';
import { parseRestartPolicy, splitCommand } from '../spec/values.js';
import { checkName } from './resources.js';
import { isWaitStrategy, type WaitStrategy } from './wait.js';

type Draft = { -readonly [K in keyof ServiceSpec]: ServiceSpec[K] };

/** Adds refs, a later one replacing an earlier one at the same target. */
/**
 * Every key {@link Service.toJSON} may write, sorted as `sortRecord` sorts them: the container
 * fields ({@link CONTAINER_KEYS}) and the service's own.
 */
const SPEC_KEYS: readonly string[] = [
  ...CONTAINER_KEYS,
  ...['build', 'command', 'depends_on', 'deploy', 'env_file', 'environment', 'extensions', 'healthcheck', 'image', 'labels', 'networks'],
  ...['ports', 'profiles', 'read_only', 'restart', 'secrets', 'stop_grace_period', 'stop_signal', 'user', 'volumes', 'working_dir'],
].sort();

function mergeRefs<T extends { readonly source: string; readonly target?: string | undefined }>(current: readonly T[], added: readonly T[]): T[] {
  const key = (ref: T) => ref.target ?? ref.source;
  const next = current.filter((ref) => !added.some((a) => key(a) === key(ref)));
  return [...next, ...added];
}

let adopting: ServiceSpec | undefined;

/**
 * Options of {@link Service.dependsOn}.
 *
 * @example
 * ```ts
 * s.dependsOn('db', { condition: 'healthy', restart: true });
 * s.dependsOn('metrics', { required: false });
 * ```
 */
export interface DependsOnOptions {
  /** What the dependency must reach first. Short aliases accepted. @default 'started' */
  readonly condition?: DependencyConditionAlias | undefined;
  /** When false, a missing or failing dependency does not stop this service. @default true */
  readonly required?: boolean | undefined;
  /** Restart this service when the dependency is recreated. @default false */
  readonly restart?: boolean | undefined;
}

/**
 * One service of a project, built fluently (every method validates at once and returns `this`)
 * or from a compose-shaped {@link ServiceInput}. Bad values throw an `InvalidArgumentError`
 * naming the service and the field.
 *
 * @example
 * ```ts
 * new Project('shop').service('api', (s) =>
 *   s.image('ghcr.io/org/api:v1.ctp').port('8080:80').env({ NODE_ENV: 'production' })
 *    .dependsOn('db', { condition: 'healthy' }).healthcheck({ test: 'curl -f localhost/health', interval: '10s' }));
 * ```
 */
export class Service {
  /** The service's name in the project. */
  readonly name: string;
  #spec: Draft;
  #wait: WaitStrategy | undefined;

  /**
   * @param name - letters, digits, `.`, `-`, `_`, starting with a letter or digit.
   * @param input - compose-shaped fields (as in compose.toml).
   * @throws {@link InvalidArgumentError} for a bad name or field.
   */
  constructor(name: string, input: ServiceInput = {}) {
    const trusted = adopting;
    adopting = undefined;
    this.name = checkName('service', name);
    this.#spec = trusted ? { ...trusted } : (normalizeService(this.#ctx, `services.${name}`, plainData(input, `services.${name}`)) as Draft);
  }

  /** @internal Adopts an already-canonical spec without re-checking it (the loader's fast path). */
  static fromCanonical(name: string, spec: ServiceSpec): Service {
    adopting = spec;
    return new Service(name);
  }

  get #ctx(): NormalizeContext {
    return { sink: throwingSink, service: this.name };
  }

  #path(field: string): string {
    return `services.${this.name}.${field}`;
  }

  #parse<T>(field: string, parse: (path: string) => T): T {
    return attempt(throwingSink, this.#path(field), this.name, () => parse(this.#path(field))) as T;
  }

  #fail(field: string, message: string): never {
    throw new InvalidArgumentError(`service '${this.name}': ${this.#path(field)}: ${message}`, { field: this.#path(field), service: this.name });
  }

  /** Sets the `.ctp` bundle reference or path (or OCI image for the Docker runtime). */
  image(reference: string): this {
    if (typeof reference !== 'string' || reference.trim() === '') this.#fail('image', `must be a non-empty string, received ${JSON.stringify(reference)}`);
    this.#spec.image = reference;
    return this;
  }

  /**
   * Overrides the command: an argv array, or a string split like a shell would. An empty array
   * removes the override (the image's or bundle's own command runs, as `command: []` in Docker
   * Compose); an empty string is refused.
   */
  command(command: string | readonly string[]): this {
    if (typeof command === 'string') {
      if (command.trim() === '') this.#fail('command', EMPTY_COMMAND);
      this.#spec.command = this.#parse('command', (p) => splitCommand(command, p));
    } else if (Array.isArray(command) && command.every((c) => typeof c === 'string')) {
      if (command.length > 0) this.#spec.command = [...command];
      else delete this.#spec.command;
    } else this.#fail('command', 'must be an array of strings or a command string');
    return this;
  }

  /** Adds environment variables (merged over earlier ones). Values: string, number, boolean or `{ secret: 'NAME' }`. */
  env(variables: Readonly<Record<string, EnvironmentInputValue>>): this {
    const parsed = normalizeEnvironment(this.#ctx, this.#path('environment'), variables);
    this.#spec.environment = sortRecord({ ...this.#spec.environment, ...parsed });
    return this;
  }

  /** Alias of {@link Service.env}. */
  environment(variables: Readonly<Record<string, EnvironmentInputValue>>): this {
    return this.env(variables);
  }

  /** Adds `KEY=VALUE` files (relative to the project's working directory), read by the loader. */
  envFile(...paths: string[]): this {
    for (const path of paths) if (typeof path !== 'string' || path === '') this.#fail('env_file', 'must be a non-empty path');
    this.#spec.env_file = [...new Set([...this.#spec.env_file, ...paths])];
    return this;
  }

  /** Publishes a port: `'8080:80'`, `'0:80'`, `'127.0.0.1:8080:80/udp'`, a range `'8000-8002:80-82'`, `80`, or `{ target, published }`. */
  port(port: PortInput): this {
    const index = this.#spec.ports.length;
    this.#spec.ports = [...this.#spec.ports, ...this.#parse(`ports[${index}]`, (p) => parsePorts(port, p))];
    return this;
  }

  /** Publishes several ports. */
  ports(ports: readonly PortInput[]): this {
    for (const port of ports) this.port(port);
    return this;
  }

  /** Depends on another service (or several), with an optional condition. */
  dependsOn(name: string | readonly string[], options: DependsOnOptions = {}): this {
    for (const dependency of typeof name === 'string' ? [name] : name) {
      checkName('dependency', dependency, this.name);
      const spec: DependencySpec = normalizeDependency(this.#ctx, this.#path(`depends_on.${dependency}`), options as DependencyInput);
      this.#spec.depends_on = sortRecord({ ...this.#spec.depends_on, [dependency]: spec });
    }
    return this;
  }

  /** Mounts a volume or host path: `'./data:/data:ro'`, `'pgdata:/var/lib/data'` or the long form. */
  volume(mount: VolumeMountInput): this {
    const index = this.#spec.volumes.length;
    this.#spec.volumes = [...this.#spec.volumes, this.#parse(`volumes[${index}]`, (p) => parseVolumeMount(mount, p))];
    return this;
  }

  /** Mounts several volumes. */
  volumes(mounts: readonly VolumeMountInput[]): this {
    for (const mount of mounts) this.volume(mount);
    return this;
  }

  /**
   * Attaches declared networks: names, or `{ name, aliases, ipv4_address, ipv6_address, priority }`.
   *
   * @example
   * ```ts
   * s.network('front', { name: 'back', aliases: ['db'] });
   * ```
   */
  network(...networks: (string | ({ readonly name: string } & ServiceNetworkSpec))[]): this {
    const table: Record<string, unknown> = {};
    for (const item of networks) {
      if (typeof item === 'string') table[checkName('network', item, this.name)] = {};
      else if (typeof item === 'object' && item !== null) {
        const { name, ...settings } = item;
        table[checkName('network', name, this.name)] = plainData(settings, this.#path(`networks.${name}`));
      } else this.#fail('networks', 'expected a network name or { name, aliases, … }');
    }
    this.#spec.networks = sortRecord({ ...this.#spec.networks, ...serviceNetworks(this.#ctx, this.#path('networks'), table) });
    return this;
  }

  /** Mounts declared secrets: names (at `/run/secrets/NAME`) or `{ source, target, uid, gid, mode }`. */
  secret(...secrets: FileRefInput[]): this {
    this.#spec.secrets = mergeRefs(this.#spec.secrets, fileRefs(this.#ctx, this.#path('secrets'), plainData(secrets, this.#path('secrets'))));
    return this;
  }

  /** Mounts declared configs: names (at `/NAME`) or `{ source, target, uid, gid, mode }`. */
  config(...configs: FileRefInput[]): this {
    this.#spec.configs = mergeRefs(this.#spec.configs ?? [], fileRefs(this.#ctx, this.#path('configs'), plainData(configs, this.#path('configs'))));
    return this;
  }

  /** Overrides the image's entrypoint: an argv array, or a string split like a shell would; `[]` clears it. */
  entrypoint(entrypoint: string | readonly string[]): this {
    const parsed = commandList(this.#ctx, this.#path('entrypoint'), entrypoint);
    if (parsed !== undefined) this.#spec.entrypoint = parsed;
    return this;
  }

  /** Restart policy: `no`, `always`, `on-failure`, `on-failure:N`, `unless-stopped`. */
  restart(policy: RestartPolicy): this {
    this.#spec.restart = this.#parse('restart', (p) => parseRestartPolicy(policy, p));
    return this;
  }

  /** Sets the healthcheck (`start_period` or `startPeriod`, durations as strings or ms). */
  healthcheck(healthcheck: HealthcheckInput): this {
    this.#spec.healthcheck = normalizeHealthcheck(this.#ctx, this.#path('healthcheck'), healthcheck);
    return this;
  }

  /** Number of replicas (`deploy.replicas`). */
  replicas(count: number): this {
    if (!Number.isInteger(count) || count < 0) this.#fail('deploy.replicas', `must be an integer >= 0, received ${String(count)}`);
    this.#spec.deploy = { ...this.#spec.deploy, replicas: count };
    return this;
  }

  /** Sets `deploy` (replicas, strategy, resources). */
  deploy(deploy: DeployInput): this {
    this.#spec.deploy = normalizeDeploy(this.#ctx, this.#path('deploy'), deploy);
    return this;
  }

  /** Sets `deploy.resources` (limits and reservations). */
  resources(resources: ResourcesInput): this {
    const { replicas, strategy } = this.#spec.deploy;
    this.#spec.deploy = compact({ replicas, resources: normalizeResources(this.#ctx, this.#path('deploy.resources'), resources), strategy });
    return this;
  }

  /** How to build the image or bundle (a string is the context). */
  build(build: BuildInput): this {
    this.#spec.build = normalizeBuild(this.#ctx, this.#path('build'), build);
    return this;
  }

  /** The service only runs when one of these profiles is active. */
  profiles(...profiles: string[]): this {
    for (const profile of profiles) checkName('profile', profile, this.name);
    this.#spec.profiles = [...new Set([...this.#spec.profiles, ...profiles])];
    return this;
  }

  /** Adds one label. */
  label(key: string, value: string): this {
    return this.labels({ [key]: value });
  }

  /** Adds labels. */
  labels(labels: Readonly<Record<string, string | number | boolean>>): this {
    const next: Record<string, string> = { ...this.#spec.labels };
    for (const [key, value] of Object.entries(labels)) {
      if (!['string', 'number', 'boolean'].includes(typeof value)) this.#fail(`labels.${key}`, 'must be a string');
      next[key] = String(value);
    }
    this.#spec.labels = sortRecord(next);
    return this;
  }

  /** Working directory inside the service (`working_dir`). */
  workdir(path: string): this {
    if (typeof path !== 'string' || path === '') this.#fail('working_dir', 'must be a non-empty path');
    this.#spec.working_dir = path;
    return this;
  }

  /** User (and group) to run as, e.g. `'1000:1000'`. */
  user(user: string): this {
    if (typeof user !== 'string' || user === '') this.#fail('user', 'must be a non-empty string');
    this.#spec.user = user;
    return this;
  }

  /** Time to wait after the stop signal before killing: a duration string or milliseconds. @default '10s' */
  stopGracePeriod(duration: DurationInput): this {
    this.#spec.stop_grace_period = this.#parse('stop_grace_period', (p) => canonicalDuration(duration, p));
    return this;
  }

  /** Signal sent to stop the service. @default 'SIGTERM' */
  stopSignal(signal: string): this {
    if (typeof signal !== 'string' || signal === '') this.#fail('stop_signal', 'must be a signal name like "SIGTERM"');
    this.#spec.stop_signal = signal;
    return this;
  }

  /** Mount the root filesystem read-only. */
  readOnly(readOnly = true): this {
    this.#spec.read_only = readOnly === true;
    return this;
  }

  /** Sets an `x-*` extension field (kept as given, ignored by the engine). */
  extension(key: `x-${string}`, value: unknown): this {
    if (typeof key !== 'string' || !key.startsWith('x-')) this.#fail(String(key), 'extension keys must start with "x-"');
    this.#spec.extensions = sortRecord({ ...this.#spec.extensions, [key]: copyExtension(plainData(value, this.#path(key))) }) as ServiceSpec['extensions'];
    return this;
  }

  /** How the engine decides this service is ready (SDK only; not part of the compose spec). */
  waitFor(strategy: WaitStrategy): this {
    if (!isWaitStrategy(strategy)) this.#fail('waitFor', 'expected a strategy from Wait.for…()');
    this.#wait = strategy;
    return this;
  }

  /** The wait strategy set with {@link Service.waitFor}, if any. */
  get waitStrategy(): WaitStrategy | undefined {
    return this.#wait;
  }

  /** The canonical spec: defaults filled, keys sorted. */
  toJSON(): ServiceSpec {
    // Built in the sorted order of every key it may hold, absent (undefined) ones left out: the
    // same object as a compacted copy with its keys sorted, without the copy and the sort (a plan
    // of 2,000 services spent a third of its time here).
    const s = this.#spec as unknown as Readonly<Record<string, unknown>>;
    const out: Record<string, unknown> = {};
    for (const key of SPEC_KEYS) {
      const value = s[key];
      if (value !== undefined) out[key] = value;
    }
    return out as unknown as ServiceSpec;
  }
}
