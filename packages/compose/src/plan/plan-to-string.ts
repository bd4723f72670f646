import type { Plan, PlanAction, ResourcePlan, RolloutPlan, ServicePlan } from './types.js';

const MARK: Record<PlanAction, string> = { create: '+', recreate: '~', scale: '±', start: '>', remove: '-', unchanged: ' ' };
const ORDER: readonly PlanAction[] = ['create', 'recreate', 'scale', 'start', 'remove', 'unchanged'];

/**
 * How a rolling update will go, in one phrase: the text `planToString` and the CLI print after a
 * service's name.
 *
 * @example
 * ```ts
 * const web = plan.services.find((s) => s.name === 'web');
 * if (web?.rollout) console.log(rolloutToString(web.rollout));
 * // rolling update, 3 replicas, 1 at a time, start-first, on failure rollback
 * ```
 */
export function rolloutToString(r: RolloutPlan): string {
  const parts = [`rolling update, ${r.replicas} replica${r.replicas === 1 ? '' : 's'}`, r.parallelism >= r.replicas ? 'all at once' : `${r.parallelism} at a time`, r.order];
  if (r.delay !== '0s') parts.push(`delay ${r.delay}`);
  if (r.monitor !== '0s') parts.push(`monitor ${r.monitor}`);
  parts.push(`on failure ${r.failureAction}`);
  if (r.note) parts.push(r.note);
  return parts.join(', ');
}

function line(item: ServicePlan | ResourcePlan): string {
  const reasons = item.reasons.length > 0 ? ` (${item.reasons.join('; ')})` : '';
  const what = item.kind === 'service' && item.rollout ? rolloutToString(item.rollout) : item.action;
  return `${MARK[item.action]} ${item.kind} ${item.name}: ${what}${reasons}`;
}

/**
 * A stable text rendering of a plan (no ids, no times): one line per service, network and
 * volume, sorted, after a summary line. Made for tests and CLI output.
 *
 * @example
 * ```ts
 * console.log(planToString(plan));
 * // plan shop: 1 create, 2 recreate, 1 unchanged
 * // + network default: create (missing)
 * // ~ service api: recreate (environment.API_URL changed)
 * // ~ service queue: rolling update, 3 replicas, 1 at a time, start-first, on failure rollback (image changed)
 * // + service web: create (no container yet)
 * //   service db: unchanged
 * ```
 */
export function planToString(plan: Plan): string {
  const counts = ORDER.filter((a) => plan.summary[a] > 0).map((a) => `${plan.summary[a]} ${a}`);
  const header = `plan ${plan.project}: ${counts.length > 0 ? counts.join(', ') : 'nothing'}`;
  const lines = [...plan.networks, ...plan.volumes, ...plan.services].map(line);
  return [header, ...lines].join('\n');
}
