import { describe, expect, it } from 'vitest';
import { isInvalidArgumentError, isUnsupportedOperationError, LABEL_CONFIG_HASH, LABEL_PROJECT, LABEL_REPLICA, LABEL_SERVICE, parseProject, type ServiceRequest } from '@selur/compose';
import { mapService, type ObjectRef } from './service-spec.js';

const project = (services: string, extra = '') => parseProject(`name: shop\nservices:\n${services}\n${extra}`, { format: 'yaml', cwd: '/srv/shop' }).toJSON();

/** The request the engine hands over for service `api` (names resolved as the engine resolves them). */
function request(yaml: string, extra = '', overrides: Partial<ServiceRequest> = {}): ServiceRequest {
  const spec = project(yaml, extra);
  const service = spec.services['api'];
  if (!service) throw new Error('no api');
  const runtimeName = (kind: 'networks' | 'volumes', n: string) => spec[kind][n]?.name ?? (spec[kind][n]?.external ? n : `shop_${n}`);
  const logical = Object.keys(service.networks);
  const networks = (logical.length > 0 ? logical : ['default']).map((n) => runtimeName('networks', n));
  return {
    project: 'shop',
    service: 'api',
    name: 'shop_api',
    replicas: service.deploy.replicas,
    configHash: 'h1',
    spec: service,
    workingDir: '/srv/shop',
    environment: {},
    secrets: service.secrets.filter((r) => spec.secrets[r.source]?.file).map((r) => ({ name: r.source, file: `/srv/shop/${r.source}`, target: r.target, uid: r.uid, gid: r.gid, mode: r.mode })),
    configs: [],
    networks,
    networkSettings: Object.fromEntries(logical.filter((n) => Object.keys(service.networks[n] ?? {}).length > 0).map((n) => [runtimeName('networks', n), service.networks[n] ?? {}])),
    mounts: service.volumes.map((m) => ({ type: m.type, source: m.type === 'volume' && m.source !== '' ? runtimeName('volumes', m.source) : m.source, target: m.target, readOnly: m.read_only })),
    labels: { ...service.labels, [LABEL_PROJECT]: 'shop', [LABEL_SERVICE]: 'api', [LABEL_CONFIG_HASH]: 'h1' },
    ...overrides,
  };
}
const map = (yaml: string, extra = '', objects: { secrets?: Record<string, ObjectRef>; configs?: Record<string, ObjectRef> } = {}, overrides: Partial<ServiceRequest> = {}) =>
  mapService({ request: request(yaml, extra, overrides), secrets: objects.secrets ?? {}, configs: objects.configs ?? {} });

