import { describe, expect, it } from 'vitest';
import type { ParsedComposeFile } from './compose-file.js';
import { extendService, mergeComposeDocuments, mergeComposeFiles } from './merge.js';

const svc = (api: Record<string, unknown>) => ({ services: { api } });
const apiOf = (doc: Record<string, unknown>) => (doc['services'] as Record<string, Record<string, unknown>>)['api'];

describe('mergeComposeDocuments: the Compose merge rules', () => {
  it('merges tables, appends arrays, replaces scalars, and leaves inputs alone', () => {
    const base = { a: { x: 1, list: [1, 2] }, s: 'a' };
    const over = { a: { y: 2, list: [2, 3] }, s: 'b', t: true };
    expect(mergeComposeDocuments(base, over)).toEqual({ a: { x: 1, y: 2, list: [1, 2, 3] }, s: 'b', t: true });
    expect(base).toEqual({ a: { x: 1, list: [1, 2] }, s: 'a' });
  });

  it('replaces command and healthcheck.test instead of appending', () => {
    const merged = mergeComposeDocuments(svc({ command: ['a', 'b'], healthcheck: { test: ['CMD', 'x'], retries: 3 } }), svc({ command: ['c'], healthcheck: { test: ['CMD', 'y'] } }));
    expect(apiOf(merged)).toEqual({ command: ['c'], healthcheck: { test: ['CMD', 'y'], retries: 3 } });
  });

  it('keeps ports unique by ip, published, target and protocol (later wins in place)', () => {
    const merged = mergeComposeDocuments(svc({ ports: ['8080:80', '127.0.0.1:9000:9000', '53:53/udp'] }), svc({ ports: [{ target: 80, published: 8080 }, '9000:9000', '53:53'] }));
    expect(apiOf(merged)?.['ports']).toEqual([{ target: 80, published: 8080 }, '127.0.0.1:9000:9000', '53:53/udp', '9000:9000', '53:53']);
  });

  it('keeps volumes unique by target and secrets by target', () => {
    const merged = mergeComposeDocuments(svc({ volumes: ['foo:/work', './a:/a'], secrets: ['db', 'api'] }), svc({ volumes: ['bar:/work:ro', { source: 'c', target: '/c' }], secrets: ['db', 'new'] }));
    expect(apiOf(merged)).toEqual({ volumes: ['bar:/work:ro', './a:/a', { source: 'c', target: '/c' }], secrets: ['db', 'api', 'new'] });
  });

  it('merges environment and labels by key, in either form', () => {
    expect(apiOf(mergeComposeDocuments(svc({ environment: ['A=1', 'B=1'] }), svc({ environment: ['B=2', 'C=3'] })))?.['environment']).toEqual(['A=1', 'B=2', 'C=3']);
    expect(apiOf(mergeComposeDocuments(svc({ environment: ['A=1', 'B=x=y'] }), svc({ environment: { B: '2' } })))?.['environment']).toEqual({ A: '1', B: '2' });
    expect(apiOf(mergeComposeDocuments(svc({ labels: { a: '1' } }), svc({ labels: ['b=2'] })))?.['labels']).toEqual({ a: '1', b: '2' });
  });

  it('merges depends_on and networks by name across the list and table forms', () => {
    const merged = mergeComposeDocuments(svc({ depends_on: ['db', 'cache'], networks: ['front'] }), svc({ depends_on: { db: { condition: 'service_healthy' } }, networks: { back: {} } }));
    expect(apiOf(merged)).toEqual({
      depends_on: { db: { condition: 'service_healthy' }, cache: { condition: 'service_started' } },
      networks: { front: {}, back: {} },
    });
    expect(apiOf(mergeComposeDocuments(svc({ depends_on: ['db'] }), svc({ depends_on: ['db', 'x'] })))?.['depends_on']).toEqual(['db', 'x']);
  });

  it('merges a build context string with the table form', () => {
    expect(apiOf(mergeComposeDocuments(svc({ build: './app' }), svc({ build: { target: 'dev' } })))?.['build']).toEqual({ context: './app', target: 'dev' });
  });

  it('replaces x-* extensions whole (x-svalinn merges), but merges a service named x-…', () => {
    const merged = mergeComposeDocuments(
      { 'x-a': { k: 1, l: 2 }, 'x-svalinn': { policy: 'strict' }, services: { 'x-svc': { image: 'a', 'x-n': { a: 1 } } } },
      { 'x-a': { k: 3 }, 'x-svalinn': { verify: true }, services: { 'x-svc': { user: 'u', 'x-n': { b: 2 } } } },
    );
    expect(merged).toEqual({ 'x-a': { k: 3 }, 'x-svalinn': { policy: 'strict', verify: true }, services: { 'x-svc': { image: 'a', user: 'u', 'x-n': { b: 2 } } } });
  });

  it('applies resets (!reset and !override) to what came before', () => {
    const merged = mergeComposeDocuments(svc({ image: 'a', ports: ['80:80'], environment: { A: '1', B: '2' } }), svc({ ports: ['443:443'] }), [
      ['services', 'api', 'ports'],
      ['services', 'api', 'environment', 'A'],
      ['services', 'nope', 'x'],
    ]);
    expect(apiOf(merged)).toEqual({ image: 'a', ports: ['443:443'], environment: { B: '2' } });
  });

  it('replaces entrypoint like command', () => {
    expect(apiOf(mergeComposeDocuments(svc({ entrypoint: ['sh', '-c'] }), svc({ entrypoint: ['tini'] })))?.['entrypoint']).toEqual(['tini']);
  });

  it('keeps secrets and configs unique by target (defaults /run/secrets/<source> and /<source>), devices by container path, env_file by path', () => {
    const merged = mergeComposeDocuments(
      svc({
        secrets: ['db', { source: 'tls', target: '/etc/tls' }],
        configs: ['nginx', { source: 'app', target: '/app.conf' }],
        devices: ['/dev/fuse', '/dev/sda:/dev/xvda:r'],
        env_file: ['a.env', { path: 'b.env', required: false }],
      }),
      svc({
        secrets: [{ source: 'db2', target: 'db' }, { source: 'tls2', target: '/etc/tls' }, { source: 'db', target: '/other' }],
        configs: [{ source: 'nginx2', target: '/nginx' }, 'app'],
        devices: ['/dev/sdb:/dev/xvda:rw', '/dev/fuse:/dev/fuse'],
        env_file: [{ path: 'a.env', required: false }, 'b.env', 'c.env'],
      }),
    );
    expect(apiOf(merged)).toEqual({
      secrets: [{ source: 'db2', target: 'db' }, { source: 'tls2', target: '/etc/tls' }, { source: 'db', target: '/other' }],
      configs: [{ source: 'nginx2', target: '/nginx' }, { source: 'app', target: '/app.conf' }, 'app'],
      devices: ['/dev/fuse:/dev/fuse', '/dev/sdb:/dev/xvda:rw'],
      env_file: [{ path: 'a.env', required: false }, 'b.env', 'c.env'],
    });
  });

  it('appends dns, cap_add, expose… without repeating an item', () => {
    const merged = mergeComposeDocuments(svc({ dns: ['1.1.1.1'], cap_add: ['NET_ADMIN'], expose: ['80'] }), svc({ dns: ['8.8.8.8', '1.1.1.1'], cap_add: ['NET_ADMIN', 'SYS_TIME'], expose: ['81'] }));
    expect(apiOf(merged)).toEqual({ dns: ['1.1.1.1', '8.8.8.8'], cap_add: ['NET_ADMIN', 'SYS_TIME'], expose: ['80', '81'] });
  });

  it('merges annotations, sysctls, extra_hosts (= or :), build and deploy labels by key', () => {
    const merged = mergeComposeDocuments(
      svc({ annotations: ['a=1'], sysctls: { 'net.core.somaxconn': 1024 }, extra_hosts: ['db:10.0.0.1', 'x=10.0.0.9'], build: { labels: ['l=1'] }, deploy: { labels: { d: '1' } } }),
      svc({ annotations: { b: '2' }, sysctls: ['net.ipv4.tcp_syncookies=0'], extra_hosts: { db: '10.0.0.2' }, build: { labels: { m: '2' } }, deploy: { labels: ['e=2'] } }),
    );
    expect(apiOf(merged)).toEqual({
      annotations: { a: '1', b: '2' },
      sysctls: { 'net.core.somaxconn': 1024, 'net.ipv4.tcp_syncookies': '0' },
      extra_hosts: { db: '10.0.0.2', x: '10.0.0.9' },
      build: { labels: { l: '1', m: '2' } },
      deploy: { labels: { d: '1', e: '2' } },
    });
    expect(apiOf(mergeComposeDocuments(svc({ extra_hosts: ['db:10.0.0.1', 'a=1.1.1.1'] }), svc({ extra_hosts: ['db=10.0.0.2'] })))?.['extra_hosts']).toEqual(['db=10.0.0.2', 'a=1.1.1.1']);
    expect(apiOf(mergeComposeDocuments(svc({ build: { extra_hosts: ['db:1.1.1.1'], additional_contexts: ['a=./a'] } }), svc({ build: { extra_hosts: { db: '2.2.2.2' }, additional_contexts: { b: './b' } } })))?.['build']).toEqual({
      extra_hosts: { db: '2.2.2.2' },
      additional_contexts: { a: './a', b: './b' },
    });
  });

  it('replaces logging whole when the driver changes, else merges its options', () => {
    const base = svc({ logging: { driver: 'json-file', options: { 'max-size': '1m' } } });
    expect(apiOf(mergeComposeDocuments(base, svc({ logging: { driver: 'syslog', options: { tag: 'x' } } })))?.['logging']).toEqual({ driver: 'syslog', options: { tag: 'x' } });
    expect(apiOf(mergeComposeDocuments(base, svc({ logging: { options: { 'max-file': '3' } } })))?.['logging']).toEqual({ driver: 'json-file', options: { 'max-size': '1m', 'max-file': '3' } });
  });

  it('keeps ipam.config entries unique by subnet', () => {
    const merged = mergeComposeDocuments(
      { networks: { n: { ipam: { config: [{ subnet: '10.0.0.0/24', gateway: '10.0.0.1' }, { subnet: '10.1.0.0/24' }] } } } },
      { networks: { n: { ipam: { config: [{ subnet: '10.0.0.0/24', gateway: '10.0.0.254' }, { subnet: '10.2.0.0/24' }] } } } },
    );
    expect(merged).toEqual({ networks: { n: { ipam: { config: [{ subnet: '10.0.0.0/24', gateway: '10.0.0.254' }, { subnet: '10.1.0.0/24' }, { subnet: '10.2.0.0/24' }] } } } });
  });

  it('extendService: the extending service wins, its resets clear what it inherits', () => {
    expect(extendService({ image: 'busybox', environment: { TZ: 'utc', PORT: '80' } }, { environment: { PORT: '8080' } })).toEqual({
      image: 'busybox',
      environment: { TZ: 'utc', PORT: '8080' },
    });
    expect(extendService({ image: 'b', ports: ['80:80'] }, { ports: ['81:81'] }, [['ports']])).toEqual({ image: 'b', ports: ['81:81'] });
  });

  it('does not read keys through Object.prototype', () => {
    const merged = mergeComposeDocuments({ services: {} }, JSON.parse('{"services":{"constructor":{"image":"a"},"__proto__":{"image":"b"}}}') as Record<string, unknown>);
    expect(Object.keys(merged['services'] as object).sort()).toEqual(['__proto__', 'constructor']);
  });
});

describe('mergeComposeFiles', () => {
  const file = (format: 'toml' | 'yaml', document: Record<string, unknown>, resets: string[][] = []): ParsedComposeFile => ({ format, document, resets, locate: () => undefined });

  it('merges in order, and a YAML project without version is format 1.0', () => {
    expect(mergeComposeFiles([file('yaml', { services: { a: { image: 'x' } } }), file('yaml', { services: { a: { user: 'u' } } })])).toEqual({
      version: '1.0',
      services: { a: { image: 'x', user: 'u' } },
    });
    expect(mergeComposeFiles([file('toml', { services: {} })])).toEqual({ services: {} });
  });
});
