import { canonicalDuration } from './duration.js';
import { isRecord, joinPath } from './issues.js';
import { checkKeys, compact, fromError, int, parseAt, problem, str, stringList, stringRecord, type NormalizeContext } from './normalize-helpers.js';
import { show } from './show.js';
import type { DeployRestartPolicySpec, DeploySpec, DurationString, PlacementSpec, ResourcesSpec, UpdateConfigSpec } from './types.js';
import { parseCpus, parseMemory } from './values.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const DEPLOY_KEYS = new Set([
  'replicas', 'strategy', 'resources', 'mode', 'placement', 'update_config', 'rollback_config', 'restart_policy', 'endpoint_mode', 'labels',
]);
const UPDATE_KEYS = new Set(['parallelism', 'delay', 'order', 'failure_action', 'monitor', 'max_failure_ratio']);
const MODES = ['replicated', 'global', 'replicated-job', 'global-job'] as const;

function durationAt(ctx: NormalizeContext, path: string, value: unknown): DurationString | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return problem(ctx, path, `must be a duration like "30s" or "1m30s", received ${show(value)}`, 'invalid-duration');
  try {
    return canonicalDuration(value, path);
  } catch (error) {
    return fromError({ ...ctx, sink: { report: (i) => ctx.sink.report({ ...i, code: 'invalid-duration' }) } }, path, error);
  }
}

function oneOf<T extends string>(ctx: NormalizeContext, path: string, value: unknown, allowed: readonly T[]): T | undefined {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  return problem(ctx, path, `must be ${allowed.map((a) => `"${a}"`).join(', ')}, received ${show(value)}`);
}

/** Normalises `deploy.resources`. */
export function normalizeResources(ctx: NormalizeContext, path: string, value: unknown): ResourcesSpec | undefined {
  if (!isRecord(value)) return problem(ctx, path, `must be a table { limits, reservations }, received ${show(value)}`, 'type');
  checkKeys(ctx, path, value, new Set(['limits', 'reservations']));
  const part = (key: 'limits' | 'reservations') => {
    const table = value[key];
    if (table === undefined) return undefined;
    const at = joinPath(path, key);
    if (!isRecord(table)) return problem(ctx, at, `must be a table { cpus, memory${key === 'limits' ? ', pids' : ''} }`, 'type');
    // `devices` and `generic_resources` (GPUs) are refused by name: no runtime here can honour them
    checkKeys(ctx, at, table, new Set(key === 'limits' ? ['cpus', 'memory', 'pids'] : ['cpus', 'memory']));
    return compact({
      cpus: table['cpus'] === undefined ? undefined : parseAt(ctx, joinPath(at, 'cpus'), () => parseCpus(table['cpus'], joinPath(at, 'cpus'))),
      memory: table['memory'] === undefined ? undefined : parseAt(ctx, joinPath(at, 'memory'), () => parseMemory(table['memory'], joinPath(at, 'memory'))),
      pids: table['pids'] === undefined ? undefined : int(ctx, joinPath(at, 'pids'), table['pids'], 1),
    });
  };
  return compact({ limits: part('limits'), reservations: part('reservations') });
}

/** Normalises `deploy.update_config` or `deploy.rollback_config`, defaults filled. */
export function normalizeUpdateConfig(ctx: NormalizeContext, path: string, value: unknown): UpdateConfigSpec | undefined {
  if (!isRecord(value)) return problem(ctx, path, `must be a table { parallelism, delay, order, failure_action, monitor, max_failure_ratio }, received ${show(value)}`, 'type');
  checkKeys(ctx, path, value, UPDATE_KEYS);
  const at = (key: string) => joinPath(path, key);
  const ratio = value['max_failure_ratio'];
  let maxFailureRatio = 0;
  if (ratio !== undefined) {
    if (typeof ratio === 'number' && ratio >= 0 && ratio <= 1) maxFailureRatio = ratio;
    else problem(ctx, at('max_failure_ratio'), `must be a number from 0 to 1, received ${show(ratio)}`);
  }
  return {
    delay: value['delay'] === undefined ? '0s' : (durationAt(ctx, at('delay'), value['delay']) ?? '0s'),
    failure_action: value['failure_action'] === undefined ? 'pause' : (oneOf(ctx, at('failure_action'), value['failure_action'], ['pause', 'continue', 'rollback'] as const) ?? 'pause'),
    max_failure_ratio: maxFailureRatio,
    monitor: value['monitor'] === undefined ? '0s' : (durationAt(ctx, at('monitor'), value['monitor']) ?? '0s'),
    order: value['order'] === undefined ? 'stop-first' : (oneOf(ctx, at('order'), value['order'], ['stop-first', 'start-first'] as const) ?? 'stop-first'),
    parallelism: value['parallelism'] === undefined ? 1 : (int(ctx, at('parallelism'), value['parallelism']) ?? 1),
  };
}

