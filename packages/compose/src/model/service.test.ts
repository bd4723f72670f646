import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, isInvalidArgumentError } from '../errors/invalid-argument-error.js';
import { serviceFieldsInUse } from '../spec/fields-in-use.js';
import { Service } from './service.js';
import { Wait } from './wait.js';

function thrown(fn: () => unknown): InvalidArgumentError {
  try {
    fn();
  } catch (error) {
    expect(isInvalidArgumentError(error)).toBe(true);
    return error as InvalidArgumentError;
  }
  throw new Error('expected an InvalidArgumentError');
}

describe('Service builders', () => {
  it('validate eagerly and name the service and field', () => {
    const s = new Service('api');
    expect(thrown(() => s.port('80:http'))).toMatchObject({ service: 'api', field: 'services.api.ports[0]' });
    expect(thrown(() => s.restart('sometimes' as never))).toMatchObject({ service: 'api', field: 'services.api.restart' });
    expect(thrown(() => s.stopGracePeriod('soon'))).toMatchObject({ field: 'services.api.stop_grace_period' });
    expect(thrown(() => s.healthcheck({ test: 'x', interval: 'often' }))).toMatchObject({ field: 'services.api.healthcheck.interval' });
    expect(thrown(() => s.volume('data'))).toMatchObject({ field: 'services.api.volumes[0]' });
    expect(thrown(() => s.dependsOn('db', { condition: 'ready' as never }))).toMatchObject({ field: 'services.api.depends_on.db.condition' });
    expect(thrown(() => s.dependsOn('bad name'))).toMatchObject({ service: 'api' });
    expect(thrown(() => s.image(''))).toMatchObject({ field: 'services.api.image' });
    expect(thrown(() => s.replicas(-1))).toMatchObject({ field: 'services.api.deploy.replicas' });
    expect(thrown(() => s.env({ A: { secret: 1 } as never }))).toMatchObject({ field: 'services.api.environment.A' });
    expect(thrown(() => s.extension('y-foo' as never, 1)).message).toContain('x-');
    expect(thrown(() => new Service('bad name')).field).toBe('service.name');
    expect(thrown(() => new Service('api', { ports: ['80:http'] } as never))).toMatchObject({ field: 'services.api.ports[0]' });
    expect(thrown(() => new Service('api', { imagee: 'x' } as never)).message).toContain("unknown field 'imagee'");
    expect(s.toJSON().ports).toEqual([]); // failed calls changed nothing
  });

  it('builds canonical values', () => {
    const s = new Service('api')
      .image('api.ctp')
      .command('node "my server.js"')
      .env({ B: 2, A: true })
      .env({ C: 'c' })
      .envFile('a.env', 'a.env')
      .ports(['8080:80', 443])
      .dependsOn(['db', 'cache'], { condition: 'completed_successfully', required: false, restart: true })
      .volumes(['./x:/x'])
      .network('a', 'a', 'b')
      .secret('s')
      .restart('on-failure:2')
      .healthcheck({ test: ['CMD', 'true'], startInterval: 1000, disable: false })
      .deploy({ replicas: 2, strategy: 'recreate' })
      .build('./api')
      .profiles('debug')
      .labels({ z: 1, a: 'x' })
      .workdir('/app')
      .user('node')
      .stopGracePeriod(2500)
      .stopSignal('SIGINT')
      .readOnly()
      .extension('x-b', { z: 1, a: [1] })
      .waitFor(Wait.forLog(/ready/));
    const spec = s.toJSON();
    expect(spec.command).toEqual(['node', 'my server.js']);
    expect(Object.keys(spec.environment)).toEqual(['A', 'B', 'C']);
    expect(spec.environment).toEqual({ A: 'true', B: '2', C: 'c' });
    expect(spec.env_file).toEqual(['a.env']);
    expect(spec.ports).toEqual([{ protocol: 'tcp', published: 8080, target: 80 }, { protocol: 'tcp', target: 443 }]);
    expect(spec.depends_on['db']).toEqual({ condition: 'service_completed_successfully', required: false, restart: true });
    expect(Object.keys(spec.depends_on)).toEqual(['cache', 'db']);
    expect(spec.networks).toEqual({ a: {}, b: {} });
    expect(spec.healthcheck).toEqual({ disable: false, interval: '30s', retries: 3, start_interval: '1s', start_period: '0s', test: ['CMD', 'true'], timeout: '30s' });
    expect(spec.deploy).toEqual({ replicas: 2, strategy: 'recreate' });
    expect(spec.build).toEqual({ args: {}, context: './api', dockerfile: 'Dockerfile' });
    expect(spec.labels).toEqual({ a: 'x', z: '1' });
    expect(spec.stop_grace_period).toBe('2s500ms');
    expect(spec.extensions).toEqual({ 'x-b': { z: 1, a: [1] } });
    expect(s.waitStrategy?.kind).toBe('log');
    expect(Object.keys(spec)).toEqual([...Object.keys(spec)].sort());
  });

  it('a healthcheck without test keeps the image\'s test with its own timing; an empty test is refused; ["NONE"] disables', () => {
    const inherited = new Service('a').healthcheck({ interval: '5s', retries: 2 }).toJSON().healthcheck;
    expect(inherited).toEqual({ disable: false, interval: '5s', retries: 2, start_interval: '5s', start_period: '0s', timeout: '30s' });
    expect(inherited && 'test' in inherited).toBe(false);
    expect(serviceFieldsInUse(new Service('a', { image: 'x' }).healthcheck({ interval: '5s' }).toJSON())).toContain('healthcheck.image_test');
    expect(serviceFieldsInUse(new Service('a', { image: 'x' }).healthcheck({ test: 'true' }).toJSON())).not.toContain('healthcheck.image_test');
    expect(serviceFieldsInUse(new Service('a', { image: 'x' }).healthcheck({ disable: true }).toJSON())).not.toContain('healthcheck.image_test');
    expect(thrown(() => new Service('a').healthcheck({ test: [] })).field).toBe('services.a.healthcheck.test');
    expect(thrown(() => new Service('a').healthcheck({ test: '' })).field).toBe('services.a.healthcheck.test');
    expect(new Service('a').healthcheck({ disable: true }).toJSON().healthcheck?.disable).toBe(true);
    const none = new Service('a').healthcheck({ test: ['NONE'] }).toJSON().healthcheck;
    expect(none?.disable).toBe(true);
    expect(none?.test).toBeUndefined();
  });

  it('toJSON keeps the extended fields a loader or builder read (configs, entrypoint, cap_add…), so a runtime sees them (and refuses them by name)', () => {
    const spec = new Service('api', { image: 'shop/api:1', entrypoint: ['/bin/app'], cap_add: ['NET_ADMIN'], hostname: 'api0', configs: [{ source: 'app', target: '/etc/app.conf' }] }).toJSON();
    expect(spec.entrypoint).toEqual(['/bin/app']);
    expect(spec.cap_add).toEqual(['NET_ADMIN']);
    expect(spec.hostname).toBe('api0');
    expect(spec.configs).toEqual([{ source: 'app', target: '/etc/app.conf' }]);
    expect(Object.keys(spec)).toEqual([...Object.keys(spec)].sort());
  });
});

