import { canonicalDuration } from './duration.js';
import { joinPath, isRecord } from './issues.js';
import { parseVolumeMount } from './mount.js';
import { isValidResourceName } from './names.js';
import { CONTAINER_KEYS, extraHosts, fileRefs, normalizeContainerFields, serviceNetworks } from './normalize-container.js';
import { foldShortForms, normalizeDeploy, SHORT_FORM_KEYS } from './normalize-deploy.js';
import {
  bool, checkKeys, compact, copyExtension, fromError, int, parseAt, problem, sortRecord, str, stringList, stringRecord,
  type NormalizeContext,
} from './normalize-helpers.js';
import { parsePorts } from './port.js';
import { show } from './show.js';
import type { BuildSpec, DependencySpec, DurationString, EnvironmentValue, HealthcheckSpec, PortSpec, ServiceSpec, VolumeMountSpec } from './types.js';

type Draft = { -readonly [K in keyof ServiceSpec]: ServiceSpec[K] };
import { parseDependencyCondition, parseMemory, parseRestartPolicy, splitCommand } from './values.js';

/** Why an empty command string is refused. */
export const EMPTY_COMMAND = 'must not be an empty string (was a variable unset?); leave command out, or write command = [], to keep the image\'s own command';

/** Fields a service table may have (besides `x-*`). */
export const SERVICE_KEYS: ReadonlySet<string> = new Set([
  'image', 'command', 'environment', 'env_file', 'ports', 'depends_on', 'volumes', 'networks', 'secrets', 'restart',
  'healthcheck', 'deploy', 'build', 'profiles', 'labels', 'working_dir', 'workdir', 'user', 'stop_grace_period',
  'stop_signal', 'read_only', ...CONTAINER_KEYS, ...SHORT_FORM_KEYS,
]);

const HEALTHCHECK_KEYS = new Set(['test', 'interval', 'timeout', 'retries', 'start_period', 'startPeriod', 'start_interval', 'startInterval', 'disable']);
const BUILD_KEYS = new Set([
  'context', 'dockerfile', 'args', 'target', 'dockerfile_inline', 'labels', 'cache_from', 'cache_to', 'tags', 'platforms', 'network',
  'shm_size', 'no_cache', 'pull', 'privileged', 'extra_hosts', 'secrets', 'ssh', 'additional_contexts',
]);
const DEPENDENCY_KEYS = new Set(['condition', 'required', 'restart']);

function duration(ctx: NormalizeContext, base: string, key: string, value: unknown, fallback: DurationString): DurationString {
  if (value === undefined) return fallback;
  const path = `${base}.${key}`;
  if (typeof value !== 'string' && typeof value !== 'number') {
    problem(ctx, path, `must be a duration like "30s" or "1m30s", received ${show(value)}`, 'invalid-duration');
    return fallback;
  }
  try {
    return canonicalDuration(value, path);
  } catch (error) {
    fromError({ ...ctx, sink: { report: (i) => ctx.sink.report({ ...i, code: 'invalid-duration' }) } }, path, error);
    return fallback;
  }
}

