import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { LABEL_CONFIG_HASH, LABEL_PROJECT, LABEL_SERVICE, LABEL_VOLUME, serviceFieldsInUse, type ComposeField, type Project, type ServiceSpec } from '@selur/compose';
import type {
  V1Container, V1ContainerPort, V1EnvVar, V1ObjectMeta, V1PersistentVolumeClaim, V1PodSpec, V1PodTemplateSpec,
  V1ServicePort, V1Volume, V1VolumeMount,
} from '@kubernetes/client-node';
import { ConfigFileError } from '../errors/config-file-error.js';
import { SecretFileError } from '../errors/secret-file-error.js';
import { UnsupportedFieldError, type UnsupportedField } from '../errors/unsupported-field-error.js';
import { fileMounts, type FileRef } from './file-mounts.js';
import { memoryVolumes, podNaming, qualifiedKey, securityContexts } from './container-options.js';
import { probes } from './healthcheck.js';
import type { KubernetesKind, KubernetesManifest, KubernetesManifests, ToKubernetesOptions } from './types.js';
import { cpuQuantity, memoryQuantity, seconds } from './units.js';

/** Label `app.kubernetes.io/managed-by` value on everything we make (and prune by). */
export const MANAGED_BY = 'selur-compose';
/** The ServiceAccount (and Role, RoleBinding) that lets init containers wait for a Job. */
export const WAITER = 'selur-compose-job-waiter';
/** Annotation recording a service's `depends_on` as given (what Kubernetes does not enforce is still visible). */
export const ANNOTATION_DEPENDS_ON = 'io.selur.compose/depends-on';

/**
 * @internal The Compose fields this converter maps faithfully (some values may still be refused:
 * a `user` name, a tmpfs option, a hostname with dots). The runtime claims them as `field:<name>`
 * capabilities; test/fields.test.ts converts a project using every one of them without a refusal.
 */
export const KUBERNETES_FIELDS: readonly ComposeField[] = [
  'annotations', 'cap_add', 'cap_drop', 'dns', 'dns_opt', 'dns_search', 'entrypoint', 'extra_hosts', 'group_add', 'hostname', 'init',
  'privileged', 'read_only', 'shm_size', 'sysctls', 'tmpfs', 'user',
  'configs', 'configs.mode', 'configs.ownership', 'secrets.target', 'secrets.mode', 'secrets.ownership', 'volumes.tmpfs',
  'deploy.resources.limits.cpus', 'deploy.resources.limits.memory', 'deploy.resources.reservations',
  'secret.external', 'config.content', 'config.external',
];

/**
 * The service fields this converter handles: those it maps, and those it refuses itself with a
 * reason (`ulimits`, `deploy.resources.limits.pids`). Every other field in use is refused by name
 * (see the README's tables).
 */
const MAPPED_FIELDS: ReadonlySet<ComposeField> = new Set<ComposeField>([...KUBERNETES_FIELDS, 'ulimits', 'deploy.resources.limits.pids']);
/** Why some fields in use are refused (the others: no mapping in this converter yet). */
const WHY_NOT: Partial<Record<ComposeField, string>> = {
  domainname: 'a pod\'s domain is its Service\'s (`subdomain` needs a headless Service); there is no free domain name',
  devices: 'a pod cannot map host devices (a device plugin does that)',
  'healthcheck.image_test': 'a probe needs its command: Kubernetes does not run an image\'s HEALTHCHECK; give `test`',
  security_opt: 'seccomp, AppArmor and SELinux options have their own securityContext fields; not converted',
  'volumes.anonymous': 'an anonymous volume: give it a name (a claim), or use tmpfs',
};
const DNS_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const ORDER: readonly KubernetesKind[] = ['Namespace', 'ServiceAccount', 'Role', 'RoleBinding', 'Secret', 'ConfigMap', 'PersistentVolumeClaim', 'Service', 'Job', 'StatefulSet', 'Deployment'];

type Workload = 'Deployment' | 'StatefulSet' | 'Job';

