import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { ServiceSpec } from '../spec/types.js';
import { serviceSpec } from '../../test/support/host-request.js';
import { configDigests, configFields, describeFieldChanges, serviceConfigHash } from './config-hash.js';
import { desiredState } from './desired.js';
import type { ProjectSpec } from '../spec/types.js';

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

describe('hash stability', () => {
  // Containers carry these hashes: a change of the bytes hashed would recreate every container of
  // every project on upgrade. Values computed by the first implementation (a sorted copy of the
  // config, stringified), with integer-like keys, which a JavaScript object keeps first.
  const spec = serviceSpec('busybox', {
    command: ['sh', '-c', 'x'],
    environment: { A: '1', '10': 'ten', '9': 'nine', B: 'two' },
    labels: { tier: 'web', '2': 'x' },
    ports: [{ target: 80, published: 0, protocol: 'tcp' }],
  });

  test('the config hash and field digests are the bytes they always were', () => {
    expect(serviceConfigHash(spec)).toBe('acd0257ee322fad059beb2f2b9f18b8ca0c0bb90eabbc97611a4de08408f6ad2');
    expect(Object.keys(configFields(spec)).filter((k) => k.startsWith('environment.'))).toEqual(['environment.10', 'environment.9', 'environment.A', 'environment.B']);
    expect(configFields(spec)['environment.10']).toBe('406bfb5c4dcf');
    expect(configFields(spec)['environment.9']).toBe('42dedc7894c4');
    expect(configFields(spec)['labels.2']).toBe('ba2df4903a2c');
  });
});

describe('configDigests without the field digests', () => {
  test('makes the same hash as with them, and no fields', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.stringMatching(/^[A-Z_0-9]{1,8}$/), fc.string({ maxLength: 12 }), { maxKeys: 6 }),
        fc.dictionary(fc.stringMatching(/^[a-z.]{1,8}$/), fc.string({ maxLength: 8 }), { maxKeys: 3 }),
        fc.dictionary(fc.stringMatching(/^[a-z]{1,6}$/), fc.stringMatching(/^[0-9a-f]{64}$/), { maxKeys: 2 }),
        (environment, labels, secrets) => {
          const spec: ServiceSpec = { ...base, environment, labels };
          const full = configDigests(spec, secrets);
          const hashOnly = configDigests(spec, secrets, false);
          expect(hashOnly.configHash).toBe(full.configHash);
          expect(hashOnly.fields).toEqual({});
          expect(serviceConfigHash(spec, secrets)).toBe(full.configHash);
        },
      ),
    );
  });

  test('a desired service reads its field digests when first asked, the same as configFields', () => {
    const spec = { name: 'p', services: { api: base } } as Partial<ProjectSpec> as ProjectSpec;
    const [api] = desiredState(spec, ['api'], { networks: false, volumes: false, secretDigests: { pw: 'a'.repeat(64) } }).services;
    expect(api?.configHash).toBe(serviceConfigHash(base, { pw: 'a'.repeat(64) }));
    expect(api?.fields).toEqual(configFields(base, { pw: 'a'.repeat(64) }));
    expect(api?.fields).toBe(api?.fields); // made once
    expect(api?.fields['secret-content.pw']).toBe('aaaaaaaaaaaa');
  });
});
