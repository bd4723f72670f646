import { describe, expect, it } from 'vitest';
import type { Plan, ServicePlan } from '@selur/compose';
import { colors } from '../render/color.js';
import { planText } from './plan-text.js';

const service = (name: string, extra: Partial<ServicePlan>): ServicePlan => ({
  kind: 'service', name, action: 'recreate', reasons: ['image changed'], configHash: 'h', currentReplicas: 3, desiredReplicas: 3, replicas: [], orphan: false, ...extra,
});

describe('planText', () => {
  it('says how a rolling update will go, and keeps the plain action for the rest', () => {
    const plan: Plan = {
      project: 'shop',
      services: [
        service('web', { rollout: { order: 'start-first', parallelism: 1, batches: 3, replicas: 3, delay: '2s', monitor: '0s', failureAction: 'rollback', maxFailureRatio: 0 } }),
        service('worker', {}),
      ],
      networks: [],
      volumes: [],
      hasChanges: true,
      summary: { create: 0, recreate: 2, scale: 0, start: 0, remove: 0, unchanged: 0 },
    };
    expect(planText(plan, colors(false))).toBe(
      'plan shop: 2 recreate\n' +
        '~ service web: rolling update, 3 replicas, 1 at a time, start-first, delay 2s, on failure rollback (image changed)\n' +
        '~ service worker: recreate (image changed)\n',
    );
  });
});
