import { describe, expect, it } from 'vitest';
import { LABEL_CONFIG_HASH, LABEL_PROJECT, LABEL_REPLICA, LABEL_SERVICE } from '@selur/compose';
import type { ContainerRequest, ServiceSpec } from '@selur/compose';
import { serviceSpec } from '../../../compose/test/support/host-request.js';
import { containerCreateBody, containerNameOf, exposedPortKeys, healthConfig, healthTest, laterNetworks, restartPolicy } from './container-config.js';

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

describe('containerCreateBody: the Compose container fields', () => {
  const body = (s: Partial<ServiceSpec>, extra: Partial<ContainerRequest> = {}) => containerCreateBody(request(s, extra), { publishHost: '127.0.0.1' });

  it('entrypoint (and [] to clear it), hostname, domainname, tty, stdin_open', () => {
    expect(body({ entrypoint: ['/bin/sh', '-c'] }).Entrypoint).toEqual(['/bin/sh', '-c']);
    expect(body({ entrypoint: [] }).Entrypoint).toEqual([]);
    expect(body({}).Entrypoint).toBeUndefined();
    expect(body({ hostname: 'db1', domainname: 'example.test' })).toMatchObject({ Hostname: 'db1', Domainname: 'example.test' });
    expect(body({ tty: true, stdin_open: true })).toMatchObject({ Tty: true, OpenStdin: true });
    expect(body({})).toMatchObject({ Tty: false, OpenStdin: false });
  });

  it('cap_add, cap_drop, privileged, security_opt, sysctls', () => {
    const host = body({ cap_add: ['NET_ADMIN'], cap_drop: ['NET_RAW', 'CHOWN'], privileged: true, security_opt: ['no-new-privileges:true'], sysctls: { 'net.core.somaxconn': '1024' } }).HostConfig;
    expect(host).toMatchObject({ CapAdd: ['NET_ADMIN'], CapDrop: ['NET_RAW', 'CHOWN'], Privileged: true, SecurityOpt: ['no-new-privileges:true'], Sysctls: { 'net.core.somaxconn': '1024' } });
  });

  it('ulimits, tmpfs, shm_size, memswap_limit, cpu_shares', () => {
    const host = body({
      ulimits: { nofile: { soft: 1024, hard: 2048 }, nproc: { soft: 64, hard: 64 } },
      tmpfs: ['/run', '/cache:size=65536,mode=1777'],
      shm_size: '64m',
      memswap_limit: '1g',
      cpu_shares: 512,
    }).HostConfig;
    expect(host.Ulimits).toEqual([{ Name: 'nofile', Soft: 1024, Hard: 2048 }, { Name: 'nproc', Soft: 64, Hard: 64 }]);
    expect(host.Tmpfs).toEqual({ '/run': '', '/cache': 'size=65536,mode=1777' });
    expect(host).toMatchObject({ ShmSize: 64 * 1024 ** 2, MemorySwap: 1024 ** 3, CpuShares: 512 });
    expect(body({ memswap_limit: '-1' }).HostConfig.MemorySwap).toBe(-1);
  });

  it('extra_hosts (IPv4 and IPv6), dns, dns_search, dns_opt, devices', () => {
    const host = body({
      extra_hosts: { 'db.internal': ['10.0.0.5', '::1'] },
      dns: ['9.9.9.9'],
      dns_search: ['example.test'],
      dns_opt: ['ndots:2'],
      devices: ['/dev/fuse', '/dev/null:/dev/nothing:r'],
    }).HostConfig;
    expect(host).toMatchObject({ ExtraHosts: ['db.internal:10.0.0.5', 'db.internal:::1'], Dns: ['9.9.9.9'], DnsSearch: ['example.test'], DnsOptions: ['ndots:2'] });
    expect(host.Devices).toEqual([
      { PathOnHost: '/dev/fuse', PathInContainer: '/dev/fuse', CgroupPermissions: 'rwm' },
      { PathOnHost: '/dev/null', PathInContainer: '/dev/nothing', CgroupPermissions: 'r' },
    ]);
  });

  it('init: the service says, else the runtime option', () => {
    expect(body({ init: true }).HostConfig.Init).toBe(true);
    expect(containerCreateBody(request({ init: false }), { publishHost: '127.0.0.1', init: true }).HostConfig.Init).toBe(false);
    expect(containerCreateBody(request({}), { publishHost: '127.0.0.1', init: true }).HostConfig.Init).toBe(true);
    expect(body({}).HostConfig.Init).toBeUndefined();
  });

  it('pid, ipc, network_mode: service:NAME is the first replica of that service; no project network is joined under network_mode', () => {
    const b = body({ pid: 'host', ipc: 'service:db', network_mode: 'service:proxy' }, { networks: ['shop_default', 'shop_back'] });
    expect(b.HostConfig).toMatchObject({ PidMode: 'host', IpcMode: 'container:shop_db_1', NetworkMode: 'container:shop_proxy_1' });
    expect(b.NetworkingConfig).toBeUndefined();
    expect(laterNetworks(request({ network_mode: 'none' }, { networks: ['shop_default', 'shop_back'] }))).toEqual([]);
    expect(body({ network_mode: 'none' }).HostConfig.NetworkMode).toBe('none');
  });

  it('logging: driver and options', () => {
    expect(body({ logging: { driver: 'json-file', options: { 'max-size': '1m' } } }).HostConfig.LogConfig).toEqual({ Type: 'json-file', Config: { 'max-size': '1m' } });
    expect(body({ logging: { options: { 'max-file': '2' } } }).HostConfig.LogConfig).toEqual({ Type: '', Config: { 'max-file': '2' } });
  });

  it('expose: exposed, not published, ranges expanded', () => {
    const b = body({ expose: ['80', '9000-9002/udp'], ports: [{ target: 8080, protocol: 'tcp' }] });
    expect(Object.keys(b.ExposedPorts).sort()).toEqual(['80/tcp', '8080/tcp', '9000/udp', '9001/udp', '9002/udp']);
    expect(Object.keys(b.HostConfig.PortBindings)).toEqual(['8080/tcp']);
    expect(() => exposedPortKeys(['90-80'])).toThrow(/not a port/);
  });

  it('labels of the service reach the container', () => {
    expect(body({ labels: { tier: 'back' } }).Labels['tier']).toBe('back');
  });

  it('networks: aliases, fixed addresses, link-local addresses on the first network; the others joined after create in priority order', () => {
    const extra: Partial<ContainerRequest> = {
      networks: ['shop_front', 'shop_back'],
      networkSettings: {
        shop_front: { aliases: ['www', 'api'], ipv4_address: '172.28.0.10', ipv6_address: 'fd00::10', priority: 10 },
        shop_back: { aliases: ['internal-api'], link_local_ips: ['169.254.1.1'] },
      },
    };
    expect(body({}, extra).NetworkingConfig).toEqual({
      EndpointsConfig: { shop_front: { Aliases: ['api', 'www'], IPAMConfig: { IPv4Address: '172.28.0.10', IPv6Address: 'fd00::10' } } },
    });
    expect(laterNetworks(request({}, extra))).toEqual([
      { network: 'shop_back', endpoint: { Aliases: ['api', 'internal-api'], IPAMConfig: { LinkLocalIPs: ['169.254.1.1'] } } },
    ]);
  });

  it('volumes: tmpfs size and mode, volume nocopy, bind propagation, consistency, anonymous volumes', () => {
    const b = body(
      {
        volumes: [
          { type: 'tmpfs', source: '', target: '/scratch', read_only: false, tmpfs: { size: 1048576, mode: 0o1777 } },
          { type: 'volume', source: 'data', target: '/data', read_only: false, volume: { nocopy: true } },
          { type: 'bind', source: './src', target: '/src', read_only: true, bind: { propagation: 'rslave' }, consistency: 'cached' },
          { type: 'volume', source: '', target: '/anon', read_only: false },
        ],
      },
      {
        mounts: [
          { type: 'tmpfs', source: '', target: '/scratch', readOnly: false },
          { type: 'volume', source: 'shop_data', target: '/data', readOnly: false },
          { type: 'bind', source: '/srv/src', target: '/src', readOnly: true },
          { type: 'volume', source: '', target: '/anon', readOnly: false },
        ],
      },
    );
    expect(b.HostConfig.Mounts).toEqual([
      { Type: 'tmpfs', Source: '', Target: '/scratch', ReadOnly: false, TmpfsOptions: { SizeBytes: 1048576, Mode: 0o1777 } },
      { Type: 'volume', Source: 'shop_data', Target: '/data', ReadOnly: false, VolumeOptions: { NoCopy: true } },
      { Type: 'bind', Source: '/srv/src', Target: '/src', ReadOnly: true, BindOptions: { Propagation: 'rslave' }, Consistency: 'cached' },
      { Type: 'volume', Source: '', Target: '/anon', ReadOnly: false },
    ]);
    expect(b.HostConfig.Binds).toBeUndefined();
  });

  it('volumes: a bind with create_host_path or an SELinux label is a Binds string (the Mounts API does neither)', () => {
    const b = body(
      {
        volumes: [
          { type: 'bind', source: './cache', target: '/cache', read_only: false, bind: { create_host_path: true } },
          { type: 'bind', source: './etc', target: '/etc/app', read_only: true, bind: { selinux: 'Z', propagation: 'rprivate' } },
        ],
      },
      {
        mounts: [
          { type: 'bind', source: '/srv/cache', target: '/cache', readOnly: false },
          { type: 'bind', source: '/srv/etc', target: '/etc/app', readOnly: true },
        ],
      },
    );
    expect(b.HostConfig.Binds).toEqual(['/srv/cache:/cache:rw', '/srv/etc:/etc/app:ro,Z,rprivate']);
    expect(b.HostConfig.Mounts).toEqual([]);
  });

  it('secrets and configs without owner or mode are read-only bind mounts at their targets', () => {
    const b = body(
      {},
      {
        secrets: [
          { name: 'pw', file: '/srv/pw.txt' },
          { name: 'key', file: '/srv/key.pem', target: 'tls/key.pem' },
          { name: 'abs', file: '/srv/abs', target: '/etc/abs' },
        ],
        configs: [{ name: 'app', file: '/srv/app.conf', target: '/etc/app.conf' }],
      },
    );
    expect(b.HostConfig.Mounts).toEqual([
      { Type: 'bind', Source: '/srv/pw.txt', Target: '/run/secrets/pw', ReadOnly: true },
      { Type: 'bind', Source: '/srv/key.pem', Target: '/run/secrets/tls/key.pem', ReadOnly: true },
      { Type: 'bind', Source: '/srv/abs', Target: '/etc/abs', ReadOnly: true },
      { Type: 'bind', Source: '/srv/app.conf', Target: '/etc/app.conf', ReadOnly: true },
    ]);
  });

  it('container_name names the container, for one replica only', () => {
    expect(containerNameOf(request({ container_name: 'fixed' }, { replica: 1 }))).toBe('fixed');
    expect(containerNameOf(request({}))).toBe('shop_api_2');
    expect(() => containerNameOf(request({ container_name: 'fixed' }, { replica: 2 }))).toThrow(/more than one replica/);
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

  it('without test: an empty Test (the engine merges the image\'s HEALTHCHECK), values at Docker\'s defaults sent as 0 so the image\'s stay', () => {
    const base = { interval: '2s', timeout: '30s', retries: 3, start_period: '0s', start_interval: '5s', disable: false } as const;
    expect(healthConfig(base)).toEqual({ Test: [], Interval: 2e9, Timeout: 0, Retries: 0, StartPeriod: 0 });
    expect(healthConfig({ ...base, retries: 7, start_period: '10s', timeout: '3s' })).toEqual({ Test: [], Interval: 2e9, Timeout: 3e9, Retries: 7, StartPeriod: 10e9 });
    expect(healthConfig({ ...base, disable: true })).toEqual({ Test: ['NONE'] });
  });
});