describe('mapService', () => {
  it('maps deploy field by field: mode, replicas, placement, resources, restart, update and rollback, endpoint, labels', () => {
    const { spec, configHash } = map(`
  api:
    image: shop/api:1
    command: [serve, --port, "80"]
    entrypoint: [/bin/app]
    user: "1000:1000"
    read_only: true
    labels: { team: core }
    stop_grace_period: 20s
    stop_signal: SIGINT
    deploy:
      replicas: 3
      placement:
        constraints: [node.role == worker]
        preferences: [{ spread: node.labels.zone }]
        max_replicas_per_node: 2
      resources:
        limits: { cpus: "0.5", memory: 512m, pids: 100 }
        reservations: { cpus: "0.25", memory: 128m }
      restart_policy: { condition: on-failure, delay: 5s, max_attempts: 3, window: 2m }
      update_config: { parallelism: 2, delay: 10s, order: start-first, failure_action: rollback, monitor: 30s, max_failure_ratio: 0.2 }
      rollback_config: { parallelism: 0, delay: 0s, order: stop-first, failure_action: pause, monitor: 5s, max_failure_ratio: 0 }
      endpoint_mode: vip
      labels: { com.example.tier: api }
`);
    expect(configHash).toBe('h1'); // the engine's, as on every runtime
    expect(spec.Name).toBe('shop_api');
    expect(spec.Labels).toEqual({ 'com.example.tier': 'api', [LABEL_PROJECT]: 'shop', [LABEL_SERVICE]: 'api', [LABEL_CONFIG_HASH]: configHash });
    expect(spec.Mode).toEqual({ Replicated: { Replicas: 3 } });
    const c = spec.TaskTemplate.ContainerSpec;
    expect(c).toMatchObject({ Image: 'shop/api:1', Command: ['/bin/app'], Args: ['serve', '--port', '80'], User: '1000:1000', ReadOnly: true, StopSignal: 'SIGINT', StopGracePeriod: 20e9 });
    expect(c.Labels).toEqual({ team: 'core', [LABEL_PROJECT]: 'shop', [LABEL_SERVICE]: 'api', [LABEL_CONFIG_HASH]: configHash });
    expect(spec.TaskTemplate.Placement).toEqual({ Constraints: ['node.role == worker'], Preferences: [{ Spread: { SpreadDescriptor: 'node.labels.zone' } }], MaxReplicas: 2 });
    expect(spec.TaskTemplate.Resources).toEqual({ Limits: { NanoCPUs: 5e8, MemoryBytes: 512 * 1024 ** 2, Pids: 100 }, Reservations: { NanoCPUs: 2.5e8, MemoryBytes: 128 * 1024 ** 2 } });
    expect(spec.TaskTemplate.RestartPolicy).toEqual({ Condition: 'on-failure', Delay: 5e9, MaxAttempts: 3, Window: 120e9 });
    expect(spec.UpdateConfig).toEqual({ Parallelism: 2, Delay: 10e9, FailureAction: 'rollback', Monitor: 30e9, MaxFailureRatio: 0.2, Order: 'start-first' });
    expect(spec.RollbackConfig).toEqual({ Parallelism: 0, Delay: 0, FailureAction: 'pause', Monitor: 5e9, MaxFailureRatio: 0, Order: 'stop-first' });
    expect(spec.EndpointSpec).toEqual({ Mode: 'vip', Ports: [] });
    expect(spec.TaskTemplate.Networks).toEqual([{ Target: 'shop_default', Aliases: ['api'] }]);
  });

  it('publishes ingress ports (the routing mesh, behind a VIP) by default, host ports on request', () => {
    const { spec } = map(`
  api:
    image: shop/api:1
    ports:
      - "8080:80"
      - { target: 9090, published: 19090, protocol: udp, mode: host }
      - { target: 7000, mode: host }
`);
    expect(spec.EndpointSpec).toEqual({
      Mode: 'vip',
      Ports: [
        { Protocol: 'tcp', TargetPort: 80, PublishedPort: 8080, PublishMode: 'ingress' },
        { Protocol: 'udp', TargetPort: 9090, PublishedPort: 19090, PublishMode: 'host' },
        { Protocol: 'tcp', TargetPort: 7000, PublishMode: 'host' },
      ],
    });
    // a one-container unit publishes on its node, as a container does, unless a mode is given
    const unit = mapService({ request: request(`
  api:
    image: shop/api:1
    ports: ["8080:80", { target: 7000, mode: ingress }]
`), secrets: {}, configs: {}, unit: true });
    expect(unit.spec.EndpointSpec.Ports.map((p) => p.PublishMode)).toEqual(['host', 'ingress']);
  });

  it('refuses what Swarm cannot publish: ingress with dnsrr, a host address', () => {
    const dnsrr = () => map(`
  api:
    image: shop/api:1
    ports: ["8080:80"]
    deploy: { endpoint_mode: dnsrr }
`);
    expect(dnsrr).toThrow(/ingress mode, which Swarm does not allow with endpoint_mode 'dnsrr'/);
    try {
      dnsrr();
    } catch (error) {
      expect(isInvalidArgumentError(error)).toBe(true);
    }
    const hostIp = () => map(`
  api:
    image: shop/api:1
    ports: ["127.0.0.1:8080:80"]
`);
    expect(hostIp).toThrow(/Swarm publishes on every address of the node/);
    try {
      hostIp();
    } catch (error) {
      expect(isUnsupportedOperationError(error)).toBe(true);
    }
  });

  it('global mode has no replica count; jobs and bundles are refused', () => {
    expect(map(`
  api:
    image: shop/api:1
    deploy: { mode: global }
`).spec.Mode).toEqual({ Global: {} });
    expect(() => map(`
  api:
    image: shop/api:1
    deploy: { mode: replicated-job }
`)).toThrow(/deploy.mode replicated-job/);
  });

  it('maps the healthcheck in nanoseconds; disable is NONE', () => {
    const { spec } = map(`
  api:
    image: shop/api:1
    healthcheck: { test: "wget -qO- http://127.0.0.1/health", interval: 2s, timeout: 1s, retries: 4, start_period: 10s }
`);
    expect(spec.TaskTemplate.ContainerSpec.Healthcheck).toEqual({ Test: ['CMD-SHELL', 'wget -qO- http://127.0.0.1/health'], Interval: 2e9, Timeout: 1e9, Retries: 4, StartPeriod: 10e9 });
    expect(map(`
  api:
    image: shop/api:1
    healthcheck: { disable: true }
`).spec.TaskTemplate.ContainerSpec.Healthcheck).toEqual({ Test: ['NONE'] });
  });

  it('mounts secrets and configs by id and versioned name, with their targets, owners and modes', () => {
    const { spec } = map(
      `
  api:
    image: shop/api:1
    secrets: [token, { source: key, target: /run/secrets/tls.key, uid: "100", gid: "101", mode: 256 }]
    configs: [app, { source: nginx, target: /etc/nginx.conf }]
`,
      `secrets:\n  token: { file: ./token }\n  key: { file: ./key }\nconfigs:\n  app: { content: x }\n  nginx: { file: ./nginx.conf }\n`,
      {
        secrets: { token: { id: 's1', name: 'shop_token_aaaa' }, key: { id: 's2', name: 'shop_key_bbbb' } },
        configs: { app: { id: 'c1', name: 'shop_app_cccc' }, nginx: { id: 'c2', name: 'shop_nginx_dddd' } },
      },
    );
    expect(spec.TaskTemplate.ContainerSpec.Secrets).toEqual([
      { File: { Name: 'token', UID: '0', GID: '0', Mode: 0o444 }, SecretID: 's1', SecretName: 'shop_token_aaaa' },
      { File: { Name: 'tls.key', UID: '100', GID: '101', Mode: 0o400 }, SecretID: 's2', SecretName: 'shop_key_bbbb' },
    ]);
    expect(spec.TaskTemplate.ContainerSpec.Configs).toEqual([
      { File: { Name: '/app', UID: '0', GID: '0', Mode: 0o444 }, ConfigID: 'c1', ConfigName: 'shop_app_cccc' },
      { File: { Name: '/etc/nginx.conf', UID: '0', GID: '0', Mode: 0o444 }, ConfigID: 'c2', ConfigName: 'shop_nginx_dddd' },
    ]);
  });

  it('joins the service networks with its aliases; named volumes carry the project label; binds are refused', () => {
    const { spec } = map(
      `
  api:
    image: shop/api:1
    networks: { front: { aliases: [www] }, back: {} }
    volumes: [data:/var/lib/data]
`,
      `networks:\n  front: {}\n  back: { external: true, name: shared }\nvolumes:\n  data: {}\n`,
    );
    expect(spec.TaskTemplate.Networks).toHaveLength(2);
    expect(spec.TaskTemplate.Networks).toEqual(expect.arrayContaining([{ Target: 'shop_front', Aliases: ['api', 'www'] }, { Target: 'shared', Aliases: ['api'] }]));
    expect(spec.TaskTemplate.ContainerSpec.Mounts).toEqual([
      { Type: 'volume', Source: 'shop_data', Target: '/var/lib/data', ReadOnly: false, VolumeOptions: { NoCopy: undefined, Labels: { [LABEL_PROJECT]: 'shop', 'io.selur.compose.volume': 'data' } } },
    ]);
    expect(() => map(`
  api:
    image: shop/api:1
    volumes: [./data:/data]
`)).toThrow(/a path on this machine is not on the node/);
  });

  it('a one-container unit: held at 0 replicas, carries its replica, and `restart` becomes its restart policy', () => {
    const unit = (restart: string, deploy = '') =>
      mapService({
        request: request(`
  api:
    image: shop/api:1
    restart: "${restart}"
${deploy}`, '', { name: 'shop_api_2', replicas: 0, labels: { [LABEL_PROJECT]: 'shop', [LABEL_SERVICE]: 'api', [LABEL_REPLICA]: '2', [LABEL_CONFIG_HASH]: 'h1' } }),
        secrets: {},
        configs: {},
        unit: true,
      }).spec;
    const spec = unit('no');
    expect(spec.Name).toBe('shop_api_2');
    expect(spec.Mode).toEqual({ Replicated: { Replicas: 0 } });
    expect(spec.Labels[LABEL_REPLICA]).toBe('2');
    expect(spec.TaskTemplate.RestartPolicy).toEqual({ Condition: 'none' });
    expect(unit('always').TaskTemplate.RestartPolicy).toEqual({ Condition: 'any', Delay: 100e6 });
    expect(unit('on-failure:2').TaskTemplate.RestartPolicy).toEqual({ Condition: 'on-failure', Delay: 100e6, MaxAttempts: 2 });
    // deploy.restart_policy wins; a service (not a unit) keeps Swarm's default without one
    expect(unit('no', '    deploy: { restart_policy: { condition: any, delay: 1s } }').TaskTemplate.RestartPolicy).toEqual({ Condition: 'any', Delay: 1e9, MaxAttempts: undefined, Window: undefined });
    expect(map('  api:\n    image: shop/api:1\n    restart: "no"\n').spec.TaskTemplate.RestartPolicy).toBeUndefined();
    expect(map('  api:\n    image: shop/api:1\n').spec.Labels[LABEL_REPLICA]).toBeUndefined();
  });
});
