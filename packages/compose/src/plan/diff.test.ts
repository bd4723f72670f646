import { describe, expect, test } from 'vitest';
import type { ContainerInfo } from '../runtime/types.js';
import type { ServiceSpec } from '../spec/types.js';
import { configFields, LABEL_CONFIG_FIELDS, serviceConfigHash } from './config-hash.js';
import { diffState } from './diff.js';
import { planToString } from './plan-to-string.js';
import type { DesiredService, DesiredState } from './types.js';
import { serviceSpec } from '../../test/support/host-request.js';

const spec = (image: string, replicas = 1): ServiceSpec => serviceSpec(image, { deploy: { replicas, strategy: 'rolling' }, stop_grace_period: '10s' });

function desired(name: string, s: ServiceSpec): DesiredService {
  return { name, spec: s, configHash: serviceConfigHash(s), fields: configFields(s), replicas: s.deploy.replicas };
}

function container(service: string, replica: number, s: ServiceSpec, state: ContainerInfo['state'] = 'running', id = `${service}${replica}`): ContainerInfo {
  return {
    id, name: `p_${service}_${replica}`, project: 'p', service, replica, configHash: serviceConfigHash(s), image: s.image, state, health: 'none', ports: [],
    labels: { [LABEL_CONFIG_FIELDS]: JSON.stringify(configFields(s)) },
  };
}

const state = (services: DesiredService[], unselected: string[] = []): DesiredState => ({ project: 'p', services, unselected, networks: [{ name: 'default', runtimeName: 'p_default', external: false }], volumes: [] });

describe('diffState', () => {
  test('renders a whole plan as stable text', () => {
    const plan = diffState(
      state([desired('api', spec('api:2')), desired('db', spec('db:1')), desired('new', spec('n:1')), desired('stopped', spec('s:1')), desired('worker', spec('w:1', 3))]),
      {
        containers: [
          container('api', 1, spec('api:1')),
          container('db', 1, spec('db:1')),
          container('stopped', 1, spec('s:1'), 'exited'),
          container('worker', 1, spec('w:1')),
          container('gone', 1, spec('g:1')),
        ],
        networks: [],
        volumes: [],
      },
    );
    expect(planToString(plan)).toBe(
      [
        'plan p: 2 create, 1 recreate, 1 scale, 1 start, 2 unchanged',
        '+ network default: create (missing)',
        '~ service api: recreate (image changed)',
        '  service db: unchanged',
        '  service gone: unchanged (orphan (kept; pass removeOrphans: true to remove it))',
        '+ service new: create (no container yet)',
        '> service stopped: start (replica 1 exited)',
        '± service worker: scale (replicas 1 → 3)',
      ].join('\n'),
    );
    expect(plan.hasChanges).toBe(true);
  });

  test('forceRecreate, noRecreate and duplicates', () => {
    const s = spec('a:1');
    const observed = { containers: [container('a', 1, s), container('a', 1, s, 'exited', 'dup')], networks: [{ id: 'n', name: 'default', runtimeName: 'p_default', project: 'p', labels: {} }], volumes: [] };
    const forced = diffState(state([desired('a', s)]), observed, { forceRecreate: true });
    expect(forced.services[0]?.replicas.map((r) => `${r.replica}:${r.action}:${r.containerId}`)).toEqual(['1:recreate:a1', '1:remove:dup']);
    const kept = diffState(state([desired('a', spec('a:2'))]), { ...observed, containers: [container('a', 1, s)] }, { noRecreate: true });
    expect(kept.services[0]?.action).toBe('unchanged');
    expect(kept.services[0]?.reasons).toEqual(['config changed, kept (noRecreate)']);
    expect(kept.hasChanges).toBe(false);
  });

  test('unselected services are neither touched nor orphans; removeOrphans removes orphans', () => {
    const observed = { containers: [container('other', 1, spec('o')), container('old', 1, spec('x'))], networks: [], volumes: [] };
    const plan = diffState(state([], ['other']), observed, { removeOrphans: true });
    expect(plan.services.map((s) => `${s.name}:${s.action}`)).toEqual(['old:remove']);
  });

  test('a hash mismatch without field labels still recreates, saying config changed', () => {
    const c = { ...container('a', 1, spec('a:1')), labels: {} };
    const plan = diffState(state([desired('a', spec('a:2'))]), { containers: [c], networks: [], volumes: [] });
    expect(plan.services[0]?.reasons).toEqual(['config changed']);
  });

  test('a recreated service with several replicas or an update_config is a rollout, when the runtime can roll', () => {
    const rolling = (s: DesiredState): DesiredState => ({ ...s, rollingUpdates: true });
    const update = { parallelism: 2, delay: '5s', order: 'start-first', failure_action: 'pause', monitor: '0s', max_failure_ratio: 0 } as const;
    const withDeploy = (image: string, deploy: ServiceSpec['deploy'], ports: ServiceSpec['ports'] = []): ServiceSpec => serviceSpec(image, { deploy, ports, stop_grace_period: '10s' });
    const old = (service: string, n: number, s: ServiceSpec) => Array.from({ length: n }, (_, i) => container(service, i + 1, s));
    const observed = {
      containers: [
        ...old('web', 3, spec('w:1', 3)),
        ...old('one', 1, spec('o:1')),
        ...old('api', 1, withDeploy('a:1', { replicas: 1, strategy: 'rolling', update_config: update })),
        ...old('bound', 2, withDeploy('b:1', { replicas: 2, strategy: 'rolling', update_config: update }, [{ target: 80, published: 8080, protocol: 'tcp' }])),
        ...old('plain', 3, withDeploy('p:1', { replicas: 3, strategy: 'recreate' })),
      ],
      networks: [],
      volumes: [],
    };
    const wanted = state([
      desired('web', spec('w:2', 3)),
      desired('one', spec('o:2')),
      desired('api', withDeploy('a:2', { replicas: 1, strategy: 'rolling', update_config: update })),
      desired('bound', withDeploy('b:2', { replicas: 2, strategy: 'rolling', update_config: update }, [{ target: 80, published: 8080, protocol: 'tcp' }])),
      desired('plain', withDeploy('p:2', { replicas: 3, strategy: 'recreate' })),
    ]);
    const plan = diffState(rolling(wanted), observed);
    expect(planToString(plan).split('\n').slice(1)).toEqual([
      '+ network default: create (missing)',
      '~ service api: rolling update, 1 replica, all at once, start-first, delay 5s, on failure pause (image changed)',
      '~ service bound: rolling update, 2 replicas, all at once, stop-first, delay 5s, on failure pause, start-first needs a second copy of its fixed host port: stop-first used (image changed)',
      '~ service one: recreate (image changed)',
      '~ service plain: recreate (image changed)',
      '~ service web: rolling update, 3 replicas, 1 at a time, stop-first, on failure rollback (image changed)',
    ]);
    expect(plan.services.find((s) => s.name === 'web')?.rollout).toEqual({ order: 'stop-first', parallelism: 1, batches: 3, replicas: 3, delay: '0s', monitor: '0s', failureAction: 'rollback', maxFailureRatio: 0 });
    expect(plan.summary.recreate).toBe(5);
    // A runtime that cannot roll (no field:deploy.update_config): every one is a plain recreate.
    expect(diffState(wanted, observed).services.map((s) => s.rollout)).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });
});
