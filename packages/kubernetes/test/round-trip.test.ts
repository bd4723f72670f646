import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LABEL_CONFIG_HASH, LABEL_PROJECT, LABEL_SERVICE, LABEL_VOLUME, Project } from '@selur/compose';
import { isSecretFileError, isUnsupportedFieldError, toKubernetes, toYaml, type UnsupportedFieldError } from '@selur/compose-kubernetes';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { SECRET_VALUE, representativeStack } from './support/stack.js';
import { manifestProblems } from './support/validate.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('toKubernetes: a representative stack', () => {
  const { project } = representativeStack();
  const m = toKubernetes(project, { statefulSets: ['db'] });

  it('makes one workload per service, of the kind its role asks for, in apply order', () => {
    expect(m.namespace).toBe('shop');
    expect(m.objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'ServiceAccount/selur-compose-job-waiter', 'Role/selur-compose-job-waiter', 'RoleBinding/selur-compose-job-waiter',
      'Secret/db-password',
      'Service/api', 'Service/cache', 'Service/db', 'Service/web',
      'Job/migrate',
      'StatefulSet/db',
      'Deployment/api', 'Deployment/cache', 'Deployment/web',
    ]);
    expect(m.warnings).toEqual([]);
    for (const o of m.objects) expect(o.metadata.namespace).toBe('shop');
  });

  it('every manifest validates against the Kubernetes 1.27 schemas and the API server\'s name and label rules', () => {
    const problems = m.objects.flatMap((o) => manifestProblems(o));
    expect(problems).toEqual([]);
  });

  it('healthchecks become probes: exec, httpGet, tcpSocket; start_period a startup probe; no liveness unless asked', () => {
    const db = m.find('StatefulSet', 'db')?.spec?.template.spec?.containers[0];
    expect(db?.readinessProbe).toEqual({ exec: { command: ['/bin/sh', '-c', 'pg_isready -U app'] }, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 5, successThreshold: 1 });
    expect(db?.startupProbe).toEqual({ exec: { command: ['/bin/sh', '-c', 'pg_isready -U app'] }, periodSeconds: 2, timeoutSeconds: 3, successThreshold: 1, failureThreshold: 10 + 5 });
    expect(db?.livenessProbe).toBeUndefined();
    const api = m.find('Deployment', 'api')?.spec?.template.spec?.containers[0];
    expect(api?.readinessProbe).toMatchObject({ httpGet: { path: '/health', port: 80, scheme: 'HTTP' }, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3 });
    expect(api?.startupProbe).toBeUndefined();
    const cache = m.find('Deployment', 'cache')?.spec?.template.spec?.containers[0];
    expect(cache?.readinessProbe).toMatchObject({ tcpSocket: { port: 6379 }, periodSeconds: 5 });
    expect(m.find('Deployment', 'web')?.spec?.template.spec?.containers[0]?.readinessProbe).toBeUndefined();

    const live = toKubernetes(project, { statefulSets: ['db'], livenessProbes: true });
    expect(live.find('Deployment', 'api')?.spec?.template.spec?.containers[0]?.livenessProbe).toMatchObject({ httpGet: { path: '/health', port: 80 } });
  });

  it('depends_on becomes ordering Kubernetes enforces: init containers that wait for a Service to answer or a Job to complete', () => {
    const api = m.find('Deployment', 'api')?.spec?.template.spec;
    expect(api?.initContainers?.map((c) => [c.name, c.image, c.command])).toEqual([
      ['wait-for-db', 'busybox:1.36', ['sh', '-c', 'until nc -z -w 2 db 5432; do echo waiting for db:5432; sleep 2; done']],
      ['wait-for-migrate', 'bitnami/kubectl:1.31', ['kubectl', 'wait', '--namespace', 'shop', '--for=condition=complete', 'job/migrate', '--timeout=24h']],
    ]);
    expect(api?.serviceAccountName).toBe('selur-compose-job-waiter');
    expect(m.find('Role', 'selur-compose-job-waiter')?.rules).toEqual([{ apiGroups: ['batch'], resources: ['jobs'], verbs: ['get', 'list', 'watch'] }]);
    expect(m.find('RoleBinding', 'selur-compose-job-waiter')?.subjects).toEqual([{ kind: 'ServiceAccount', name: 'selur-compose-job-waiter', namespace: 'shop' }]);

    const migrate = m.find('Job', 'migrate');
    expect(migrate?.spec?.template.spec?.initContainers?.map((c) => c.name)).toEqual(['wait-for-db']);
    expect(migrate?.spec?.template.spec?.restartPolicy).toBe('Never');
    expect(migrate?.spec?.backoffLimit).toBe(0);
    expect(migrate?.spec?.template.spec?.serviceAccountName).toBeUndefined();

    // service_started: Kubernetes starts pods at once; recorded, not enforced. service_healthy on cache: enforced.
    const web = m.find('Deployment', 'web');
    expect(web?.spec?.template.spec?.initContainers?.map((c) => c.name)).toEqual(['wait-for-cache']);
    expect(JSON.parse(web?.metadata.annotations?.['io.selur.compose/depends-on'] ?? '{}')).toEqual({
      api: { condition: 'service_started', required: true, restart: false },
      cache: { condition: 'service_healthy', required: true, restart: false },
    });
  });

  it('resources, user, read_only, grace period, replicas and command', () => {
    const db = m.find('StatefulSet', 'db');
    expect(db?.spec?.template.spec?.containers[0]?.resources).toEqual({ limits: { cpu: '1', memory: '512Mi' }, requests: { cpu: '250m', memory: '256Mi' } });
    expect(db?.spec?.template.spec?.containers[0]?.securityContext).toEqual({ runAsUser: 999, runAsGroup: 999 });
    expect(db?.spec?.template.spec?.terminationGracePeriodSeconds).toBe(30);
    const api = m.find('Deployment', 'api');
    expect(api?.spec?.replicas).toBe(2);
    expect(api?.spec?.template.spec?.containers[0]?.resources).toEqual({ limits: { cpu: '500m', memory: '1Gi' } });
    expect(api?.spec?.template.spec?.containers[0]?.securityContext).toEqual({ readOnlyRootFilesystem: true });
    expect(m.find('Job', 'migrate')?.spec?.template.spec?.containers[0]?.args).toEqual(['api', 'migrate']);
    expect(m.find('Job', 'migrate')?.spec?.template.spec?.containers[0]?.command).toBeUndefined();
  });

  it('identity: app.kubernetes.io/* and the core\'s labels on everything, the service and config hash on workloads and pods', () => {
    for (const o of m.objects) {
      expect(o.metadata.labels?.[LABEL_PROJECT]).toBe('shop');
      expect(o.metadata.labels?.['app.kubernetes.io/managed-by']).toBe('selur-compose');
      expect(o.metadata.labels?.['app.kubernetes.io/part-of']).toBe('shop');
    }
    for (const name of ['api', 'cache', 'web'] as const) {
      const d = m.find('Deployment', name);
      const pod = d?.spec?.template.metadata?.labels;
      expect(pod?.[LABEL_SERVICE]).toBe(name);
      expect(pod?.['app.kubernetes.io/name']).toBe(name);
      expect(pod?.[LABEL_CONFIG_HASH]).toMatch(/^[0-9a-f]{32}$/);
      expect(d?.metadata.labels?.[LABEL_CONFIG_HASH]).toBe(pod?.[LABEL_CONFIG_HASH]);
      // The selector is immutable: it names the project and service only, never the hash.
      expect(d?.spec?.selector.matchLabels).toEqual({ [LABEL_PROJECT]: 'shop', [LABEL_SERVICE]: name });
      expect(m.find('Service', name)?.spec?.selector).toEqual({ [LABEL_PROJECT]: 'shop', [LABEL_SERVICE]: name });
    }
    expect(m.find('Deployment', 'api')?.spec?.template.metadata?.annotations?.['com.example.team']).toBe('payments');
    expect(m.find('StatefulSet', 'db')?.spec?.volumeClaimTemplates?.[0]?.metadata?.labels?.[LABEL_VOLUME]).toBe('pgdata');
  });

  it('the config hash is stable for the same config and changes with a secret\'s content', () => {
    const hash = (p: Project) => toKubernetes(p, { statefulSets: ['db'] }).find('StatefulSet', 'db')?.metadata.labels?.[LABEL_CONFIG_HASH];
    const same = representativeStack().project;
    const other = representativeStack('another-secret').project;
    expect(hash(same)).toBe(hash(project));
    expect(hash(other)).not.toBe(hash(project));
  });

  it('ports: a ClusterIP Service per service with ports; NodePort / LoadBalancer and hostPort by option', () => {
    expect(m.find('Service', 'api')?.spec).toEqual({
      type: 'ClusterIP', selector: { [LABEL_PROJECT]: 'shop', [LABEL_SERVICE]: 'api' }, ports: [{ name: 'tcp-8080', port: 8080, targetPort: 80, protocol: 'TCP' }],
    });
    expect(m.find('Deployment', 'api')?.spec?.template.spec?.containers[0]?.ports).toEqual([{ containerPort: 80, protocol: 'TCP' }]);
    const node = toKubernetes(project, { statefulSets: ['db'], serviceType: 'NodePort', hostPorts: true });
    expect(node.find('Service', 'web')?.spec?.type).toBe('NodePort');
    expect(node.find('Deployment', 'api')?.spec?.template.spec?.containers[0]?.ports).toEqual([{ containerPort: 80, protocol: 'TCP', hostPort: 8080 }]);
    expect(toKubernetes(project, { statefulSets: ['db'], serviceType: 'LoadBalancer' }).find('Service', 'db')?.spec?.type).toBe('LoadBalancer');
    const high = new Project('p').service('a', { image: 'a:1', ports: ['30080:80'] });
    expect(toKubernetes(high, { serviceType: 'NodePort' }).find('Service', 'a')?.spec?.ports?.[0]?.nodePort).toBe(30080);
  });

  it('secrets: a Secret from the file, mounted at /run/secrets/NAME, referenced by secretKeyRef; never in annotations', () => {
    expect(m.find('Secret', 'db-password')?.data).toEqual({ db_password: b64(SECRET_VALUE) });
    const db = m.find('StatefulSet', 'db')?.spec?.template.spec;
    expect(db?.containers[0]?.volumeMounts).toContainEqual({ name: 'secret-db-password', mountPath: '/run/secrets/db_password', subPath: 'db_password', readOnly: true });
    expect(db?.volumes).toContainEqual({ name: 'secret-db-password', secret: { secretName: 'db-password', items: [{ key: 'db_password', path: 'db_password' }], optional: false } });
    expect(m.find('Deployment', 'api')?.spec?.template.spec?.containers[0]?.env).toContainEqual({ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db-password', key: 'db_password' } } });
    const withoutSecrets = m.objects.filter((o) => o.kind !== 'Secret');
    expect(JSON.stringify(withoutSecrets)).not.toContain(SECRET_VALUE);
    expect(JSON.stringify(withoutSecrets)).not.toContain(b64(SECRET_VALUE));
    expect(toKubernetes(project, { statefulSets: ['db'], secretValues: 'omit' }).find('Secret', 'db-password')?.data).toBeUndefined();
  });

  it('volumes: a StatefulSet owns its claim template; a Deployment mounts a PersistentVolumeClaim', () => {
    const claim = m.find('StatefulSet', 'db')?.spec?.volumeClaimTemplates?.[0];
    expect(claim?.metadata?.name).toBe('vol-pgdata');
    expect(claim?.spec).toEqual({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } });
    const asDeployment = toKubernetes(project, { storage: { size: '5Gi', storageClassName: 'fast' } });
    expect(asDeployment.find('PersistentVolumeClaim', 'pgdata')?.spec).toEqual({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '5Gi' } }, storageClassName: 'fast' });
    expect(asDeployment.find('Deployment', 'db')?.spec?.template.spec?.volumes).toContainEqual({ name: 'vol-pgdata', persistentVolumeClaim: { claimName: 'pgdata' } });
    expect(asDeployment.objects.flatMap((o) => manifestProblems(o))).toEqual([]);
  });

  it('YAML: one document per object that parses back to the same objects', () => {
    const docs = parseAllDocuments(toYaml(m)).map((d) => d.toJS() as unknown);
    expect(docs).toEqual(JSON.parse(JSON.stringify(m.objects)));
  });

  it('namespace by option, and the Namespace object when asked', () => {
    const n = toKubernetes(project, { statefulSets: ['db'], namespace: 'team-a', createNamespace: true });
    expect(n.objects[0]).toMatchObject({ kind: 'Namespace', metadata: { name: 'team-a' } });
    expect(n.objects.filter((o) => o.kind !== 'Namespace').every((o) => o.metadata.namespace === 'team-a')).toBe(true);
    expect(n.find('Deployment', 'api')?.spec?.template.spec?.initContainers?.[1]?.command).toContain('team-a');
    expect(n.objects.flatMap((o) => manifestProblems(o))).toEqual([]);
  });
});

