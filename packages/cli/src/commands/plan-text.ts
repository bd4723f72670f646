import { rolloutToString, type Plan } from '@selur/compose';
import type { Colors } from '../render/color.js';

const MARK: Readonly<Record<string, string>> = { create: '+', recreate: '~', scale: '±', start: '>', remove: '-', unchanged: ' ' };

/** A plan as text: a summary line, then one line per network, volume and service with its reasons. */
export function planText(plan: Plan, c: Colors): string {
  const counts = (Object.entries(plan.summary) as [string, number][]).filter(([, n]) => n > 0).map(([a, n]) => `${n} ${a}`);
  const lines = [`${c.bold(`plan ${plan.project}`)}: ${counts.length > 0 ? counts.join(', ') : 'nothing to do'}`];
  for (const item of [...plan.networks, ...plan.volumes, ...plan.services]) {
    const mark = MARK[item.action] ?? '?';
    const paint = item.action === 'create' ? c.green : item.action === 'remove' ? c.red : item.action === 'unchanged' ? c.dim : c.yellow;
    const reasons = item.reasons.length > 0 ? ` (${item.reasons.join('; ')})` : '';
    const what = item.kind === 'service' && item.rollout ? rolloutToString(item.rollout) : item.action;
    lines.push(paint(`${mark} ${item.kind} ${item.name}: ${what}`) + reasons);
  }
  return `${lines.join('\n')}\n`;
}
