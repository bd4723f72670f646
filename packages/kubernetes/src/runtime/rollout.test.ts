import { describe, expect, it } from 'vitest';
import type { V1Pod } from '@kubernetes/client-node';
import { rolloutVerdict } from './rollout.js';
import { parsePodId, podInfo } from './pods.js';

describe('rolloutVerdict', () => {
  const deployment = (status: Record<string, unknown>, generation = 2, replicas = 2) => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'api', generation }, spec: { replicas }, status });

  it('a Deployment is done only once the controller observed this generation and every replica is updated and available', () => {
    expect(rolloutVerdict('Deployment', deployment({ observedGeneration: 1, replicas: 2, updatedReplicas: 2, availableReplicas: 2 })).done).toBe(false);
    expect(rolloutVerdict('Deployment', deployment({ observedGeneration: 2, replicas: 3, updatedReplicas: 2, availableReplicas: 2 })).done).toBe(false); // old pods still there
    expect(rolloutVerdict('Deployment', deployment({ observedGeneration: 2, replicas: 2, updatedReplicas: 2, availableReplicas: 1 }))).toEqual({ done: false, detail: '1/2 available, 2/2 updated' });
    expect(rolloutVerdict('Deployment', deployment({ observedGeneration: 2, replicas: 2, updatedReplicas: 2, availableReplicas: 2 })).done).toBe(true);
    expect(rolloutVerdict('Deployment', deployment({ conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'timed out' }] })))
      .toEqual({ done: false, failed: 'progress-deadline', detail: 'timed out' });
  });

  it('a Job is done when Complete, failed when Failed, pending otherwise', () => {
    const job = (status: Record<string, unknown>) => ({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'm' }, status });
    expect(rolloutVerdict('Job', job({ conditions: [{ type: 'Complete', status: 'True' }] })).done).toBe(true);
    expect(rolloutVerdict('Job', job({ conditions: [{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded' }] }))).toMatchObject({ failed: 'failed' });
    expect(rolloutVerdict('Job', job({ active: 1 }))).toEqual({ done: false, detail: '0 succeeded, 1 active, 0 failed' });
  });

  it('a StatefulSet is done when every replica is ready and updated', () => {
    const sts = (status: Record<string, unknown>) => ({ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db', generation: 1 }, spec: { replicas: 1 }, status });
    expect(rolloutVerdict('StatefulSet', sts({ observedGeneration: 1, readyReplicas: 0, updatedReplicas: 1 })).done).toBe(false);
    expect(rolloutVerdict('StatefulSet', sts({ observedGeneration: 1, readyReplicas: 1, updatedReplicas: 1 })).done).toBe(true);
  });
});

describe('podInfo', () => {
  const pod = (state: Record<string, unknown>, ready: boolean, extra: Partial<V1Pod['metadata']> = {}): V1Pod => ({
    metadata: { name: 'db-1', namespace: 'shop', labels: { 'io.selur.compose.project': 'shop', 'io.selur.compose.service': 'db', 'io.selur.compose.config-hash': 'abc' }, ...extra },
    spec: { containers: [{ name: 'db', image: 'postgres:16', readinessProbe: { exec: { command: ['true'] } }, ports: [{ containerPort: 5432, hostPort: 15432 }] }] },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }], containerStatuses: [{ name: 'db', image: 'postgres:16', imageID: '', ready, restartCount: 3, state }] },
  });

  it('maps a pod to the port\'s ContainerInfo', () => {
    const info = podInfo(pod({ running: { startedAt: new Date('2026-01-01T00:00:00Z') } }, true, { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db', uid: 'u' }] }), 7);
    expect(info).toMatchObject({ id: 'shop/db-1', project: 'shop', service: 'db', replica: 2, configHash: 'abc', state: 'running', health: 'healthy', restartCount: 3, startedAt: '2026-01-01T00:00:00.000Z' });
    expect(info.ports).toEqual([{ target: 5432, protocol: 'tcp', host: '127.0.0.1', published: 15432 }]);
  });

  it('CrashLoopBackOff is restarting; a running container that failed its readiness after restarts is unhealthy', () => {
    expect(podInfo(pod({ waiting: { reason: 'CrashLoopBackOff' } }, false), 1)).toMatchObject({ state: 'restarting', health: 'starting', replica: 1 });
    expect(podInfo(pod({ running: {} }, false), 1)).toMatchObject({ state: 'running', health: 'unhealthy' });
    expect(podInfo(pod({ terminated: { exitCode: 2 } }, false), 1)).toMatchObject({ state: 'exited', exitCode: 2 });
  });

  it('pod ids are namespace/name', () => {
    expect(parsePodId('shop/api-0', 'x')).toEqual({ namespace: 'shop', name: 'api-0' });
    expect(parsePodId('api-0', 'x')).toEqual({ namespace: 'x', name: 'api-0' });
  });
});