/** A variable name that `- KEY` may inherit. */
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/** Normalises one environment table (or `KEY=VALUE` array); secret references kept as `{ secret }`. */
export function normalizeEnvironment(ctx: NormalizeContext, path: string, value: unknown): Record<string, EnvironmentValue> {
  if (Array.isArray(value) && ctx.lookup !== undefined) {
    const out: Record<string, EnvironmentValue> = {};
    value.forEach((item, i) => {
      const at = joinPath(path, i);
      if (typeof item === 'string' && VARIABLE_NAME.test(item) && item !== '__proto__') {
        // `- KEY` (no `=`): the value comes from the variables the file was interpolated with
        const inherited = ctx.lookup?.(item);
        if (inherited !== undefined) out[item] = inherited;
        return;
      }
      const text = str(ctx, at, item);
      if (text === undefined) return;
      const eq = text.indexOf('=');
      if (eq <= 0 || text.slice(0, eq) === '__proto__') problem(ctx, at, `expected "KEY=VALUE", received ${show(text)}`);
      else out[text.slice(0, eq)] = text.slice(eq + 1);
    });
    return sortRecord(out);
  }
  if (!isRecord(value)) return stringRecord(ctx, path, value, true);
  const out: Record<string, EnvironmentValue> = {};
  for (const key of Object.keys(value).sort()) {
    const item = value[key];
    if (typeof item === 'string' && key.length > 0 && !key.includes('=') && key !== '__proto__') {
      out[key] = item;
      continue;
    }
    const at = joinPath(path, key);
    if (key.length === 0 || key.includes('=') || key === '__proto__') problem(ctx, at, `'${key}' is not a valid variable name`);
    else if (item === null && ctx.lookup !== undefined) {
      // `KEY:` (no value): as `- KEY`
      const inherited = ctx.lookup(key);
      if (inherited !== undefined) out[key] = inherited;
    }
    else if (isRecord(item)) {
      const keys = Object.keys(item);
      const secret = item['secret'];
      if (keys.length !== 1 || typeof secret !== 'string' || secret.length === 0)
        problem(ctx, at, `a table value must be a secret reference { secret = "NAME" }, received ${show(item)}`);
      else out[key] = { secret };
    } else if (typeof item === 'string') out[key] = item;
    else if ((typeof item === 'number' && Number.isFinite(item)) || typeof item === 'boolean') out[key] = String(item);
    else problem(ctx, at, `must be a string, number, boolean or { secret = "NAME" }, received ${show(item)}`, 'type');
  }
  return out;
}

/** Normalises `depends_on` (array of names, or table of long forms). */
export function normalizeDependsOn(ctx: NormalizeContext, path: string, value: unknown): Record<string, DependencySpec> {
  const out: Record<string, DependencySpec> = {};
  // a dependency that is not a valid service name can never be met; `__proto__` would replace the record's prototype
  const valid = (name: string, at: string) =>
    isValidResourceName(name) || (problem(ctx, at, `'${name}' is not a valid service name (letters, digits, '.', '-', '_'; starting with a letter or digit)`, 'invalid-name') ?? false);
  if (Array.isArray(value)) {
    const names = stringList(ctx, path, value);
    for (const name of names) if (valid(name, joinPath(path, name))) out[name] = { condition: 'service_started', required: true, restart: false };
    return sortRecord(out);
  }
  if (!isRecord(value)) {
    problem(ctx, path, `must be an array of service names or a table { NAME = { condition = "service_healthy" } }, received ${show(value)}`, 'type');
    return out;
  }
  for (const name of Object.keys(value).sort()) if (valid(name, joinPath(path, name))) out[name] = normalizeDependency(ctx, joinPath(path, name), value[name]);
  return out;
}

/** Normalises one long-form dependency (a bare condition string is accepted). */
export function normalizeDependency(ctx: NormalizeContext, path: string, value: unknown): DependencySpec {
  const base: { condition: DependencySpec['condition']; required: boolean; restart: boolean } = { condition: 'service_started', required: true, restart: false };
  if (typeof value === 'string') {
    base.condition = parseAt(ctx, path, () => parseDependencyCondition(value, path)) ?? base.condition;
    return base;
  }
  if (!isRecord(value)) {
    problem(ctx, path, `must be a table { condition, required, restart }, received ${show(value)}`, 'type');
    return base;
  }
  checkKeys(ctx, path, value, DEPENDENCY_KEYS);
  if (value['condition'] !== undefined)
    base.condition = parseAt(ctx, joinPath(path, 'condition'), () => parseDependencyCondition(value['condition'], joinPath(path, 'condition'))) ?? base.condition;
  if (value['required'] !== undefined) base.required = bool(ctx, joinPath(path, 'required'), value['required']) ?? true;
  if (value['restart'] !== undefined) base.restart = bool(ctx, joinPath(path, 'restart'), value['restart']) ?? false;
  return base;
}