function placement(ctx: NormalizeContext, path: string, value: unknown): PlacementSpec | undefined {
  if (!isRecord(value)) return problem(ctx, path, `must be a table { constraints, preferences, max_replicas_per_node }, received ${show(value)}`, 'type');
  checkKeys(ctx, path, value, new Set(['constraints', 'preferences', 'max_replicas_per_node']));
  let preferences: { spread: string }[] | undefined;
  const raw = value['preferences'];
  if (raw !== undefined) {
    if (!Array.isArray(raw)) problem(ctx, joinPath(path, 'preferences'), `must be an array of { spread = "node.labels.zone" }, received ${show(raw)}`, 'type');
    else
      preferences = raw.flatMap((item: unknown, i) => {
        const at = `${joinPath(path, 'preferences')}[${i}]`;
        if (!isRecord(item)) return problem(ctx, at, `must be a table { spread }, received ${show(item)}`, 'type') ?? [];
        checkKeys(ctx, at, item, new Set(['spread']));
        const spread = str(ctx, joinPath(at, 'spread'), item['spread'], true);
        return spread === undefined ? [] : [{ spread }];
      });
  }
  return compact({
    constraints: value['constraints'] === undefined ? undefined : stringList(ctx, joinPath(path, 'constraints'), value['constraints']),
    max_replicas_per_node: value['max_replicas_per_node'] === undefined ? undefined : int(ctx, joinPath(path, 'max_replicas_per_node'), value['max_replicas_per_node'], 1),
    preferences,
  });
}

function restartPolicy(ctx: NormalizeContext, path: string, value: unknown): DeployRestartPolicySpec | undefined {
  if (!isRecord(value)) return problem(ctx, path, `must be a table { condition, delay, max_attempts, window }, received ${show(value)}`, 'type');
  checkKeys(ctx, path, value, new Set(['condition', 'delay', 'max_attempts', 'window']));
  const at = (key: string) => joinPath(path, key);
  return compact({
    condition: value['condition'] === undefined ? undefined : oneOf(ctx, at('condition'), value['condition'], ['none', 'on-failure', 'any'] as const),
    delay: value['delay'] === undefined ? undefined : durationAt(ctx, at('delay'), value['delay']),
    max_attempts: value['max_attempts'] === undefined ? undefined : int(ctx, at('max_attempts'), value['max_attempts']),
    window: value['window'] === undefined ? undefined : durationAt(ctx, at('window'), value['window']),
  });
}

