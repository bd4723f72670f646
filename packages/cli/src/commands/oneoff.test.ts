import type { ProjectSpec } from '@selur/compose';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors/usage-error.js';
import { parseEnvOptions } from './exec.js';
import { LABEL_ONEOFF, oneOffSpec } from './oneoff.js';

describe('oneOffSpec', () => {
  it('adds a copy of the service with the command, without ports, healthcheck, restarts or replicas', () => {
    const api = {
      image: 'node',
      command: ['node', 'server.js'],
      environment: { A: '1', B: '2' },
      ports: [{ target: 8080, protocol: 'tcp' }],
      restart: 'always',
      healthcheck: { test: 'true' },
      deploy: { replicas: 3, strategy: 'rolling' },
      profiles: ['x'],
      labels: { team: 'shop' },
      depends_on: { db: { condition: 'service_started', required: true, restart: false } },
    };
    const spec = { name: 'shop', services: { api } } as unknown as ProjectSpec;
    const out = oneOffSpec(spec, 'api', 'api-run-1', ['node', 'migrate.js'], { B: 'override' });
    expect(out.services['api']).toBe(spec.services['api']);
    expect(out.services['api-run-1']).toMatchObject({
      image: 'node',
      command: ['node', 'migrate.js'],
      environment: { A: '1', B: 'override' },
      ports: [],
      restart: 'no',
      healthcheck: undefined,
      deploy: { replicas: 1, strategy: 'rolling' },
      profiles: [],
      labels: { team: 'shop', [LABEL_ONEOFF]: 'api' },
      depends_on: api.depends_on,
    });
  });
});

describe('parseEnvOptions', () => {
  it('splits at the first = and rejects a missing key', () => {
    expect(parseEnvOptions(['A=1', 'B=x=y', 'C='], 'exec')).toEqual({ A: '1', B: 'x=y', C: '' });
    expect(() => parseEnvOptions(['=1'], 'exec')).toThrow(UsageError);
    expect(() => parseEnvOptions(['NOVALUE'], 'run')).toThrow("-e expects KEY=VALUE (got 'NOVALUE')");
  });
});