/** Normalises a healthcheck table. */
export function normalizeHealthcheck(ctx: NormalizeContext, path: string, value: unknown): HealthcheckSpec | undefined {
  if (!isRecord(value)) return problem(ctx, path, `must be a table { test, interval, timeout, retries, start_period }, received ${show(value)}`, 'type');
  checkKeys(ctx, path, value, HEALTHCHECK_KEYS);
  // `healthcheck: { disable: false }` alone changes nothing: the image's own healthcheck stays, as with no table
  if (Object.keys(value).length === 1 && value['disable'] === false) return undefined;
  const at = (key: string) => `${path}.${key}`;
  const disable = value['disable'] === undefined ? false : (bool(ctx, at('disable'), value['disable']) ?? false);
  let test: string | readonly string[] | undefined;
  const rawTest = value['test'];
  if (typeof rawTest === 'string') test = rawTest;
  else if (Array.isArray(rawTest) && rawTest.every((item) => typeof item === 'string')) test = [...(rawTest as string[])];
  else if (rawTest !== undefined) problem(ctx, at('test'), `must be a shell command string or an array of strings, received ${show(rawTest)}`, 'type');
  // No `test`: the image's HEALTHCHECK test runs with the timing given here (Compose; Docker merges it).
  // An empty one is a mistake, not a request for the image's.
  if (!disable && test !== undefined && test.length === 0) problem(ctx, at('test'), 'is empty; give a command, leave `test` out to keep the image\'s own, or disable = true', 'missing-field');
  // `["NONE"]` is Docker's way of writing `disable: true`
  const none = Array.isArray(test) && test[0] === 'NONE';
  return {
    disable: disable || none,
    interval: duration(ctx, path, 'interval', value['interval'], '30s'),
    retries: value['retries'] === undefined ? 3 : (int(ctx, at('retries'), value['retries']) ?? 3),
    start_interval: duration(ctx, path, 'start_interval', value['start_interval'] ?? value['startInterval'], '5s'),
    start_period: duration(ctx, path, 'start_period', value['start_period'] ?? value['startPeriod'], '0s'),
    ...(test !== undefined && !none ? { test } : {}),
    timeout: duration(ctx, path, 'timeout', value['timeout'], '30s'),
  };
}

/** Normalises `build` (a string is the context). */
export function normalizeBuild(ctx: NormalizeContext, path: string, value: unknown): BuildSpec | undefined {
  if (typeof value === 'string') return { args: {}, context: value, dockerfile: 'Dockerfile' };
  if (!isRecord(value)) return problem(ctx, path, `must be a context path or a table { context, dockerfile, args, target, … }, received ${show(value)}`, 'type');
  checkKeys(ctx, path, value, BUILD_KEYS);
  const at = (key: string) => joinPath(path, key);
  const optional = <T>(key: string, parse: (at: string, item: unknown) => T | undefined): T | undefined =>
    value[key] === undefined ? undefined : parse(at(key), value[key]);
  if (value['dockerfile'] !== undefined && value['dockerfile_inline'] !== undefined)
    problem(ctx, path, 'has both dockerfile and dockerfile_inline; keep one', 'conflict');
  return compact({
    additional_contexts: optional('additional_contexts', (p, v) => stringRecord(ctx, p, v, true)),
    args: value['args'] === undefined ? {} : stringRecord(ctx, at('args'), value['args'], true),
    cache_from: optional('cache_from', (p, v) => stringList(ctx, p, v)),
    cache_to: optional('cache_to', (p, v) => stringList(ctx, p, v)),
    context: value['context'] === undefined ? '.' : (str(ctx, at('context'), value['context'], true) ?? '.'),
    dockerfile: value['dockerfile'] === undefined ? 'Dockerfile' : (str(ctx, at('dockerfile'), value['dockerfile'], true) ?? 'Dockerfile'),
    dockerfile_inline: optional('dockerfile_inline', (p, v) => str(ctx, p, v, true)),
    extra_hosts: optional('extra_hosts', (p, v) => extraHosts(ctx, p, v)),
    labels: optional('labels', (p, v) => stringRecord(ctx, p, v, true)),
    network: optional('network', (p, v) => str(ctx, p, v, true)),
    no_cache: optional('no_cache', (p, v) => bool(ctx, p, v)),
    platforms: optional('platforms', (p, v) => stringList(ctx, p, v)),
    privileged: optional('privileged', (p, v) => bool(ctx, p, v)),
    pull: optional('pull', (p, v) => bool(ctx, p, v)),
    secrets: optional('secrets', (p, v) => fileRefs(ctx, p, v)),
    shm_size: optional('shm_size', (p, v) => parseAt(ctx, p, () => parseMemory(v, p))),
    ssh: optional('ssh', (p, v) => (isRecord(v) ? Object.entries(stringRecord(ctx, p, v)).map(([k, x]) => `${k}=${x}`) : stringList(ctx, p, v, true))),
    tags: optional('tags', (p, v) => stringList(ctx, p, v)),
    target: optional('target', (p, v) => str(ctx, p, v, true)),
  });
}

