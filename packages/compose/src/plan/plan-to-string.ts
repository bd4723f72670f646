import type { Plan, PlanAction, ResourcePlan, ServicePlan } from './types.js';

const MARK: Record<PlanAction, string> = { create: '+', recreate: '~', scale: '±', start: '>', remove: '-', unchanged: ' ' };
const ORDER: readonly PlanAction[] = ['create', 'recreate', 'scale', 'start', 'remove', 'unchanged'];

function line(item: ServicePlan | ResourcePlan): string {
  const reasons = item.reasons.length > 0 ? ` (${item.reasons.join('; ')})` : '';
  return `${MARK[item.action]} ${item.kind} ${item.name}: ${item.action}${reasons}`;
}

/**
 * A stable text rendering of a plan (no ids, no times): one line per service, network and
 * volume, sorted, after a summary line. Made for tests and CLI output.
 *
 * @example
 * ```ts
 * console.log(planToString(plan));
 * // plan shop: 1 create, 1 recreate, 1 unchanged
 * // + network default: create (missing)
 * // ~ service api: recreate (environment.API_URL changed)
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