describe('Service.toJSON keeps the container fields', () => {
  it('from compose input and from the builders, absent when not written', () => {
    const s = new Service('api', {
      image: 'busybox',
      cap_drop: ['NET_RAW'],
      hostname: 'api-host',
      init: true,
      tmpfs: '/scratch',
      ulimits: { nofile: { soft: 1024, hard: 2048 } },
      extra_hosts: ['db.internal:10.0.0.5'],
      configs: [{ source: 'app', target: '/etc/app.conf', mode: 0o440 }],
    }).entrypoint(['/bin/sh', '-c']);
    const spec = s.toJSON();
    expect(spec).toMatchObject({
      cap_drop: ['NET_RAW'],
      hostname: 'api-host',
      init: true,
      tmpfs: ['/scratch'],
      ulimits: { nofile: { soft: 1024, hard: 2048 } },
      extra_hosts: { 'db.internal': ['10.0.0.5'] },
      configs: [{ source: 'app', target: '/etc/app.conf', mode: 0o440 }],
      entrypoint: ['/bin/sh', '-c'],
    });
    expect(Object.keys(spec)).toEqual([...Object.keys(spec)].sort());
    const plain = new Service('web', { image: 'busybox' }).toJSON();
    for (const key of ['cap_drop', 'hostname', 'init', 'tmpfs', 'ulimits', 'extra_hosts', 'configs', 'entrypoint']) expect(plain).not.toHaveProperty(key);
  });
});
