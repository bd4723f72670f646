// The container-level Compose fields: what each becomes, validated offline against Kubernetes'
// schemas (test/support/validate.ts), and what is refused by name.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COMPOSE_FIELDS, LABEL_CONFIG_HASH, Project, projectFieldsInUse, serviceFieldsInUse } from '@selur/compose';
import { isConfigFileError, isUnsupportedFieldError, kubernetesRuntime, toKubernetes, type KubernetesManifests } from '@selur/compose-kubernetes';
import { describe, expect, it } from 'vitest';
import { manifestProblems } from './support/validate.js';

function valid(m: KubernetesManifests): KubernetesManifests {
  expect(m.objects.flatMap((o) => manifestProblems(o))).toEqual([]);
  return m;
}

function refused(project: Project): { service: string | undefined; field: string; reason: string }[] {
  try {
    toKubernetes(project);
  } catch (error) {
    if (isUnsupportedFieldError(error)) return error.problems.map((p) => ({ service: p.service, field: p.field, reason: p.reason }));
    throw error;
  }
  return [];
}

const podOf = (m: KubernetesManifests, name: string) => m.find('Deployment', name)?.spec?.template.spec;

describe('toKubernetes: container fields', () => {
  const dir = mkdtempSync(join(tmpdir(), 'selur-k8s-fields-'));
  writeFileSync(join(dir, 'app.conf'), 'listen = 8080\n');
  writeFileSync(join(dir, 'blob.bin'), Buffer.from([0xff, 0xfe, 0x00, 0x01]));
  const project = () =>
    new Project('fields', { workingDir: dir })
      .config('app_conf', { file: './app.conf' })
      .config('motd', { content: 'hello from compose\n' })
      .config('blob', { file: './blob.bin' })
      .config('shared', { external: true })
      .secret('token', { external: true })
      .service('app', {
        image: 'app:1',
        entrypoint: ['/bin/app', '--serve'],
        command: ['--port', '8080'],
        configs: [{ source: 'app_conf', target: '/etc/app/app.conf', mode: 0o440, uid: '0', gid: '2000' }, 'motd', 'blob', 'shared'],
        secrets: [{ source: 'token', target: 'api/token', mode: 0o440, gid: '2000' }],
        deploy: { resources: { limits: { cpus: 0.5, memory: '64m' }, reservations: { cpus: 0.1, memory: '16m' } } },
        cap_add: ['CAP_NET_ADMIN', 'sys_time'],
        cap_drop: ['ALL'],
        privileged: true,
        read_only: true,
        user: '1000:2000',
        group_add: ['3000', '3001'],
        tmpfs: ['/run', '/tmp:size=64m,mode=1777'],
        volumes: [{ type: 'tmpfs', target: '/cache', tmpfs: { size: 1048576 } }],
        shm_size: '256m',
        sysctls: { 'net.core.somaxconn': '1024' },
        hostname: 'app-host',
        extra_hosts: { 'db.internal': ['10.0.0.5'], 'cache.internal': ['10.0.0.5', '10.0.0.6'] },
        dns: ['1.1.1.1', '8.8.8.8'],
        dns_search: ['example.com'],
        dns_opt: ['ndots:2', 'rotate'],
        init: true,
        stop_grace_period: '45s',
        labels: { 'com.example.team': 'core' },
        annotations: { 'example.com/owner': 'ops' },
      })
      .service('plain', { image: 'plain:1', dns_search: ['svc.example'] });

  const m = valid(toKubernetes(project()));
  const app = podOf(m, 'app');
  const container = app?.containers[0];

  it('configs become ConfigMaps (file, inline, binary) mounted read-only at their targets, with their mode', () => {
    expect(m.find('ConfigMap', 'app-conf')?.data).toEqual({ app_conf: 'listen = 8080\n' });
    expect(m.find('ConfigMap', 'motd')?.data).toEqual({ motd: 'hello from compose\n' });
    expect(m.find('ConfigMap', 'blob')?.binaryData).toEqual({ blob: Buffer.from([0xff, 0xfe, 0x00, 0x01]).toString('base64') });
    expect(m.find('ConfigMap', 'blob')?.data).toBeUndefined();
    expect(app?.volumes).toContainEqual({ name: 'config-app-conf', configMap: { name: 'app-conf', items: [{ key: 'app_conf', path: 'app_conf', mode: 0o440 }] } });
    expect(app?.volumes).toContainEqual({ name: 'config-motd', configMap: { name: 'motd', items: [{ key: 'motd', path: 'motd' }] } });
    expect(container?.volumeMounts).toContainEqual({ name: 'config-app-conf', mountPath: '/etc/app/app.conf', subPath: 'app_conf', readOnly: true });
    // no target: compose mounts a config at /SOURCE
    expect(container?.volumeMounts).toContainEqual({ name: 'config-motd', mountPath: '/motd', subPath: 'motd', readOnly: true });
    // apply order: ConfigMaps after Secrets, before the workloads
    const kinds = m.objects.map((o) => o.kind);
    expect(kinds.indexOf('ConfigMap')).toBeLessThan(kinds.indexOf('Deployment'));
  });

  it("a config's content rolls the pods (config hash); an unused config makes no ConfigMap; a missing file is a typed error", () => {
    writeFileSync(join(dir, 'app.conf'), 'listen = 9090\n');
    const changed = toKubernetes(project());
    writeFileSync(join(dir, 'app.conf'), 'listen = 8080\n');
    const hash = (x: KubernetesManifests) => x.find('Deployment', 'app')?.spec?.template.metadata?.labels?.[LABEL_CONFIG_HASH];
    expect(hash(changed)).not.toBe(hash(m));
    expect(hash(toKubernetes(project()))).toBe(hash(m));
    expect(hash(changed)).toMatch(/^[0-9a-f]{32}$/);
    const unused = toKubernetes(new Project('u').config('c', { content: 'x' }).service('a', { image: 'a:1' }));
    expect(unused.objects.some((o) => o.kind === 'ConfigMap')).toBe(false);
    let caught: unknown;
    try {
      toKubernetes(new Project('p', { workingDir: '/nonexistent' }).config('c', { file: 'c.conf' }).service('a', { image: 'a:1', configs: ['c'] }));
    } catch (error) {
      caught = error;
    }
    expect(isConfigFileError(caught)).toBe(true);
    expect((caught as Error).message).toBe("config 'c': cannot read /nonexistent/c.conf");
  });

  it('the runtime claims (field:NAME) exactly the fields this project uses, and it converts with no refusal', () => {
    // A field claimed but not mapped would be refused here, or missing from the fixture.
    const kubeconfig = 'apiVersion: v1\nkind: Config\ncurrent-context: c\nclusters:\n- name: c\n  cluster:\n    server: http://127.0.0.1:9\ncontexts:\n- name: c\n  context:\n    cluster: c\nusers: []\n';
    const claimed = [...kubernetesRuntime({ kubeconfig }).capabilities].filter((c) => c.startsWith('field:')).map((c) => c.slice('field:'.length)).sort();
    const spec = project().toJSON();
    const used = new Set([...serviceFieldsInUse(spec.services['app']!), ...projectFieldsInUse(spec, ['app']).map((f) => f.field)]);
    expect(claimed).toEqual(COMPOSE_FIELDS.filter((f) => used.has(f)).sort());
    expect(m.warnings).toEqual([]);
    // external: expected to exist, so no object made, but mounted / referenced
    expect(m.find('ConfigMap', 'shared')).toBeUndefined();
    expect(app?.volumes).toContainEqual({ name: 'config-shared', configMap: { name: 'shared', items: [{ key: 'shared', path: 'shared' }] } });
    expect(container?.resources).toEqual({ limits: { cpu: '500m', memory: '64Mi' }, requests: { cpu: '100m', memory: '16Mi' } });
  });

  it('entrypoint → command, command → args', () => {
    expect(container?.command).toEqual(['/bin/app', '--serve']);
    expect(container?.args).toEqual(['--port', '8080']);
  });

  it('user, read_only, privileged and cap_add / cap_drop (without the CAP_ prefix) → the container securityContext; sysctls and group_add → the pod\'s', () => {
    expect(container?.securityContext).toEqual({
      runAsUser: 1000, runAsGroup: 2000, readOnlyRootFilesystem: true, privileged: true,
      capabilities: { add: ['NET_ADMIN', 'SYS_TIME'], drop: ['ALL'] },
    });
    expect(app?.securityContext).toEqual({ fsGroup: 2000, sysctls: [{ name: 'net.core.somaxconn', value: '1024' }], supplementalGroups: [3000, 3001] });
  });

  it('tmpfs (short and long form) and shm_size → emptyDir in memory with sizeLimit', () => {
    const memory = app?.volumes?.filter((v) => v.emptyDir) ?? [];
    const mountOf = (path: string) => {
      const mount = container?.volumeMounts?.find((v) => v.mountPath === path);
      return memory.find((v) => v.name === mount?.name)?.emptyDir;
    };
    expect(mountOf('/run')).toEqual({ medium: 'Memory' });
    expect(mountOf('/tmp')).toEqual({ medium: 'Memory', sizeLimit: '64Mi' });
    expect(mountOf('/cache')).toEqual({ medium: 'Memory', sizeLimit: '1Mi' });
    expect(mountOf('/dev/shm')).toEqual({ medium: 'Memory', sizeLimit: '256Mi' });
    expect(memory).toHaveLength(4);
  });

  it('hostname, extra_hosts → hostAliases, dns → dnsConfig with dnsPolicy None; dns_search alone keeps the cluster DNS', () => {
    expect(app?.hostname).toBe('app-host');
    expect(app?.hostAliases).toEqual([{ ip: '10.0.0.5', hostnames: ['cache.internal', 'db.internal'] }, { ip: '10.0.0.6', hostnames: ['cache.internal'] }]);
    expect(app?.dnsPolicy).toBe('None');
    expect(app?.dnsConfig).toEqual({ nameservers: ['1.1.1.1', '8.8.8.8'], searches: ['example.com'], options: [{ name: 'ndots', value: '2' }, { name: 'rotate' }] });
    const plain = podOf(m, 'plain');
    expect(plain?.dnsPolicy).toBeUndefined();
    expect(plain?.dnsConfig).toEqual({ searches: ['svc.example'] });
  });

  it('init → shareProcessNamespace; stop_grace_period → terminationGracePeriodSeconds; labels and annotations → annotations', () => {
    expect(app?.shareProcessNamespace).toBe(true);
    expect(podOf(m, 'plain')?.shareProcessNamespace).toBeUndefined();
    expect(app?.terminationGracePeriodSeconds).toBe(45);
    const workload = m.find('Deployment', 'app');
    for (const annotations of [workload?.metadata.annotations, workload?.spec?.template.metadata?.annotations]) {
      expect(annotations?.['com.example.team']).toBe('core');
      expect(annotations?.['example.com/owner']).toBe('ops');
    }
  });
});