/** @internal A resource name from a compose name (and the default namespace from a project's): lowercase, `_` and `.` become `-`. */
export function objectName(name: string): string {
  return name.toLowerCase().replace(/[_.]/g, '-');
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object')
    return `{${Object.keys(value).sort().filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
  return JSON.stringify(value);
}

/** @internal The config hash recorded on a workload: the service's canonical config and the digests of its secrets' contents. */
export function configHash(spec: ServiceSpec, secretDigests: Readonly<Record<string, string>>): string {
  return createHash('sha256').update(canonical({ service: spec, secrets: secretDigests })).digest('hex').slice(0, 32);
}

function xKubernetes(spec: ServiceSpec): Record<string, unknown> {
  const value = (spec.extensions as Record<string, unknown>)['x-kubernetes'];
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
}

/**
 * Turns a project into Kubernetes manifests: per service a Deployment (a StatefulSet when it owns a
 * named volume and asks for one, a Job when others wait for it to complete), a Service for its
 * ports, Secrets for its secrets, claims for its named volumes, probes from its healthcheck and
 * init containers that make Kubernetes enforce `service_healthy` / `service_completed_successfully`.
 *
 * Every field with no faithful mapping is refused with an {@link UnsupportedFieldError} that lists
 * them all (or, with `unsupported: 'warn'`, reported in `warnings` and left out); nothing is
 * dropped silently. Secret contents are read from their files into the Secrets (unless
 * `secretValues: 'omit'`) and appear nowhere else: not in errors, warnings or annotations.
 *
 * @throws {@link UnsupportedFieldError} for fields that cannot be mapped (unless `unsupported: 'warn'`).
 * @throws {@link SecretFileError} when a secret's file cannot be read.
 * @example
 * ```ts
 * import { Project } from '@selur/compose';
 * import { toKubernetes, toYaml } from '@selur/compose-kubernetes';
 * const project = new Project('shop')
 *   .service('db', { image: 'postgres:16', ports: ['5432'], healthcheck: { test: 'pg_isready', interval: '5s' } })
 *   .service('api', { image: 'ghcr.io/org/api:1', ports: ['8080:80'], depends_on: { db: { condition: 'service_healthy' } } });
 * const manifests = toKubernetes(project, { namespace: 'shop' });
 * manifests.find('Deployment', 'api')?.spec?.template.spec?.initContainers; // waits for db:5432
 * console.log(toYaml(manifests));
 * ```
 */
export function toKubernetes(project: Project, options: ToKubernetesOptions = {}): KubernetesManifests {
  const selected = project.withProfiles(...(options.profiles ?? []));
  const spec = selected.toJSON();
  const workingDir = project.source.workingDir;
  const problems: UnsupportedField[] = [];
  const refuse = (field: string, reason: string, service?: string) => problems.push({ service, field, reason });
  const namespace = options.namespace ?? objectName(spec.name);
  if (!DNS_LABEL.test(namespace) || namespace.length > 63) refuse('namespace', `'${namespace}' is not a valid namespace name (RFC 1123 label); pass options.namespace`);

  const names = Object.keys(spec.services);
  const identity = (extra: Record<string, string> = {}): Record<string, string> => ({
    'app.kubernetes.io/part-of': spec.name,
    'app.kubernetes.io/instance': spec.name,
    'app.kubernetes.io/managed-by': MANAGED_BY,
    [LABEL_PROJECT]: spec.name,
    ...extra,
  });
  const meta = (name: string, labels: Record<string, string>, annotations?: Record<string, string>): V1ObjectMeta & { name: string } => ({
    name,
    namespace,
    labels,
    ...(annotations && Object.keys(annotations).length > 0 ? { annotations } : {}),
  });
  const objects: KubernetesManifest[] = [];

  // --- project level: x-svalinn, networks, secrets, volumes ---
  if (spec['x-svalinn'] !== undefined) refuse('x-svalinn', 'Svalinn policy and bundle verification run on the selur runtime; Kubernetes would not enforce them (use an admission controller)');
  for (const network of Object.keys(spec.networks))
    refuse(`networks.${network}`, 'pods share one flat network in Kubernetes; isolating compose networks would need NetworkPolicies, which are not generated');

  const secretDigests: Record<string, string> = {};
  const secretObject = (name: string) => objectName(name);
  for (const [name, secret] of Object.entries(spec.secrets)) {
    if (secret.external) continue; // expected to exist: a Secret named like the secret, with the same key
    if (secret.file === undefined) {
      refuse(`secrets.${name}`, 'only file secrets (and external ones) are converted; write the value to a file');
      continue;
    }
    const path = isAbsolute(secret.file) ? secret.file : resolve(workingDir, secret.file);
    let data: Record<string, string> | undefined;
    if (options.secretValues !== 'omit') {
      let content: Buffer;
      try {
        content = readFileSync(path);
      } catch (error) {
        throw new SecretFileError(name, path, { cause: error });
      }
      secretDigests[name] = createHash('sha256').update(content).digest('hex');
      data = { [name]: content.toString('base64') };
    }
    objects.push({
      apiVersion: 'v1', kind: 'Secret', metadata: meta(secretObject(name), identity({ 'app.kubernetes.io/component': 'secret' })),
      type: 'Opaque', ...(data ? { data } : {}),
    });
  }

  // configs: a ConfigMap each (key = the config's name), from a file or inline content
  const configDigests: Record<string, string> = {};
  const usedConfigs = new Set(Object.values(spec.services).flatMap((s) => (s.configs ?? []).map((r) => r.source)));
  for (const [name, config] of Object.entries(spec.configs)) {
    if (config.external || !usedConfigs.has(name)) continue; // external: a ConfigMap named like the config, with the same key, must exist
    let content: Buffer;
    if (config.content !== undefined) content = Buffer.from(config.content);
    else if (config.file !== undefined) {
      const path = isAbsolute(config.file) ? config.file : resolve(workingDir, config.file);
      try {
        content = readFileSync(path);
      } catch (error) {
        throw new ConfigFileError(name, path, { cause: error });
      }
    } else {
      refuse(`configs.${name}.environment`, 'a config from an environment variable of the machine running compose; write it to a file or give its content');
      continue;
    }
    configDigests[name] = createHash('sha256').update(content).digest('hex');
    const text = content.toString('utf8');
    const binary = !Buffer.from(text, 'utf8').equals(content);
    objects.push({
      apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(objectName(name), identity({ 'app.kubernetes.io/component': 'config' })),
      ...(binary ? { binaryData: { [name]: content.toString('base64') } } : { data: { [name]: text } }),
    });
  }

  // Who uses which volume: a volume used by exactly one service is owned by it.
  const volumeUsers = new Map<string, Set<string>>();
  for (const [service, s] of Object.entries(spec.services))
    for (const mount of s.volumes) if (mount.type === 'volume') volumeUsers.set(mount.source, (volumeUsers.get(mount.source) ?? new Set()).add(service));

  // --- what each service becomes ---
  const completedBy = new Map<string, string[]>(); // dependency → dependants waiting for it to complete
  const healthyBy = new Map<string, string[]>();
  for (const [service, s] of Object.entries(spec.services))
    for (const [dep, d] of Object.entries(s.depends_on)) {
      if (d.condition === 'service_completed_successfully') completedBy.set(dep, [...(completedBy.get(dep) ?? []), service]);
      if (d.condition === 'service_healthy') healthyBy.set(dep, [...(healthyBy.get(dep) ?? []), service]);
    }
  const statefulAsked = new Set(options.statefulSets ?? []);
  const workloads = new Map<string, Workload>();
  for (const [service, s] of Object.entries(spec.services)) {
    const asked = xKubernetes(s)['workload'];
    if (asked !== undefined && asked !== 'StatefulSet' && asked !== 'Deployment' && asked !== 'Job')
      refuse(`services.${service}.x-kubernetes.workload`, `must be 'Deployment', 'StatefulSet' or 'Job', not ${JSON.stringify(asked)}`, service);
    if (completedBy.has(service) || asked === 'Job') {
      if (healthyBy.has(service)) refuse(`services.${service}`, `others wait for it both to complete (${completedBy.get(service)?.join(', ')}) and to be healthy (${healthyBy.get(service)?.join(', ')}); a Job cannot be both`, service);
      workloads.set(service, 'Job');
    } else if (statefulAsked.has(service) || asked === 'StatefulSet') {
      const owned = s.volumes.filter((m) => m.type === 'volume' && volumeUsers.get(m.source)?.size === 1 && !spec.volumes[m.source]?.external);
      if (owned.length === 0) refuse(`services.${service}`, 'a StatefulSet is made for a service that owns a named volume (used by no other service); this one owns none', service);
      workloads.set(service, 'StatefulSet');
    } else workloads.set(service, 'Deployment');
  }
  const ownedBy = (volume: string): string | undefined => {
    const users = volumeUsers.get(volume);
    const [only] = users ?? [];
    return users?.size === 1 && only !== undefined && workloads.get(only) === 'StatefulSet' && !spec.volumes[volume]?.external ? only : undefined;
  };

  for (const [name, volume] of Object.entries(spec.volumes)) {
    if (volume.driver !== 'local') refuse(`volumes.${name}.driver`, `volume driver '${volume.driver}' has no Kubernetes meaning; a storage class does that (options.storage.storageClassName)`);
    if (Object.keys(volume.driver_opts).length > 0) refuse(`volumes.${name}.driver_opts`, 'driver options have no Kubernetes meaning; a storage class does that (options.storage.storageClassName)');
    if (volume.external || ownedBy(name) !== undefined || !volumeUsers.has(name)) continue;
    objects.push({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', ...claim(name, (volumeUsers.get(name)?.size ?? 0) > 1) });
  }

  function claim(volume: string, shared: boolean): Pick<V1PersistentVolumeClaim, 'spec'> & { metadata: V1ObjectMeta & { name: string } } {
    const labels = spec.volumes[volume]?.labels ?? {};
    return {
      metadata: meta(objectName(volume), identity({ [LABEL_VOLUME]: volume, 'app.kubernetes.io/component': 'volume' }), { ...labels }),
      spec: {
        // A volume mounted by several services needs a volume more than one node can mount.
        accessModes: [shared ? 'ReadWriteMany' : 'ReadWriteOnce'],
        resources: { requests: { storage: options.storage?.size ?? '1Gi' } },
        ...(options.storage?.storageClassName ? { storageClassName: options.storage.storageClassName } : {}),
      },
    };
  }

  let needsWaiter = false;
  for (const service of names) {
    const s = spec.services[service] as ServiceSpec;
    const at = (field: string) => `services.${service}.${field}`;
    const no = (field: string, reason: string) => refuse(at(field), reason, service);
    const workload = workloads.get(service) as Workload;
    if (!DNS_LABEL.test(service) || service.length > 63) no('name', `'${service}' is not a valid Kubernetes Service name (RFC 1035 label: lowercase letters, digits and '-', starting with a letter); other services reach it by this name`);

    // every Compose field this converter does not map yet is refused by name, never dropped
    for (const field of serviceFieldsInUse(s)) if (!MAPPED_FIELDS.has(field)) no(field, WHY_NOT[field] ?? 'has no mapping to Kubernetes in this converter yet');

    // image, build, command
    if (s.build !== undefined) no('build', 'Kubernetes does not build images; build and push it, then name it in `image`');
    if (/\.ctp$/.test(s.image)) no('image', `'${s.image}' is a selur bundle, not an OCI image Kubernetes can pull`);
    const container: V1Container = { name: service, image: s.image };
    if (options.imagePullPolicy) container.imagePullPolicy = options.imagePullPolicy;
    if (s.command !== undefined) container.args = [...s.command]; // compose `command` replaces the image's CMD, as `args` does
    if (s.entrypoint !== undefined) container.command = [...s.entrypoint]; // and `entrypoint` the ENTRYPOINT, as `command` does
    if (s.working_dir !== undefined) container.workingDir = s.working_dir;

    // environment (secret references become secretKeyRef)
    const env: V1EnvVar[] = [];
    for (const [key, value] of Object.entries(s.environment)) {
      if (typeof value === 'string') env.push({ name: key, value });
      else env.push({ name: key, valueFrom: { secretKeyRef: { name: secretObject(value.secret), key: value.secret } } });
    }
    if (env.length > 0) container.env = env;

    // ports
    const containerPorts: V1ContainerPort[] = [];
    const servicePorts: V1ServicePort[] = [];
    const seen = new Set<string>();
    for (const [index, port] of s.ports.entries()) {
      const protocol = port.protocol === 'udp' ? 'UDP' : 'TCP';
      const exposed = port.published && port.published > 0 ? port.published : port.target;
      const key = `${protocol}/${exposed}`;
      if (seen.has(key)) {
        no(`ports[${index}]`, `port ${exposed}/${port.protocol} is published twice`);
        continue;
      }
      seen.add(key);
      if (port.host_ip !== undefined && !options.hostPorts) no(`ports[${index}].host_ip`, 'a Service has no host address; set options.hostPorts to bind it on the node (hostIP)');
      const cp: V1ContainerPort = { containerPort: port.target, protocol };
      if (options.hostPorts && port.published && port.published > 0) {
        cp.hostPort = port.published;
        if (port.host_ip !== undefined) cp.hostIP = port.host_ip;
      }
      if (!containerPorts.some((c) => c.containerPort === cp.containerPort && c.protocol === protocol && c.hostPort === cp.hostPort)) containerPorts.push(cp);
      const sp: V1ServicePort = { name: `${protocol.toLowerCase()}-${exposed}`, port: exposed, targetPort: port.target, protocol };
      if (options.serviceType === 'NodePort' && port.published && port.published >= 30000 && port.published <= 32767) sp.nodePort = port.published;
      servicePorts.push(sp);
    }
    if (containerPorts.length > 0) container.ports = containerPorts;

    // healthcheck
    Object.assign(container, probes(s.healthcheck, options.livenessProbes === true));

    // resources
    const limits: Record<string, string> = {};
    const requests: Record<string, string> = {};
    const r = s.deploy.resources;
    if (r?.limits?.cpus !== undefined) limits['cpu'] = cpuQuantity(r.limits.cpus);
    if (r?.limits?.memory !== undefined) limits['memory'] = memoryQuantity(r.limits.memory);
    if (r?.limits?.pids !== undefined) no('deploy.resources.limits.pids', 'a pod spec cannot limit a container\'s processes (the kubelet\'s podPidsLimit is node-wide)');
    if (r?.reservations?.cpus !== undefined) requests['cpu'] = cpuQuantity(r.reservations.cpus);
    if (r?.reservations?.memory !== undefined) requests['memory'] = memoryQuantity(r.reservations.memory);
    if (Object.keys(limits).length > 0 || Object.keys(requests).length > 0)
      container.resources = { ...(Object.keys(limits).length > 0 ? { limits } : {}), ...(Object.keys(requests).length > 0 ? { requests } : {}) };

    // user, read_only, privileged, capabilities, sysctls; ulimits have no place in a pod spec
    const security = securityContexts(s, no);
    if (security.container) container.securityContext = security.container;
    for (const name of Object.keys(s.ulimits ?? {}))
      no(`ulimits.${name}`, 'Kubernetes has no per-container ulimits: the container runtime\'s defaults on the node apply');
    if (s.entrypoint !== undefined && s.entrypoint.length === 0)
      no('entrypoint', 'an empty entrypoint clears the image\'s; an empty `command` in Kubernetes keeps it');

    // stop signal, grace period, networks, restart
    if (s.stop_signal !== 'SIGTERM') no('stop_signal', `Kubernetes always stops a container with SIGTERM, not ${s.stop_signal}`);
    if (Object.keys(s.networks).length > 0) no('networks', 'pods share one flat network in Kubernetes; compose network membership would need NetworkPolicies, which are not generated');
    let restartPolicy: 'Always' | 'OnFailure' | 'Never' = 'Always';
    let backoffLimit: number | undefined;
    if (workload === 'Job') {
      if (s.restart === 'always' || s.restart === 'unless-stopped') no('restart', `a service that others wait for to complete cannot restart '${s.restart}'`);
      else if (s.restart === 'no') { restartPolicy = 'Never'; backoffLimit = 0; }
      else { restartPolicy = 'OnFailure'; backoffLimit = s.restart === 'on-failure' ? 2147483647 : Number(s.restart.slice('on-failure:'.length)); }
    } else if (s.restart.startsWith('on-failure')) {
      no('restart', `a ${workload}'s pods always restart; '${s.restart}' has no equivalent (use 'always', or a Job)`);
    }
    // restart 'no' on a Deployment/StatefulSet: 'no' is compose's default, so it cannot be told from
    // "not said"; such pods restart (Always), as the README's table says.

    // volumes and secrets
    const volumes: V1Volume[] = [];
    const mounts: V1VolumeMount[] = [];
    const claimTemplates: (V1PersistentVolumeClaim & { metadata: V1ObjectMeta & { name: string } })[] = [];
    for (const [index, mount] of s.volumes.entries()) {
      if (mount.type === 'bind') {
        no(`volumes[${index}]`, `bind mount '${mount.source}': a path on the machine running compose is not on the node (hostPath would be the node's own path); use a named volume`);
        continue;
      }
      if (mount.type === 'tmpfs' || mount.source === '') continue; // tmpfs: an emptyDir below; anonymous: refused by name above
      const volumeName = `vol-${objectName(mount.source)}`;
      mounts.push({ name: volumeName, mountPath: mount.target, ...(mount.read_only ? { readOnly: true } : {}) });
      if (workload === 'StatefulSet' && ownedBy(mount.source) === service) {
        if (!claimTemplates.some((c) => c.metadata.name === volumeName)) {
          const c = claim(mount.source, false);
          claimTemplates.push({ metadata: { name: volumeName, labels: c.metadata.labels ?? {} }, ...(c.spec ? { spec: c.spec } : {}) });
        }
      } else if (!volumes.some((v) => v.name === volumeName)) {
        volumes.push({ name: volumeName, persistentVolumeClaim: { claimName: objectName(mount.source), ...(mount.read_only ? { readOnly: true } : {}) } });
      }
    }
    const fileRefs: FileRef[] = [
      ...s.secrets.map((ref, index) => ({ kind: 'secret' as const, ref, index, object: secretObject(ref.source) })),
      ...(s.configs ?? []).flatMap((ref, index) => {
        const config = spec.configs[ref.source];
        // undeclared (validation says so) or refused above
        if (config === undefined || (!config.external && configDigests[ref.source] === undefined)) return [];
        return [{ kind: 'config' as const, ref, index, object: objectName(ref.source) }];
      }),
    ];
    const files = fileMounts(s, fileRefs, s.volumes.some((m) => m.type === 'volume' && m.source !== ''), no);
    volumes.push(...files.volumes);
    mounts.push(...files.mounts);
    const memory = memoryVolumes(s, no);
    volumes.push(...memory.volumes);
    mounts.push(...memory.mounts);
    if (mounts.length > 0) container.volumeMounts = mounts;

    // depends_on → init containers for the conditions Kubernetes can enforce
    const initContainers: V1Container[] = [];
    for (const [dep, d] of Object.entries(s.depends_on)) {
      if (d.restart) no(`depends_on.${dep}.restart`, 'Kubernetes does not restart a workload because another one was replaced');
      if (!d.required || d.condition === 'service_started') continue; // recorded in the annotation; Kubernetes starts pods at once
      const target = spec.services[dep];
      if (!target) continue; // not selected (profiles) or not declared: the core's validation reports the latter
      if (d.condition === 'service_completed_successfully') {
        needsWaiter = true;
        initContainers.push({
          name: `wait-for-${dep}`.slice(0, 63),
          image: options.kubectlImage ?? 'bitnami/kubectl:1.31',
          command: ['kubectl', 'wait', '--namespace', namespace, '--for=condition=complete', `job/${dep}`, '--timeout=24h'],
        });
      } else {
        const port = target.ports[0];
        if (!port || workloads.get(dep) === 'Job') {
          no(`depends_on.${dep}`, `service_healthy: '${dep}' publishes no port, and Kubernetes reports readiness through a Service's endpoints; give '${dep}' a port`);
          continue;
        }
        const exposed = port.published && port.published > 0 ? port.published : port.target;
        // A Service routes only to ready pods (readiness = the healthcheck): once it answers, the dependency is healthy.
        initContainers.push({
          name: `wait-for-${dep}`.slice(0, 63),
          image: options.waitImage ?? 'busybox:1.36',
          command: ['sh', '-c', `until nc -z -w 2 ${dep} ${exposed}; do echo waiting for ${dep}:${exposed}; sleep 2; done`],
          ...(options.imagePullPolicy ? { imagePullPolicy: options.imagePullPolicy } : {}),
        });
      }
    }

    // the pod
    const digests = Object.fromEntries(s.secrets.filter((r) => secretDigests[r.source] !== undefined).map((r) => [r.source, secretDigests[r.source] as string]));
    for (const ref of s.configs ?? []) if (configDigests[ref.source] !== undefined) digests[`config:${ref.source}`] = configDigests[ref.source] as string;
    const hash = configHash(s, digests);
    const selector = { [LABEL_PROJECT]: spec.name, [LABEL_SERVICE]: service };
    const labels = identity({ 'app.kubernetes.io/name': service, [LABEL_SERVICE]: service, [LABEL_CONFIG_HASH]: hash });
    // labels and annotations: both annotations (compose label values need not be valid Kubernetes label values)
    const annotations: Record<string, string> = { ...s.labels, ...s.annotations };
    for (const [field, map] of [['labels', s.labels], ['annotations', s.annotations ?? {}]] as const)
      for (const key of Object.keys(map))
        if (!qualifiedKey(key)) {
          no(`${field}.${key}`, `'${key}' is not a valid Kubernetes annotation key ([prefix/]name, name at most 63 of [A-Za-z0-9-_.])`);
          delete annotations[key];
        }
    if (Object.keys(s.depends_on).length > 0) annotations[ANNOTATION_DEPENDS_ON] = canonical(s.depends_on);
    const podSpec: V1PodSpec = {
      containers: [container],
      restartPolicy,
      terminationGracePeriodSeconds: seconds(s.stop_grace_period, 0),
      enableServiceLinks: false,
    };
    if (security.pod || files.fsGroup !== undefined)
      podSpec.securityContext = { ...security.pod, ...(files.fsGroup !== undefined ? { fsGroup: files.fsGroup } : {}) };
    Object.assign(podSpec, podNaming(s, no));
    // init: the pod's pause process becomes PID 1 (it reaps zombies; the service gets signals as any process does)
    if (s.init === true) podSpec.shareProcessNamespace = true;
    if (initContainers.length > 0) podSpec.initContainers = initContainers;
    if (initContainers.some((c) => c.command?.[0] === 'kubectl')) podSpec.serviceAccountName = WAITER;
    if (volumes.length > 0) podSpec.volumes = volumes;
    const template: V1PodTemplateSpec = { metadata: { labels, ...(Object.keys(annotations).length > 0 ? { annotations } : {}) }, spec: podSpec };
    const workloadMeta = meta(service, labels, annotations);

    if (servicePorts.length > 0) {
      objects.push({
        apiVersion: 'v1', kind: 'Service', metadata: meta(service, identity({ 'app.kubernetes.io/name': service, [LABEL_SERVICE]: service })),
        spec: { type: options.serviceType ?? 'ClusterIP', selector, ports: servicePorts },
      });
    }
    if (workload === 'Job') {
      objects.push({
        apiVersion: 'batch/v1', kind: 'Job', metadata: workloadMeta,
        spec: { completions: s.deploy.replicas, parallelism: s.deploy.replicas, backoffLimit: backoffLimit ?? 0, template },
      });
    } else if (workload === 'StatefulSet') {
      if (s.deploy.strategy === 'recreate') no('deploy.strategy', 'a StatefulSet replaces pods one by one (RollingUpdate) or on deletion (OnDelete); recreate has no equivalent');
      objects.push({
        apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: workloadMeta,
        spec: {
          serviceName: service, replicas: s.deploy.replicas, selector: { matchLabels: selector }, template,
          updateStrategy: { type: 'RollingUpdate' }, ...(claimTemplates.length > 0 ? { volumeClaimTemplates: claimTemplates } : {}),
        },
      });
    } else {
      objects.push({
        apiVersion: 'apps/v1', kind: 'Deployment', metadata: workloadMeta,
        spec: {
          replicas: s.deploy.replicas, selector: { matchLabels: selector }, template,
          strategy: { type: s.deploy.strategy === 'recreate' ? 'Recreate' : 'RollingUpdate' },
        },
      });
    }
  }

  if (needsWaiter) {
    const labels = identity({ 'app.kubernetes.io/component': 'job-waiter' });
    objects.push(
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(WAITER, labels) },
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: meta(WAITER, labels), rules: [{ apiGroups: ['batch'], resources: ['jobs'], verbs: ['get', 'list', 'watch'] }] },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: meta(WAITER, labels),
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: WAITER },
        subjects: [{ kind: 'ServiceAccount', name: WAITER, namespace }],
      },
    );
  }
  if (options.createNamespace) {
    objects.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace, labels: identity() } });
  }

  if (problems.length > 0 && options.unsupported !== 'warn') throw new UnsupportedFieldError(problems);
  objects.sort((a, b) => ORDER.indexOf(a.kind) - ORDER.indexOf(b.kind));
  return {
    project: spec.name,
    namespace,
    objects,
    warnings: options.unsupported === 'warn' ? problems : [],
    find<K extends KubernetesKind>(kind: K, name: string) {
      return objects.find((o): o is Extract<KubernetesManifest, { kind: K }> => o.kind === kind && o.metadata.name === name);
    },
  };
}
