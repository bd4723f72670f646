import { describe, expect, it } from 'vitest';
import { LABEL_CONFIG_HASH, LABEL_PROJECT, LABEL_REPLICA, LABEL_SERVICE } from '@selur/compose';
import type { ContainerRequest, ServiceSpec } from '@selur/compose';
import { serviceSpec } from '../../../compose/test/support/host-request.js';
import { containerCreateBody, healthConfig, healthTest, restartPolicy } from './container-config.js';

const spec = (overrides: Partial<ServiceSpec> = {}): ServiceSpec => serviceSpec('busybox:latest', { stop_grace_period: '10s', ...overrides });

const request = (s: Partial<ServiceSpec>, extra: Partial<ContainerRequest> = {}): ContainerRequest => ({
  project: 'shop',
  service: 'api',
  replica: 2,
  name: 'shop_api_2',
  configHash: 'abc',
  spec: spec(s),
  workingDir: '/srv',
  environment: {},
  secrets: [],
  configs: [],
  networks: [],
  networkSettings: {},
  mounts: [],
  labels: {},
  ...extra,
});

describe('containerCreateBody', () => {
  it('publishes on the default host address, with a random port when none is given', () => {
    const body = containerCreateBody(
      request({ ports: [{ target: 80, protocol: 'tcp' }, { target: 53, published: 5353, protocol: 'udp' }, { target: 81, published: 8081, host_ip: '0.0.0.0', protocol: 'tcp' }] }),
      { publishHost: '127.0.0.1' },
    );
    expect(body.ExposedPorts).toEqual({ '80/tcp': {}, '53/udp': {}, '81/tcp': {} });
    expect(body.HostConfig.PortBindings).toEqual({
      '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }],
      '53/udp': [{ HostIp: '127.0.0.1', HostPort: '5353' }],
      '81/tcp': [{ HostIp: '0.0.0.0', HostPort: '8081' }],
    });
  });

  it('records identity labels that the service labels cannot override', () => {
    const body = containerCreateBody(request({ labels: { [LABEL_SERVICE]: 'spoof', team: 'x' } }, { labels: { extra: '1' } }), { publishHost: '127.0.0.1' });
    expect(body.Labels).toEqual({ team: 'x', extra: '1', [LABEL_PROJECT]: 'shop', [LABEL_SERVICE]: 'api', [LABEL_REPLICA]: '2', [LABEL_CONFIG_HASH]: 'abc' });
  });

  it('maps env, command, mounts, secrets, the first network with an alias', () => {
    const body = containerCreateBody(
      request(
        { command: ['node', 'server.js'], working_dir: '/app', user: 'node', read_only: true, stop_signal: 'SIGINT', stop_grace_period: '1500ms' },
        {
          environment: { A: '1', B: 'two words' },
          mounts: [{ type: 'volume', source: 'shop_data', target: '/data', readOnly: false }],
          secrets: [{ name: 'db_password', file: '/srv/secrets/db.txt' }],
          networks: ['shop_front', 'shop_back'],
        },
      ),
      { publishHost: '127.0.0.1' },
    );
    expect(body).toMatchObject({ Image: 'busybox:latest', Cmd: ['node', 'server.js'], Env: ['A=1', 'B=two words'], WorkingDir: '/app', User: 'node', StopSignal: 'SIGINT', StopTimeout: 2 });
    expect(body.HostConfig.ReadonlyRootfs).toBe(true);
    expect(body.HostConfig.Mounts).toEqual([
      { Type: 'volume', Source: 'shop_data', Target: '/data', ReadOnly: false },
      { Type: 'bind', Source: '/srv/secrets/db.txt', Target: '/run/secrets/db_password', ReadOnly: true },
    ]);
    expect(body.HostConfig.NetworkMode).toBe('shop_front');
    expect(body.NetworkingConfig).toEqual({ EndpointsConfig: { shop_front: { Aliases: ['api'] } } });
  });

  it('maps resources', () => {
    const body = containerCreateBody(
      request({ deploy: { replicas: 3, strategy: 'rolling', resources: { limits: { cpus: 1.5, memory: '256m', pids: 100 }, reservations: { memory: '128m' } } } }),
      { publishHost: '127.0.0.1' },
    );
    expect(body.HostConfig).toMatchObject({ NanoCpus: 1_500_000_000, Memory: 256 * 1024 ** 2, MemoryReservation: 128 * 1024 ** 2, PidsLimit: 100 });
  });
});

describe('restart policy and healthcheck', () => {
  it('maps each restart policy', () => {
    expect(restartPolicy('no')).toEqual({ Name: 'no' });
    expect(restartPolicy('always')).toEqual({ Name: 'always' });
    expect(restartPolicy('unless-stopped')).toEqual({ Name: 'unless-stopped' });
    expect(restartPolicy('on-failure')).toEqual({ Name: 'on-failure', MaximumRetryCount: 0 });
    expect(restartPolicy('on-failure:5')).toEqual({ Name: 'on-failure', MaximumRetryCount: 5 });
  });

  it('maps a string test to CMD-SHELL, an argv to CMD, durations to ns, disable to NONE', () => {
    expect(healthTest('curl -f http://localhost/')).toEqual(['CMD-SHELL', 'curl -f http://localhost/']);
    expect(healthTest(['pg_isready', '-q'])).toEqual(['CMD', 'pg_isready', '-q']);
    expect(healthTest(['CMD-SHELL', 'true'])).toEqual(['CMD-SHELL', 'true']);
    const base = { test: 'true', interval: '2s', timeout: '1s', retries: 5, start_period: '1m', start_interval: '1s', disable: false } as const;
    expect(healthConfig(base)).toEqual({ Test: ['CMD-SHELL', 'true'], Interval: 2e9, Timeout: 1e9, Retries: 5, StartPeriod: 60e9 });
    expect(healthConfig({ ...base, disable: true })).toEqual({ Test: ['NONE'] });
    expect(healthConfig(undefined)).toBeUndefined();
  });
});