describe('toKubernetes: refusals', () => {
  const unfaithful = () =>
    new Project('odd')
      .network('back')
      .service('a', {
        image: 'a:1', build: { context: '.' }, user: 'postgres', stop_signal: 'SIGINT', volumes: ['./data:/data'], networks: ['back'],
        deploy: { resources: { limits: { pids: 100 } } }, restart: 'on-failure',
      })
      .service('b', { image: 'b:1', depends_on: { a: { condition: 'service_healthy' } } });

  it('lists every field with no faithful mapping, by service and field, in one typed error', () => {
    let caught: unknown;
    try {
      toKubernetes(unfaithful());
    } catch (error) {
      caught = error;
    }
    expect(isUnsupportedFieldError(caught)).toBe(true);
    const error = caught as UnsupportedFieldError;
    expect(error.name).toBe('UnsupportedFieldError');
    expect(error.code).toBe('E_K8S_UNSUPPORTED_FIELD');
    expect(error.problems.map((p) => [p.service, p.field])).toEqual([
      [undefined, 'networks.back'],
      ['a', 'services.a.build'],
      ['a', 'services.a.deploy.resources.limits.pids'],
      ['a', 'services.a.user'],
      ['a', 'services.a.stop_signal'],
      ['a', 'services.a.networks'],
      ['a', 'services.a.restart'],
      ['a', 'services.a.volumes[0]'],
      ['b', 'services.b.depends_on.a'],
    ]);
    expect(error.message).toContain("services.a.stop_signal (service 'a')");
  });

  it("with unsupported: 'warn' reports them and leaves them out", () => {
    const m = toKubernetes(unfaithful(), { unsupported: 'warn' });
    expect(m.warnings).toHaveLength(9);
    const a = m.find('Deployment', 'a')?.spec?.template.spec;
    expect(a?.containers[0]?.securityContext).toBeUndefined();
    expect(a?.volumes).toBeUndefined();
    expect(m.find('Deployment', 'b')?.spec?.template.spec?.initContainers).toBeUndefined();
    expect(m.objects.flatMap((o) => manifestProblems(o))).toEqual([]);
  });

  it('refuses names Kubernetes cannot resolve, bundles, Jobs that must also be healthy, recreate StatefulSets and host addresses without hostPorts', () => {
    const p = new Project('p')
      .volume('v')
      .service('my_svc', { image: 'x.ctp' })
      .service('job', { image: 'j:1', ports: ['80'] })
      .service('c', { image: 'c:1', depends_on: { job: { condition: 'service_completed_successfully' } } })
      .service('d', { image: 'd:1', depends_on: { job: { condition: 'service_healthy' } } })
      .service('s', { image: 's:1', volumes: ['v:/v'], deploy: { strategy: 'recreate' }, ports: ['127.0.0.1:81:81'] });
    const fields = (() => {
      try {
        toKubernetes(p, { statefulSets: ['s'] });
        return [];
      } catch (error) {
        return isUnsupportedFieldError(error) ? error.problems.map((x) => x.field) : [String(error)];
      }
    })();
    expect(fields).toEqual(expect.arrayContaining([
      'services.job', 'services.my_svc.name', 'services.my_svc.image', 'services.d.depends_on.job', 'services.s.deploy.strategy', 'services.s.ports[0].host_ip',
    ]));
  });

  it('a missing secret file is a typed error naming the secret and path, never content', () => {
    const p = new Project('p', { workingDir: '/nonexistent' }).secret('token', { file: 'token.txt' }).service('a', { image: 'a:1', secrets: ['token'] });
    let caught: unknown;
    try {
      toKubernetes(p);
    } catch (error) {
      caught = error;
    }
    expect(isSecretFileError(caught)).toBe(true);
    expect((caught as Error).message).toBe("secret 'token': cannot read /nonexistent/token.txt");
  });

  it('warnings and errors never carry a secret value', () => {
    const { project, dir } = representativeStack();
    writeFileSync(join(dir, 'db_password.txt'), SECRET_VALUE);
    project.service('z', { image: 'z:1', user: SECRET_VALUE.replace(/-/g, '') + 'name', secrets: ['db_password'] });
    const m = toKubernetes(project, { unsupported: 'warn' });
    expect(JSON.stringify(m.warnings)).not.toContain(SECRET_VALUE);
  });
});
