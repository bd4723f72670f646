import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { ServiceSpec } from '../spec/types.js';
import { serviceSpec } from '../../test/support/host-request.js';
import { configFields, describeFieldChanges, serviceConfigHash } from './config-hash.js';

const base: ServiceSpec = serviceSpec('app:1', {
  command: ['node', 'server.js'],
  environment: { API_URL: 'http://a', PASSWORD: { secret: 'pw' } },
  ports: [{ target: 8080, published: 0, protocol: 'tcp' }],
  stop_grace_period: '10s',
});

describe('serviceConfigHash', () => {
  test('ignores replicas, depends_on, profiles and build', () => {
    fc.assert(
      fc.property(fc.nat(50), fc.array(fc.stringMatching(/^[a-z]{1,8}$/), { maxLength: 4 }), fc.array(fc.stringMatching(/^[a-z]{1,6}$/), { maxLength: 3 }), fc.boolean(), (replicas, deps, profiles, withBuild) => {
        const variant: ServiceSpec = {
          ...base,
          deploy: { ...base.deploy, replicas },
          depends_on: Object.fromEntries(deps.map((d) => [d, { condition: 'service_started', required: true, restart: false }])),
          profiles,
          build: withBuild ? { context: '.', dockerfile: 'Dockerfile', args: {} } : undefined,
        };
        expect(serviceConfigHash(variant)).toBe(serviceConfigHash(base));
      }),
    );
  });

  test('changes with any environment value, and is independent of key order', () => {
    fc.assert(
      fc.property(fc.string(), (value) => {
        const changed = { ...base, environment: { ...base.environment, API_URL: value } };
        expect(serviceConfigHash(changed) === serviceConfigHash(base)).toBe(value === 'http://a');
      }),
    );
    const reordered = { ...base, environment: { PASSWORD: { secret: 'pw' }, API_URL: 'http://a' } };
    expect(serviceConfigHash(reordered)).toBe(serviceConfigHash(base));
  });

  test('a secret digest enters the hash; its content never does', () => {
    const a = serviceConfigHash(base, { pw: 'digest-a' });
    expect(a).not.toBe(serviceConfigHash(base, { pw: 'digest-b' }));
    expect(configFields(base, { pw: 'abcdef0123456789' })['secret-content.pw']).toBe('abcdef012345');
  });

  test('field reasons name what changed, never values', () => {
    const before = configFields(base);
    const after = configFields({ ...base, image: 'app:2', environment: { API_URL: 'http://secret-host', NEW: 'x' }, labels: { tier: 'web' } });
    expect(describeFieldChanges(before, after)).toEqual(['environment.API_URL changed', 'environment.NEW added', 'environment.PASSWORD removed', 'image changed', 'labels.tier added']);
    expect(JSON.stringify(after)).not.toContain('secret-host');
  });
});
