import type { ContainerInfo, ProjectSpec } from '@selur/compose';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors/usage-error.js';
import { graphOf, parseScaleArgs, stackExitCode, withReplicas } from './lifecycle.js';

const info = (service: string, state: ContainerInfo['state'], exitCode?: number) => ({ service, state, exitCode }) as ContainerInfo;

describe('lifecycle helpers', () => {
  it('stackExitCode is the first non-zero exit code, else 0', () => {
    expect(stackExitCode([info('a', 'exited', 0), info('b', 'exited', 2), info('c', 'exited', 5)])).toBe(2);
    expect(stackExitCode([info('a', 'exited', 0), info('b', 'running')])).toBe(0);
  });

  it('parseScaleArgs reads SERVICE=N and rejects anything else', () => {
    expect(parseScaleArgs(['web=3', 'worker=0'])).toEqual([
      { service: 'web', replicas: 3 },
      { service: 'worker', replicas: 0 },
    ]);
    expect(() => parseScaleArgs(['web'])).toThrow(UsageError);
    expect(() => parseScaleArgs(['web=-1'])).toThrow("expected SERVICE=N (got 'web=-1')");
  });

  it('withReplicas changes only the replica counts; graphOf orders by depends_on', () => {
    const service = (deps: string[]) => ({ depends_on: Object.fromEntries(deps.map((d) => [d, { condition: 'service_started' }])), deploy: { replicas: 1, strategy: 'rolling' } });
    const spec = { name: 'p', services: { api: service(['db']), db: service([]), web: service(['api']) } } as unknown as ProjectSpec;
    const scaled = withReplicas(spec, [{ service: 'web', replicas: 3 }]);
    expect(scaled.services['web']!.deploy).toEqual({ replicas: 3, strategy: 'rolling' });
    expect(scaled.services['api']).toBe(spec.services['api']);
    expect(spec.services['web']!.deploy.replicas).toBe(1);
    expect(graphOf(spec).startOrder()).toEqual(['db', 'api', 'web']);
    expect(graphOf(spec).stopOrder()).toEqual(['web', 'api', 'db']);
  });
});