describe('toKubernetes: container fields with no faithful mapping are refused by name', () => {
  it('ulimits, user names, tmpfs options, modes, host-gateway, hostnames, bad annotation keys, config environment and ownership, and the fields not mapped', () => {
    const problems = refused(
      new Project('odd')
        .config('env_conf', { environment: 'APP_CONF' })
        .config('owned', { content: 'x' })
        .secret('tok', { external: true })
        .service('a', {
          image: 'a:1',
          ulimits: { nofile: { soft: 1024, hard: 2048 }, nproc: 512 },
          user: 'www-data',
          group_add: ['audio', '44'],
          tmpfs: ['/run:size=1m,uid=1000', '/tmp:mode=700'],
          volumes: [{ type: 'tmpfs', target: '/cache', tmpfs: { mode: 0o700 } }],
          extra_hosts: { host: ['host-gateway'] },
          hostname: 'a.example.com',
          annotations: { 'bad key!': 'x' },
          configs: ['env_conf', { source: 'owned', uid: '1000' }],
          secrets: [{ source: 'tok', gid: 'staff' }],
          dns: ['1.1.1.1', '1.0.0.1', '8.8.8.8', '8.8.4.4'],
          security_opt: ['no-new-privileges:true'],
          devices: ['/dev/fuse'],
          domainname: 'example.com',
        }),
    );
    const fields = problems.map((p) => p.field);
    expect(fields).toEqual(expect.arrayContaining([
      'configs.env_conf.environment',
      'services.a.ulimits.nofile', 'services.a.ulimits.nproc',
      'services.a.user', 'services.a.group_add',
      'services.a.tmpfs[0]', 'services.a.tmpfs[1]', 'services.a.volumes[0].tmpfs.mode',
      'services.a.extra_hosts.host', 'services.a.hostname', 'services.a.annotations.bad key!',
      'services.a.configs[1].uid', 'services.a.secrets[0].gid', 'services.a.dns',
      'services.a.security_opt', 'services.a.devices', 'services.a.domainname',
    ]));
    expect(problems.find((p) => p.field === 'services.a.ulimits.nofile')?.reason).toMatch(/no per-container ulimits/);
    expect(problems.find((p) => p.field === 'services.a.tmpfs[0]')?.reason).toContain("'uid=1000'");
    expect(problems.find((p) => p.field === 'services.a.configs[1].uid')?.reason).toMatch(/belong to root \(uid 0\); Kubernetes sets no per-file owner/);
    expect(problems.find((p) => p.field === 'services.a.secrets[0].gid')?.reason).toMatch(/'staff' is a name/);
    expect(problems.find((p) => p.field === 'services.a.domainname')?.reason).toMatch(/headless Service/);
    expect(problems.every((p) => p.field.startsWith('configs.') || p.service === 'a')).toBe(true);
  });

  it("with unsupported: 'warn' the refused parts are left out and what remains still validates", () => {
    const m = valid(toKubernetes(
      new Project('odd').service('a', {
        image: 'a:1', ulimits: { nofile: 1024 }, tmpfs: ['/run:uid=1', '/ok:size=2m'], hostname: 'A_B', cap_drop: ['NET_RAW'],
      }),
      { unsupported: 'warn' },
    ));
    expect(m.warnings.map((w) => w.field)).toEqual(['services.a.ulimits.nofile', 'services.a.tmpfs[0]', 'services.a.hostname']);
    const pod = podOf(m, 'a');
    expect(pod?.hostname).toBeUndefined();
    expect(pod?.containers[0]?.volumeMounts).toEqual([{ name: 'tmpfs-0', mountPath: '/ok' }]);
    expect(pod?.containers[0]?.securityContext).toEqual({ capabilities: { drop: ['NET_RAW'] } });
  });
});
