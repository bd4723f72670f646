import { compareNames } from '../graph/compare-names.js';
import type { ContainerInfo } from '../runtime/types.js';
import { describeFieldChanges, LABEL_CONFIG_FIELDS, parseConfigFields } from './config-hash.js';
import type {
  DesiredResource,
  DesiredService,
  DesiredState,
  DiffOptions,
  ObservedState,
  Plan,
  PlanAction,
  ReplicaPlan,
  ResourcePlan,
  RolloutPlan,
  ServicePlan,
} from './types.js';

const RUNNING = new Set(['running', 'restarting', 'paused']);

function recreateReasons(desired: DesiredService, container: ContainerInfo): string[] {
  const before = parseConfigFields(container.labels[LABEL_CONFIG_FIELDS]);
  const reasons = before ? describeFieldChanges(before, desired.fields) : [];
  return reasons.length > 0 ? reasons : ['config changed'];
}

function planReplicas(desired: DesiredService, existing: readonly ContainerInfo[], options: DiffOptions): ReplicaPlan[] {
  const byReplica = new Map<number, ContainerInfo[]>();
  for (const c of existing) {
    const list = byReplica.get(c.replica);
    if (list) list.push(c);
    else byReplica.set(c.replica, [c]);
  }
  const plans: ReplicaPlan[] = [];
  for (const [replica, list] of byReplica) {
    if (replica >= 1 && replica <= desired.replicas) {
      // Keep the best candidate (running first, then newest id order); remove duplicates.
      const sorted = [...list].sort((a, b) => Number(RUNNING.has(b.state)) - Number(RUNNING.has(a.state)) || compareNames(a.id, b.id));
      for (const dup of sorted.slice(1)) plans.push({ replica, action: 'remove', containerId: dup.id, reasons: ['duplicate replica'] });
    } else {
      for (const c of list) plans.push({ replica, action: 'remove', containerId: c.id, reasons: [`replicas ${existing.length} → ${desired.replicas}`] });
    }
  }
  for (let replica = 1; replica <= desired.replicas; replica++) {
    const list = byReplica.get(replica);
    const current = list ? [...list].sort((a, b) => Number(RUNNING.has(b.state)) - Number(RUNNING.has(a.state)) || compareNames(a.id, b.id))[0] : undefined;
    if (!current) {
      plans.push({ replica, action: 'create', reasons: [existing.length === 0 ? 'no container yet' : `replicas ${existing.length} → ${desired.replicas}`] });
      continue;
    }
    const hashMatches = current.configHash === desired.configHash;
    if (options.forceRecreate) {
      plans.push({ replica, action: 'recreate', containerId: current.id, reasons: ['forced (forceRecreate)'] });
    } else if (!hashMatches && !options.noRecreate) {
      plans.push({ replica, action: 'recreate', containerId: current.id, reasons: recreateReasons(desired, current) });
    } else if (desired.oneShot && hashMatches && current.state === 'exited' && current.exitCode === 0) {
      plans.push({ replica, action: 'unchanged', containerId: current.id, reasons: ['completed'] });
    } else if (RUNNING.has(current.state)) {
      plans.push({ replica, action: 'unchanged', containerId: current.id, reasons: hashMatches ? [] : ['config changed, kept (noRecreate)'] });
    } else {
      plans.push({ replica, action: 'start', containerId: current.id, reasons: [`${current.state}${current.exitCode !== undefined ? ` (exit code ${current.exitCode})` : ''}`] });
    }
  }
  return plans.sort((a, b) => a.replica - b.replica || compareNames(a.action, b.action));
}

function uniq(list: readonly string[]): string[] {
  return [...new Set(list)];
}

function servicePlan(desired: DesiredService, existing: readonly ContainerInfo[], options: DiffOptions): ServicePlan {
  const replicas = planReplicas(desired, existing, options);
  const count = (a: string) => replicas.filter((r) => r.action === a).length;
  const scaling = existing.length !== desired.replicas && existing.length > 0;
  let action: PlanAction = 'unchanged';
  let reasons: string[] = [];
  if (existing.length === 0) {
    action = 'create';
    reasons = ['no container yet'];
  } else if (count('recreate') > 0) {
    action = 'recreate';
    reasons = uniq([...replicas.filter((r) => r.action === 'recreate').flatMap((r) => r.reasons), ...(scaling ? [`replicas ${existing.length} → ${desired.replicas}`] : [])]);
  } else if (scaling || count('remove') > 0) {
    action = 'scale';
    reasons = uniq(scaling ? [`replicas ${existing.length} → ${desired.replicas}`] : replicas.filter((r) => r.action === 'remove').flatMap((r) => r.reasons));
  } else if (count('start') > 0) {
    action = 'start';
    reasons = uniq(replicas.filter((r) => r.action === 'start').map((r) => `replica ${r.replica} ${r.reasons.join(', ')}`));
  } else {
    reasons = uniq(replicas.flatMap((r) => r.reasons));
  }
  return { kind: 'service', name: desired.name, action, reasons, configHash: desired.configHash, currentReplicas: existing.length, desiredReplicas: desired.replicas, replicas, orphan: false };
}

