import { describe, expect, it } from 'vitest';
import { LABEL_CONFIG_HASH, LABEL_PROJECT, LABEL_REPLICA, LABEL_SERVICE } from '@selur/compose';
import { containerInfo, publishedPorts } from './container-info.js';

describe('containerInfo', () => {
  const inspect = {
    Id: 'abc',
    Name: '/shop_api_2',
    Created: '2026-01-01T00:00:00Z',
    RestartCount: 1,
    State: { Status: 'running', ExitCode: 0, Pid: 42, StartedAt: '2026-01-01T00:00:01Z', Health: { Status: 'healthy' } },
    Config: { Image: 'busybox', Labels: { [LABEL_PROJECT]: 'shop', [LABEL_SERVICE]: 'api', [LABEL_REPLICA]: '2', [LABEL_CONFIG_HASH]: 'h' } },
    NetworkSettings: { Ports: { '80/tcp': [{ HostIp: '0.0.0.0', HostPort: '49153' }, { HostIp: '::', HostPort: '49153' }], '81/tcp': null } },
  };

  it('reads identity from labels and state from the engine', () => {
    expect(containerInfo(inspect, '127.0.0.1')).toMatchObject({
      id: 'abc',
      name: 'shop_api_2',
      project: 'shop',
      service: 'api',
      replica: 2,
      configHash: 'h',
      state: 'running',
      health: 'healthy',
      exitCode: undefined,
      pid: 42,
      restartCount: 1,
      ports: [{ target: 80, protocol: 'tcp', host: '127.0.0.1', published: 49153 }],
    });
  });

  it('gives the exit code once exited, no ports, and health none without a check', () => {
    const exited = containerInfo({ ...inspect, State: { Status: 'exited', ExitCode: 3, Pid: 0, StartedAt: '0001-01-01T00:00:00Z' } }, '127.0.0.1');
    expect(exited).toMatchObject({ state: 'exited', exitCode: 3, health: 'none', ports: [], pid: undefined, startedAt: undefined });
    expect(containerInfo({ ...inspect, State: { Status: 'removing' } }, '127.0.0.1').state).toBe('unknown');
  });

  it('keeps specific host addresses and drops unbound ports', () => {
    expect(publishedPorts({ '53/udp': [{ HostIp: '127.0.0.2', HostPort: '5353' }], '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] }, '127.0.0.1')).toEqual([
      { target: 53, protocol: 'udp', host: '127.0.0.2', published: 5353 },
    ]);
  });
});