function list<T>(ctx: NormalizeContext, path: string, value: unknown, parse: (item: unknown, at: string) => T): T[] {
  if (!Array.isArray(value)) {
    problem(ctx, path, `must be an array, received ${show(value)}`, 'type');
    return [];
  }
  const out: T[] = [];
  for (let i = 0; i < value.length; i++) {
    try {
      out.push(parse(value[i], `${path}[${i}]`));
    } catch (error) {
      fromError(ctx, `${path}[${i}]`, error);
    }
  }
  return out;
}

/**
 * Normalises one service table (TOML-shaped or builder object) into its canonical
 * {@link ServiceSpec}: defaults filled, short forms expanded, keys sorted. Problems go to the
 * context's sink; the result is still returned (with defaults where values were bad).
 */
export function normalizeService(ctx: NormalizeContext, path: string, value: unknown): ServiceSpec {
  const raw = isRecord(value) ? value : {};
  if (!isRecord(value)) problem(ctx, path, `a service must be a table, received ${show(value)}`, 'type');
  // one pass over the keys: unknown fields and x-* extensions (hot path: no closures, paths built only on error)
  let extensions: Record<string, unknown> | undefined;
  for (const key in raw) {
    if (SERVICE_KEYS.has(key)) continue;
    if (key.startsWith('x-')) (extensions ??= {})[key] = copyExtension(raw[key]);
    else checkKeys(ctx, path, { [key]: true }, SERVICE_KEYS, true);
  }
  const spec = {} as Draft;
  const build = raw['build'];
  if (build !== undefined) spec.build = normalizeBuild(ctx, `${path}.build`, build);
  const command = raw['command'];
  if (typeof command === 'string') {
    // an empty string is refused (it is most often a variable that was not set: command = "${CMD}")
    if (command.trim() === '') problem(ctx, `${path}.command`, EMPTY_COMMAND);
    else
      try {
        spec.command = splitCommand(command, `${path}.command`);
      } catch (error) {
        fromError(ctx, `${path}.command`, error);
      }
  } else if (command !== undefined) {
    // `command = []` is "no override", as in Docker Compose: the canonical spec leaves it out, so toToml/toYaml round-trip it
    if (Array.isArray(command) && command.every((item) => typeof item === 'string')) {
      if (command.length > 0) spec.command = [...(command as string[])];
    } else problem(ctx, `${path}.command`, `must be an array of strings or a command string, received ${show(command)}`, 'type');
  }
  const dependsOn = raw['depends_on'];
  spec.depends_on = dependsOn === undefined ? {} : normalizeDependsOn(ctx, `${path}.depends_on`, dependsOn);
  spec.deploy = foldShortForms(ctx, path, raw, normalizeDeploy(ctx, `${path}.deploy`, raw['deploy']), raw['deploy'] !== undefined);
  const envFile = raw['env_file'];
  spec.env_file = envFile === undefined ? [] : stringList(ctx, `${path}.env_file`, envFile, true);
  const environment = raw['environment'];
  spec.environment = environment === undefined ? {} : normalizeEnvironment(ctx, `${path}.environment`, environment);
  spec.extensions = (extensions ? sortRecord(extensions) : {}) as ServiceSpec['extensions'];
  const healthcheck = raw['healthcheck'];
  if (healthcheck !== undefined) {
    const parsed = normalizeHealthcheck(ctx, `${path}.healthcheck`, healthcheck);
    if (parsed !== undefined) spec.healthcheck = parsed;
  }
  const image = raw['image'];
  spec.image = typeof image === 'string' ? image : image === undefined ? '' : (str(ctx, `${path}.image`, image) ?? '');
  const labels = raw['labels'];
  spec.labels = labels === undefined ? {} : stringRecord(ctx, `${path}.labels`, labels, true);
  const networks = raw['networks'];
  spec.networks = networks === undefined ? {} : serviceNetworks(ctx, `${path}.networks`, networks);
  const ports = raw['ports'];
  spec.ports = ports === undefined ? [] : list<PortSpec[]>(ctx, `${path}.ports`, ports, parsePorts).flat();
  const profiles = raw['profiles'];
  spec.profiles = profiles === undefined ? [] : stringList(ctx, `${path}.profiles`, profiles);
  const readOnly = raw['read_only'];
  spec.read_only = readOnly === undefined ? false : (bool(ctx, `${path}.read_only`, readOnly) ?? false);
  const restart = raw['restart'];
  spec.restart = 'no';
  if (restart !== undefined) {
    try {
      spec.restart = parseRestartPolicy(restart, `${path}.restart`);
    } catch (error) {
      fromError(ctx, `${path}.restart`, error);
    }
  }
  const secrets = raw['secrets'];
  spec.secrets = secrets === undefined ? [] : fileRefs(ctx, `${path}.secrets`, secrets);
  spec.stop_grace_period = duration(ctx, path, 'stop_grace_period', raw['stop_grace_period'], '10s');
  const stopSignal = raw['stop_signal'];
  spec.stop_signal = stopSignal === undefined ? 'SIGTERM' : (str(ctx, `${path}.stop_signal`, stopSignal, true) ?? 'SIGTERM');
  const user = raw['user'];
  if (user !== undefined) {
    const parsed = str(ctx, `${path}.user`, user, true);
    if (parsed !== undefined) spec.user = parsed;
  }
  const volumes = raw['volumes'];
  spec.volumes = volumes === undefined ? [] : list<VolumeMountSpec>(ctx, `${path}.volumes`, volumes, parseVolumeMount);
  const workdirKey = raw['working_dir'] !== undefined ? 'working_dir' : 'workdir';
  const workdir = raw[workdirKey];
  if (workdir !== undefined) {
    const parsed = str(ctx, `${path}.${workdirKey}`, workdir, true);
    if (parsed !== undefined) spec.working_dir = parsed;
  }
  normalizeContainerFields(ctx, path, raw, spec);
  if (spec.links !== undefined) spec.depends_on = linkDependencies(spec.links, spec.depends_on);
  checkNames(ctx, `${path}.networks`, Object.keys(spec.networks));
  checkNames(ctx, `${path}.profiles`, spec.profiles);
  return spec;
}

/** A link (`service` or `service:alias`) implies a dependency on the service, as in Docker Compose. */
function linkDependencies(links: readonly string[], dependsOn: Readonly<Record<string, DependencySpec>>): Record<string, DependencySpec> {
  const out: Record<string, DependencySpec> = { ...dependsOn };
  for (const link of links) {
    const target = link.split(':')[0] as string;
    if (isValidResourceName(target) && !Object.hasOwn(out, target)) out[target] = { condition: 'service_started', required: true, restart: false };
  }
  return sortRecord(out);
}

function checkNames(ctx: NormalizeContext, path: string, names: readonly string[]): void {
  for (let i = 0; i < names.length; i++) {
    const name = names[i] as string;
    if (!isValidResourceName(name))
      problem(ctx, `${path}[${i}]`, `'${name}' is not a valid name (letters, digits, '.', '-', '_'; starting with a letter or digit)`, 'invalid-name');
  }
}
