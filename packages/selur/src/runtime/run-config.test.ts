import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ContainerRequest, ServiceSpec, VordrContainerConfig } from '@selur/compose';
import { checkContainerConfig } from '../vordr/vordr-config-check.js';
import { publishedPorts } from './container-state.js';
import { runConfig, vordrSeconds } from './run-config.js';

function request(overrides: Partial<ServiceSpec>, extra: Partial<ContainerRequest> = {}): ContainerRequest {
  const spec: ServiceSpec = {
    image: 'api.ctp', environment: {}, env_file: [], ports: [], depends_on: {}, volumes: [], networks: {}, secrets: [], restart: 'no',
    deploy: { replicas: 1, strategy: 'rolling' }, profiles: [], labels: {}, stop_grace_period: '10s', stop_signal: 'SIGTERM', read_only: false, extensions: {},
    ...overrides,
  };
  return { project: 'p', service: 's', replica: 1, name: 'p_s_1', configHash: 'h', spec, workingDir: '/srv/p', environment: {}, secrets: [], configs: [], networks: [], networkSettings: {}, mounts: [], labels: {}, ...extra };
}

describe('vordrSeconds', () => {
  it('converts compose durations to whole seconds, rounding up', () => {
    expect(['30s', '1m30s', '500ms', '2h', '0s', '1.5s'].map(vordrSeconds)).toEqual(['30s', '90s', '1s', '7200s', '0s', '2s']);
  });
});

describe('runConfig', () => {
  it('sends the minimum for a bare service: read-only root as the spec says, restart no, labels', async () => {
    expect(await runConfig(request({}), false, { extra: '1' })).toEqual({ readOnlyRoot: false, restart: 'no', labels: { extra: '1' } });
  });

  it('turns healthcheck forms into one shell string, and drops disabled or NONE checks', async () => {
    const hc = { interval: '5s', timeout: '2s', retries: 1, start_period: '0s', start_interval: '1s', disable: false } as const;
    const test = async (t: string | readonly string[], disable = false) => (await runConfig(request({ healthcheck: { ...hc, test: t, disable } }), false, {})).healthcheck?.test;
    expect(await test('pg_isready -U app')).toBe('pg_isready -U app');
    expect(await test(['CMD-SHELL', 'curl -f localhost || exit 1'])).toBe('curl -f localhost || exit 1');
    expect(await test(['CMD', 'echo', "it's"])).toBe("echo 'it'\\''s'");
    expect(await test(['NONE'])).toBeUndefined();
    expect(await test('true', true)).toBeUndefined();
  });

  it('resolves relative bind sources against the working dir and keeps named volumes', async () => {
    const config = await runConfig(request({}, { mounts: [{ type: 'bind', source: './conf', target: '/etc/app', readOnly: true }, { type: 'volume', source: 'p_data', target: '/data', readOnly: false }] }), false, {});
    expect(config.volumes).toEqual(['/srv/p/conf:/etc/app:ro', 'p_data:/data']);
  });

  it('refuses a secret it cannot mount from a file', async () => {
    await expect(runConfig(request({ secrets: [{ source: 'ext' }] }), false, {})).rejects.toMatchObject({ name: 'UnsupportedOperationError', operation: 'external secrets', service: 's' });
  });
});

describe('runConfig ports (property)', () => {
  const portSpec = fc.record({
    target: fc.integer({ min: 1, max: 65535 }),
    published: fc.integer({ min: 1, max: 65535 }),
    protocol: fc.constantFrom('tcp' as const, 'udp' as const),
    host_ip: fc.option(fc.constantFrom('127.0.0.1', '0.0.0.0', '10.1.2.3', '::1', '::'), { nil: undefined }),
  });

  it('sends strings Vörðr accepts, and reads back the same ports', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(portSpec, { maxLength: 5 }), async (ports) => {
        const config = await runConfig(request({ ports }), false, {});
        expect(() => checkContainerConfig(config as VordrContainerConfig)).not.toThrow();
        const back = publishedPorts(config.ports);
        expect(back).toEqual(ports.map((p) => ({ target: p.target, published: p.published, protocol: p.protocol, host: p.host_ip === undefined || p.host_ip === '0.0.0.0' ? '127.0.0.1' : p.host_ip })));
      }),
      { numRuns: 200 },
    );
  });
});
