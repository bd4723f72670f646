import { describe, expect, it } from 'vitest';
import { LABEL_CONFIG_HASH, LABEL_PROJECT, LABEL_REPLICA, LABEL_SERVICE } from '@selur/compose';
import { containerInfo, containerInfoFromSummary, publishedPorts } from './container-info.js';

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

describe('containerInfoFromSummary (a brief listing)', () => {
  const labels = { [LABEL_PROJECT]: 'shop', [LABEL_SERVICE]: 'api', [LABEL_REPLICA]: '2', [LABEL_CONFIG_HASH]: 'h' };
  const summary = {
    Id: 'abc',
    Names: ['/shop_api_2'],
    Image: 'busybox',
    Created: 1767225600,
    Labels: labels,
    State: 'running',
    Status: 'Up 4 seconds (health: starting)',
    Ports: [
      { IP: '0.0.0.0', PrivatePort: 80, PublicPort: 49153, Type: 'tcp' },
      { IP: '::', PrivatePort: 80, PublicPort: 49153, Type: 'tcp' },
      { PrivatePort: 81, Type: 'tcp' },
    ],
  };

  it('reads identity from labels, state, health and ports from the listing, and leaves out what only an inspection tells', () => {
    const info = containerInfoFromSummary(summary, '127.0.0.1');
    expect(info).toMatchObject({ id: 'abc', name: 'shop_api_2', project: 'shop', service: 'api', replica: 2, configHash: 'h', image: 'busybox', state: 'running', health: 'starting', exitCode: undefined, createdAt: '2026-01-01T00:00:00.000Z' });
    expect(info.ports).toEqual([{ target: 80, protocol: 'tcp', host: '127.0.0.1', published: 49153 }]);
    expect([info.pid, info.startedAt, info.restartCount]).toEqual([undefined, undefined, undefined]);
    expect(containerInfoFromSummary({ ...summary, Status: 'Up 2 minutes (unhealthy)' }, '127.0.0.1').health).toBe('unhealthy');
    expect(containerInfoFromSummary({ ...summary, Status: 'Up 2 minutes' }, '127.0.0.1').health).toBe('none');
  });

  it('gives the exit code of an exited container from its status text, and no ports', () => {
    expect(containerInfoFromSummary({ ...summary, State: 'exited', Status: 'Exited (137) 3 seconds ago' }, '127.0.0.1')).toMatchObject({ state: 'exited', exitCode: 137, ports: [] });
    expect(containerInfoFromSummary({ Id: 'x', State: 'created', Status: 'Created' }, '127.0.0.1')).toMatchObject({ name: '', state: 'created', exitCode: undefined, replica: 1 });
  });
});