/** Normalises `deploy`. */
export function normalizeDeploy(ctx: NormalizeContext, path: string, value: unknown): DeploySpec {
  const fallback: DeploySpec = { replicas: 1, strategy: 'rolling' };
  if (value === undefined) return fallback;
  if (!isRecord(value)) return problem(ctx, path, `must be a table { replicas, mode, resources, update_config, … }, received ${show(value)}`, 'type') ?? fallback;
  checkKeys(ctx, path, value, DEPLOY_KEYS);
  const at = (key: string) => joinPath(path, key);
  const strategy = value['strategy'] ?? 'rolling';
  if (strategy !== 'rolling' && strategy !== 'recreate') problem(ctx, at('strategy'), `must be "rolling" or "recreate", received ${show(strategy)}`);
  return compact({
    endpoint_mode: value['endpoint_mode'] === undefined ? undefined : oneOf(ctx, at('endpoint_mode'), value['endpoint_mode'], ['vip', 'dnsrr'] as const),
    labels: value['labels'] === undefined ? undefined : stringRecord(ctx, at('labels'), value['labels'], true),
    mode: value['mode'] === undefined ? undefined : oneOf(ctx, at('mode'), value['mode'], MODES),
    placement: value['placement'] === undefined ? undefined : placement(ctx, at('placement'), value['placement']),
    replicas: value['replicas'] === undefined ? 1 : (int(ctx, at('replicas'), value['replicas']) ?? 1),
    resources: value['resources'] === undefined ? undefined : normalizeResources(ctx, at('resources'), value['resources']),
    restart_policy: value['restart_policy'] === undefined ? undefined : restartPolicy(ctx, at('restart_policy'), value['restart_policy']),
    rollback_config: value['rollback_config'] === undefined ? undefined : normalizeUpdateConfig(ctx, at('rollback_config'), value['rollback_config']),
    strategy: strategy === 'recreate' ? 'recreate' : 'rolling',
    update_config: value['update_config'] === undefined ? undefined : normalizeUpdateConfig(ctx, at('update_config'), value['update_config']),
  });
}

/** The service-level short forms that {@link foldShortForms} moves into `deploy`. */
export const SHORT_FORM_KEYS: readonly string[] = ['mem_limit', 'mem_reservation', 'cpus', 'pids_limit', 'scale'];

/**
 * Moves the service-level short forms (`mem_limit`, `mem_reservation`, `cpus`, `pids_limit`,
 * `scale`) into `deploy` so that one place holds each limit. Both forms may be written when they
 * agree; a disagreement is a problem at the short form.
 */
export function foldShortForms(ctx: NormalizeContext, path: string, raw: Record<string, unknown>, deploy: DeploySpec, deployWritten: boolean): DeploySpec {
  const at = (key: string) => `${path}.${key}`;
  const limits: Mutable<NonNullable<ResourcesSpec['limits']>> = { ...deploy.resources?.limits };
  const reservations: Mutable<NonNullable<ResourcesSpec['reservations']>> = { ...deploy.resources?.reservations };
  let replicas = deploy.replicas;
  let changed = false;
  const fold = <T>(key: string, parse: () => T | undefined, current: T | undefined, assign: (value: T) => void, deployPath: string) => {
    if (raw[key] === undefined) return;
    const value = parse();
    if (value === undefined) return;
    if (current !== undefined && current !== value) {
      problem(ctx, at(key), `${show(raw[key])} disagrees with ${deployPath} = ${show(current)}; keep one of them`, 'conflict');
      return;
    }
    assign(value);
    changed = true;
  };
  fold('mem_limit', () => parseAt(ctx, at('mem_limit'), () => parseMemory(raw['mem_limit'], at('mem_limit'))), limits.memory, (v) => (limits.memory = v), 'deploy.resources.limits.memory');
  fold('mem_reservation', () => parseAt(ctx, at('mem_reservation'), () => parseMemory(raw['mem_reservation'], at('mem_reservation'))), reservations.memory, (v) => (reservations.memory = v), 'deploy.resources.reservations.memory');
  fold('cpus', () => parseAt(ctx, at('cpus'), () => parseCpus(raw['cpus'], at('cpus'))), limits.cpus, (v) => (limits.cpus = v), 'deploy.resources.limits.cpus');
  fold('pids_limit', () => int(ctx, at('pids_limit'), raw['pids_limit'], 1), limits.pids, (v) => (limits.pids = v), 'deploy.resources.limits.pids');
  const deployReplicas = deployWritten && isRecord(raw['deploy']) && raw['deploy']['replicas'] !== undefined ? replicas : undefined;
  fold('scale', () => int(ctx, at('scale'), raw['scale']), deployReplicas, (v) => (replicas = v), 'deploy.replicas');
  if (!changed) return deploy;
  const resources = compact({
    limits: Object.keys(limits).length > 0 ? compact(limits) : undefined,
    reservations: Object.keys(reservations).length > 0 ? compact(reservations) : undefined,
  });
  return compact({ ...deploy, replicas, resources: Object.keys(resources).length > 0 ? resources : undefined });
}
