import { describe, expect, it } from 'vitest';
import { LABEL_CONFIG_HASH, LABEL_PROJECT, LABEL_REPLICA, LABEL_SERVICE } from '@selur/compose';
import type { SwarmService, SwarmTask } from './mapping/swarm-types.js';
import { healthInStatus, LABEL_EXIT_CODE, LABEL_STOPPED, serviceInfo, taskInfo, taskState } from './tasks.js';

const labels = { [LABEL_PROJECT]: 'shop', [LABEL_SERVICE]: 'api', [LABEL_CONFIG_HASH]: 'h1' };
const service = (ports: SwarmService['Endpoint']): SwarmService =>
  ({
    ID: 'svc1',
    Version: { Index: 3 },
    Spec: { Name: 'shop_api', Labels: labels, TaskTemplate: { ContainerSpec: { Image: 'shop/api:1', Healthcheck: { Test: ['CMD-SHELL', 'true'] } } } },
    Endpoint: ports,
  }) as unknown as SwarmService;
const task = (over: Partial<SwarmTask> = {}): SwarmTask => ({
  ID: 't1',
  ServiceID: 'svc1',
  NodeID: 'n1',
  Slot: 2,
  CreatedAt: '2026-01-01T00:00:00Z',
  DesiredState: 'running',
  Spec: { ContainerSpec: { Image: 'shop/api:1', Labels: labels } },
  Status: { State: 'running', Timestamp: '2026-01-01T00:00:01Z', ContainerStatus: { ContainerID: 'c1', PID: 42 }, PortStatus: { Ports: [{ Protocol: 'tcp', TargetPort: 80, PublishedPort: 30080, PublishMode: 'host' }] } },
  ...over,
});

describe('taskInfo', () => {
  it('a task as a container: slot as replica, labels as every runtime records them, host-mode and ingress (VIP) ports', () => {
    const info = taskInfo(task(), service({ Ports: [{ Protocol: 'tcp', TargetPort: 443, PublishedPort: 8443, PublishMode: 'ingress' }, { Protocol: 'tcp', TargetPort: 80, PublishedPort: 30080, PublishMode: 'host' }] }), { publishHost: '127.0.0.1', health: 'healthy' });
    expect(info).toMatchObject({ id: 't1', name: 'shop_api.2', project: 'shop', service: 'api', replica: 2, configHash: 'h1', state: 'running', health: 'healthy', pid: 42 });
    expect(info.labels[LABEL_REPLICA]).toBe('2');
    expect(info.ports).toEqual([
      { target: 80, protocol: 'tcp', host: '127.0.0.1', published: 30080 },
      { target: 443, protocol: 'tcp', host: '127.0.0.1', published: 8443 },
    ]);
  });

  it('a global task (no slot) is numbered by node; a failed one is exited with its code; health is starting until Docker says', () => {
    const info = taskInfo(task({ Slot: undefined, Status: { State: 'failed', Err: 'task: non-zero exit (3)', ContainerStatus: { ExitCode: 3 } } }), service(undefined), { publishHost: '10.0.0.5', replica: 3 });
    expect(info).toMatchObject({ replica: 3, name: 'shop_api.n1', state: 'exited', exitCode: 3, health: 'starting', ports: [] });
  });

  it('maps every task state', () => {
    const state = (s: string) => taskState(s);
    expect(['new', 'pending', 'assigned', 'preparing', 'starting'].map(state)).toEqual(Array(5).fill('created'));
    // started, its healthcheck not passed yet: running (health starting), as Docker says of the container
    expect(taskState('starting', true)).toBe('running');
    expect(['complete', 'failed', 'shutdown'].map(state)).toEqual(['exited', 'exited', 'exited']);
    expect(['rejected', 'orphaned', 'remove', 'weird'].map(state)).toEqual(['dead', 'dead', 'dead', 'unknown']);
  });
});

describe('serviceInfo (a one-container unit)', () => {
  const unit = (replicas: number, extra: Record<string, string> = {}): SwarmService =>
    ({
      ID: 'svc9',
      Version: { Index: 7 },
      CreatedAt: '2026-01-01T00:00:00Z',
      Spec: { Name: 'shop_api_2', Labels: { ...labels, [LABEL_REPLICA]: '2', ...extra }, Mode: { Replicated: { Replicas: replicas } }, TaskTemplate: { ContainerSpec: { Image: 'shop/api:1', Labels: labels } } },
    }) as unknown as SwarmService;

  it('is the service: created before its first task, then its latest task, earlier ones counted as restarts', () => {
    expect(serviceInfo(unit(0), [], { publishHost: '127.0.0.1' })).toMatchObject({ id: 'svc9', name: 'shop_api_2', replica: 2, state: 'created', restartCount: 0, configHash: 'h1' });
    const first = task({ ID: 'a', CreatedAt: '2026-01-01T00:00:01Z', Status: { State: 'failed', ContainerStatus: { ExitCode: 3 } } });
    const second = task({ ID: 'b', CreatedAt: '2026-01-01T00:00:02Z', Status: { State: 'failed', ContainerStatus: { ExitCode: 4 } } });
    expect(serviceInfo(unit(1), [second, first], { publishHost: '127.0.0.1' })).toMatchObject({ id: 'svc9', state: 'exited', exitCode: 4, restartCount: 1, replica: 2 });
  });

  it('stopped, its tasks reaped by Swarm: exited, with the restart count and exit code its stop recorded', () => {
    expect(serviceInfo(unit(0, { [LABEL_STOPPED]: '3', [LABEL_EXIT_CODE]: '137' }), [], { publishHost: '127.0.0.1' })).toMatchObject({ state: 'exited', restartCount: 3, exitCode: 137 });
    const left = task({ Status: { State: 'shutdown', ContainerStatus: { ExitCode: 137 } } });
    expect(serviceInfo(unit(0, { [LABEL_STOPPED]: '3' }), [left], { publishHost: '127.0.0.1' })).toMatchObject({ state: 'exited', restartCount: 3 });
    // a restart cut short by the stop (a task that never started a container) is no run of it
    const cut = task({ ID: 'late', CreatedAt: '2026-01-01T00:00:09Z', Status: { State: 'assigned' } });
    expect(serviceInfo(unit(0, { [LABEL_STOPPED]: '3' }), [left, cut], { publishHost: '127.0.0.1' })).toMatchObject({ state: 'exited', restartCount: 3 });
  });
});

describe('healthInStatus (the container list\'s status line)', () => {
  it('reads the health Docker appends, and nothing without a healthcheck', () => {
    expect(healthInStatus('Up 3 seconds (healthy)')).toBe('healthy');
    expect(healthInStatus('Up 2 minutes (unhealthy)')).toBe('unhealthy');
    expect(healthInStatus('Up Less than a second (health: starting)')).toBe('starting');
    expect(healthInStatus('Up 5 seconds')).toBeUndefined();
    expect(healthInStatus(undefined)).toBeUndefined();
  });
});