/** Marks dependants whose `depends_on.<dep>.restart` is true for recreation when `<dep>` is recreated. */
function propagateRestarts(desired: readonly DesiredService[], plans: Map<string, ServicePlan>): void {
  for (const service of desired) {
    const plan = plans.get(service.name);
    if (!plan || plan.action === 'create' || plan.action === 'recreate') continue;
    const triggers = Object.entries(service.spec.depends_on)
      .filter(([dep, d]) => d.restart && plans.get(dep)?.action === 'recreate')
      .map(([dep]) => `dependency ${dep} recreated (depends_on.${dep}.restart)`);
    if (triggers.length === 0) continue;
    const replicas = plan.replicas.map((r): ReplicaPlan => (r.action === 'unchanged' || r.action === 'start' ? { ...r, action: 'recreate', reasons: triggers } : r));
    plans.set(service.name, { ...plan, action: 'recreate', reasons: triggers, replicas });
  }
}

/**
 * The rolling update of a recreated service, or undefined when its replicas are simply replaced:
 * a single replica without `update_config`, or `deploy.strategy: recreate`.
 */
function rolloutOf(desired: DesiredService, plan: ServicePlan): RolloutPlan | undefined {
  if (plan.action !== 'recreate') return undefined;
  const replaced = plan.replicas.filter((r) => r.action === 'recreate').length;
  const deploy = desired.spec.deploy;
  if (replaced === 0 || deploy.strategy === 'recreate' || desired.oneShot) return undefined;
  const config = deploy.update_config;
  if (!config && desired.replicas <= 1) return undefined;
  const parallelism = !config || config.parallelism <= 0 ? (config ? replaced : 1) : Math.min(config.parallelism, replaced);
  let order = config?.order ?? 'stop-first';
  let note: string | undefined;
  // Two processes of one service cannot both bind a fixed host port: the old one stops first.
  if (order === 'start-first' && desired.spec.ports.some((p) => (p.published ?? 0) > 0)) {
    order = 'stop-first';
    note = 'start-first needs a second copy of its fixed host port: stop-first used';
  }
  return {
    order,
    parallelism,
    batches: Math.ceil(replaced / parallelism),
    replicas: replaced,
    delay: config?.delay ?? '0s',
    monitor: config?.monitor ?? '0s',
    failureAction: config?.failure_action ?? 'rollback',
    maxFailureRatio: config?.max_failure_ratio ?? 0,
    ...(note ? { note } : {}),
  };
}

function resourcePlans(kind: 'network' | 'volume', desired: readonly DesiredResource[], observed: readonly { runtimeName: string }[]): ResourcePlan[] {
  const have = new Set(observed.map((o) => o.runtimeName));
  return desired
    .map((d): ResourcePlan => {
      if (d.external) return { kind, name: d.name, runtimeName: d.runtimeName, action: 'unchanged', reasons: ['external'], external: true };
      return have.has(d.runtimeName)
        ? { kind, name: d.name, runtimeName: d.runtimeName, action: 'unchanged', reasons: [], external: false }
        : { kind, name: d.name, runtimeName: d.runtimeName, action: 'create', reasons: ['missing'], external: false };
    })
    .sort((a, b) => compareNames(a.name, b.name));
}

/**
 * Diffs what a project wants against one observation of the runtime. Pure: same inputs, same
 * plan. Services not selected this run are left alone; containers of services the project no
 * longer has are orphans (removed only with `removeOrphans`).
 *
 * @example
 * ```ts
 * const plan = diffState(desired, { containers: [], networks: [], volumes: [] });
 * plan.services[0].action; // 'create'
 * ```
 */
export function diffState(desired: DesiredState, observed: ObservedState, options: DiffOptions = {}): Plan {
  const containers = observed.containers.filter((c) => c.project === desired.project);
  const byService = new Map<string, ContainerInfo[]>();
  for (const c of containers) {
    const list = byService.get(c.service);
    if (list) list.push(c);
    else byService.set(c.service, [c]);
  }
  const plans = new Map<string, ServicePlan>();
  for (const service of desired.services) plans.set(service.name, servicePlan(service, byService.get(service.name) ?? [], options));
  propagateRestarts(desired.services, plans);
  for (const service of desired.rollingUpdates ? desired.services : []) {
    const plan = plans.get(service.name);
    const rollout = plan && rolloutOf(service, plan);
    if (plan && rollout) plans.set(service.name, { ...plan, rollout });
  }
  const known = new Set([...desired.services.map((s) => s.name), ...desired.unselected]);
  for (const [name, list] of byService) {
    if (known.has(name)) continue;
    const action = options.removeOrphans ? 'remove' : 'unchanged';
    const reasons = options.removeOrphans ? ['orphan'] : ['orphan (kept; pass removeOrphans: true to remove it)'];
    const replicas = [...list]
      .sort((a, b) => a.replica - b.replica || compareNames(a.id, b.id))
      .map((c): ReplicaPlan => ({ replica: c.replica, action, containerId: c.id, reasons: ['orphan'] }));
    plans.set(name, { kind: 'service', name, action, reasons, configHash: '', currentReplicas: list.length, desiredReplicas: 0, replicas, orphan: true });
  }
  const services = [...plans.values()].sort((a, b) => compareNames(a.name, b.name));
  const networks = resourcePlans('network', desired.networks, observed.networks);
  const volumes = resourcePlans('volume', desired.volumes, observed.volumes);
  const summary: Record<PlanAction, number> = { create: 0, recreate: 0, scale: 0, start: 0, remove: 0, unchanged: 0 };
  for (const item of [...services, ...networks, ...volumes]) summary[item.action]++;
  const hasChanges = [...services, ...networks, ...volumes].some((i) => i.action !== 'unchanged');
  return { project: desired.project, services, networks, volumes, hasChanges, summary };
}
