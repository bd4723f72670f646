import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isComposeError, isInvalidArgumentError, type VordrContainerConfig } from '@selur/compose';
import { checkContainerConfig } from './vordr-config-check.js';

const rejects = (config: unknown): string => {
  try {
    checkContainerConfig(config as VordrContainerConfig);
  } catch (error) {
    expect(isInvalidArgumentError(error)).toBe(true);
    return (error as { field: string }).field;
  }
  throw new Error(`accepted ${JSON.stringify(config)}`);
};

describe('checkContainerConfig', () => {
  it('accepts every shape the reference lists', () => {
    const config: VordrContainerConfig = {
      privileged: false,
      readOnlyRoot: true,
      ports: ['8080:80', '127.0.0.1:5432:5432/tcp', '[::1]:53:53/udp', { containerPort: 80 }, { containerPort: 53, hostPort: 53, protocol: 'udp', hostIp: '0.0.0.0' }],
      volumes: ['data:/data', '/srv/x:/x:ro', { source: 'a', target: '/a' }, { src: '/b', dst: '/b', readOnly: true }, { name: 'c', destination: '/c' }],
      env: ['A=1', { name: 'B', value: '2' }],
      healthcheck: { test: 'true', interval: '10s', timeout: '1m', retries: 0, start_period: '1h' },
      restart: 'on-failure',
      networks: { backend: { aliases: ['db'] }, frontend: null },
    };
    expect(() => checkContainerConfig(config)).not.toThrow();
    expect(() => checkContainerConfig({ env: { A: '1' }, networks: ['a', { name: 'b', aliases: ['x'] }] })).not.toThrow();
    expect(() => checkContainerConfig(undefined)).not.toThrow();
  });

  it('rejects what the server would refuse, naming the field', () => {
    expect(rejects({ volumes: ['./data:/data'] })).toBe('config.volumes[0]');
    expect(rejects({ volumes: [{ source: './x', target: '/x' }] })).toBe('config.volumes[0].source');
    expect(rejects({ volumes: ['data:relative'] })).toBe('config.volumes[0]');
    expect(rejects({ ports: ['80'] })).toBe('config.ports[0]');
    expect(rejects({ ports: [{ containerPort: 70000 }] })).toBe('config.ports[0].containerPort');
    expect(rejects({ env: ['NOEQUALS'] })).toBe('config.env[0]');
    expect(rejects({ env: { A: 1 } })).toBe('config.env.A');
    expect(rejects({ restart: 'sometimes' })).toBe('config.restart');
    expect(rejects({ healthcheck: { test: 'x', start_period: '1m30s' } })).toBe('config.healthcheck.start_period');
    expect(rejects({ healthcheck: { test: 'x', retries: -1 } })).toBe('config.healthcheck.retries');
  });

  it('never throws anything but an InvalidArgumentError on arbitrary input', () => {
    fc.assert(
      fc.property(fc.record({ ports: fc.anything(), volumes: fc.anything(), env: fc.anything(), healthcheck: fc.anything(), restart: fc.anything() }, { requiredKeys: [] }), (config) => {
        try {
          checkContainerConfig(config as VordrContainerConfig);
        } catch (error) {
          expect(isComposeError(error) && isInvalidArgumentError(error)).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });
});
