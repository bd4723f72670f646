import { Writable } from 'node:stream';
import {
  LABEL_CONFIG_HASH, LABEL_PROJECT, LABEL_SERVICE, LABEL_VOLUME, UnsupportedOperationError,
  type ComposeEvent, type ContainerInfo, type ExecOptions, type ExecResult, type LogLine, type LogOptions, type Project,
  type ProbeResult, type ResourceInfo, type RuntimeCapability, type VolumeRequest,
} from '@selur/compose';
import { Exec, type KubernetesObject, type V1Job, type V1PersistentVolumeClaim, type V1Pod, type V1Status } from '@kubernetes/client-node';
import { KUBERNETES_FIELDS, MANAGED_BY, objectName, toKubernetes } from '../convert/to-kubernetes.js';
import type { KubernetesManifest, KubernetesManifests } from '../convert/types.js';
import { UnsupportedFieldError } from '../errors/unsupported-field-error.js';
import { KubernetesApiError } from '../errors/kubernetes-api-error.js';
import { clientNodeApi, loadKubeConfig, type KubernetesApi } from './api.js';
import type { KubernetesDownResult, KubernetesRuntime, KubernetesRuntimeOptions, KubernetesUpOptions, KubernetesUpResult } from './options.js';
import { parsePodId, podInfo, podInfos } from './pods.js';
import { waitForRollout } from './rollout.js';
import { manifestsOf, problemsOf, selectedServices } from './select.js';

/** Kinds we make, with their API versions, in apply order; deleted in reverse. */
const KINDS: readonly (readonly [kind: string, apiVersion: string])[] = [
  ['ServiceAccount', 'v1'], ['Role', 'rbac.authorization.k8s.io/v1'], ['RoleBinding', 'rbac.authorization.k8s.io/v1'],
  ['Secret', 'v1'], ['ConfigMap', 'v1'], ['PersistentVolumeClaim', 'v1'], ['Service', 'v1'], ['Job', 'batch/v1'], ['StatefulSet', 'apps/v1'], ['Deployment', 'apps/v1'],
];
const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'Job']);

const CAPABILITIES: ReadonlySet<RuntimeCapability> = new Set<RuntimeCapability>([
  'volumes', 'ports', 'secrets', 'logs', 'exec', 'exec.output', 'health', 'restart-policy', 'replicas',
  // the Compose fields toKubernetes maps (the others it refuses by name)
  ...KUBERNETES_FIELDS.map((field) => `field:${field}` as const),
]);

const ownedBy = (project: string) => `${LABEL_PROJECT}=${project},app.kubernetes.io/managed-by=${MANAGED_BY}`;
const key = (o: { kind?: string | undefined; metadata?: { name?: string | undefined } | undefined }) => `${o.kind}/${o.metadata?.name}`;

/**
 * A runtime on a Kubernetes cluster, through `@kubernetes/client-node` 1.x: `up` applies a
 * project's manifests (see `toKubernetes`) server-side with its own field manager, prunes what the
 * project no longer declares (found by label), and waits for every Deployment to be available,
 * StatefulSet ready and Job complete — or throws a `RolloutError` carrying the pods' events and
 * logs. `down` deletes everything the project owns (claims only with `volumes: true`). Pods are
 * listed, inspected, logged and exec'd into through the Runtime port; per-container lifecycle
 * calls throw `UnsupportedOperationError` (Kubernetes owns its pods).
 *
 * Tested against an in-process fake of the API (the calls it makes, shapes from the API
 * reference), never against a real cluster here: see the package README.
 *
 * @example
 * ```ts
 * import { Project } from '@selur/compose';
 * import { kubernetesRuntime, isRolloutError } from '@selur/compose-kubernetes';
 * const runtime = kubernetesRuntime({ kubeconfig: `${process.env.HOME}/.kube/config`, namespace: 'shop' });
 * try {
 *   const result = await runtime.up(project, { signal: AbortSignal.timeout(600_000) });
 *   console.log(result.applied, result.pruned);
 *   for (const pod of await runtime.ps(project.name)) console.log(pod.name, pod.state, pod.health);
 * } catch (error) {
 *   if (isRolloutError(error)) console.error(error.events.join('\n'), error.logs.join('\n'));
 * }
 * await runtime.down(project.name, { volumes: true });
 * ```
 */
export function kubernetesRuntime(options: KubernetesRuntimeOptions = {}): KubernetesRuntime {
  const config = loadKubeConfig(options.kubeconfig);
  return runtimeOver(clientNodeApi(config), options, config);
}

/** @internal The runtime over any {@link KubernetesApi} (the tests' fake goes through client-node too, over HTTP). */
export function runtimeOver(api: KubernetesApi, options: KubernetesRuntimeOptions, config?: ReturnType<typeof loadKubeConfig>): KubernetesRuntime {
  const fieldManager = options.fieldManager ?? 'selur-compose';
  const namespaceOf = (project: string) => options.namespace ?? objectName(project);
  let seq = 0;
  const emit = (project: string, event: Record<string, unknown>) => {
    if (!options.onEvent) return;
    try {
      options.onEvent({ ...event, seq: ++seq, time: new Date(), project } as ComposeEvent);
    } catch {
      // a sink never breaks the runtime
    }
  };
  const unsupported = (operation: string, hint: string): never => {
    throw new UnsupportedOperationError('kubernetes', operation, { hint });
  };
  const NO_CONTAINERS = 'Kubernetes owns its pods; deploy the whole project with runtime.up(project) and remove it with runtime.down(name)';
  const NO_NETWORKS = 'pods share one flat network in Kubernetes';

  async function podsOf(project: string, service?: string): Promise<V1Pod[]> {
    const selector = `${LABEL_PROJECT}=${project}${service === undefined ? '' : `,${LABEL_SERVICE}=${service}`}`;
    return api.list<V1Pod>('v1', 'Pod', namespaceOf(project), selector);
  }

  async function readPod(id: string): Promise<V1Pod> {
    const { namespace, name } = parsePodId(id, options.namespace ?? 'default');
    const pod = await api.read<V1Pod>('v1', 'Pod', namespace, name);
    if (!pod) throw new KubernetesApiError(404, `get v1 Pod ${namespace}/${name}`, 'NotFound', `pods "${name}" not found`);
    return pod;
  }

  async function replaceChangedJob(job: V1Job & KubernetesManifest, signal: AbortSignal | undefined): Promise<void> {
    // A Job's pod template is immutable: a changed one is deleted (with its pods) and applied anew.
    const namespace = job.metadata.namespace ?? '';
    const existing = await api.read<V1Job>('batch/v1', 'Job', namespace, job.metadata.name);
    if (!existing || existing.metadata?.labels?.[LABEL_CONFIG_HASH] === job.metadata.labels?.[LABEL_CONFIG_HASH]) return;
    await api.remove('batch/v1', 'Job', namespace, job.metadata.name, 'Foreground');
    const interval = options.pollIntervalMs ?? 1000;
    const attempts = Math.max(1, Math.ceil((options.rolloutTimeoutMs ?? 300_000) / interval));
    for (let i = 0; i < attempts; i++) {
      if (!(await api.read('batch/v1', 'Job', namespace, job.metadata.name))) return;
      signal?.throwIfAborted();
      await new Promise((r) => setTimeout(r, interval));
    }
  }

  const runtime: KubernetesRuntime = {
    name: 'kubernetes',
    capabilities: CAPABILITIES,

    manifests(project: Project) {
      return toKubernetes(project, { ...options.manifests, namespace: namespaceOf(project.name) });
    },

    async up(project: Project, upOptions: KubernetesUpOptions = {}): Promise<KubernetesUpResult> {
      const started = Date.now();
      const subset = upOptions.services !== undefined && upOptions.services.length > 0
        ? selectedServices(project.toJSON(), upOptions.services, upOptions.noDeps === true) : undefined;
      let manifests: Pick<KubernetesManifests, 'namespace' | 'objects' | 'warnings'> = subset
        ? toKubernetes(project, { ...options.manifests, unsupported: 'warn', namespace: namespaceOf(project.name) })
        : runtime.manifests(project);
      if (subset) {
        // The whole project is converted (names, claims and workload kinds depend on all of it); only
        // the selected services' objects are applied, and only their refusals count.
        const warnings = problemsOf(manifests.warnings, subset);
        if (warnings.length > 0 && options.manifests?.unsupported !== 'warn') throw new UnsupportedFieldError(warnings);
        manifests = { namespace: manifests.namespace, objects: manifestsOf(manifests.objects, subset), warnings };
      }
      const namespace = manifests.namespace;
      const applied: string[] = [];
      for (const object of manifests.objects) {
        const service = object.metadata.labels?.[LABEL_SERVICE];
        const workload = WORKLOADS.has(object.kind) && service !== undefined;
        if (workload) emit(project.name, { type: 'service.creating', service, replica: 1 });
        if (object.kind === 'Job') await replaceChangedJob(object, upOptions.signal);
        const result = await api.apply(object as KubernetesObject, fieldManager);
        applied.push(key(object));
        if (workload) emit(project.name, { type: 'service.created', service, replica: 1, containerId: result.metadata?.uid ?? key(object) });
        if (object.kind === 'PersistentVolumeClaim')
          emit(project.name, { type: 'volume.created', name: object.metadata.labels?.[LABEL_VOLUME] ?? object.metadata.name, runtimeName: object.metadata.name });
      }

      // Prune: what carries the project's labels but is no longer declared (not when only some
      // services are applied: the others are left as they are, as compose leaves them).
      const declared = new Set(applied);
      const pruned: string[] = [];
      for (const [kind, apiVersion] of subset ? [] : [...KINDS].reverse()) {
        if (kind === 'PersistentVolumeClaim' && !upOptions.pruneVolumes) continue;
        for (const item of await api.list(apiVersion, kind, namespace, ownedBy(project.name))) {
          const itemKey = `${kind}/${item.metadata?.name}`;
          if (declared.has(itemKey) || !item.metadata?.name) continue;
          await api.remove(apiVersion, kind, namespace, item.metadata.name, 'Background');
          pruned.push(itemKey);
          const service = item.metadata.labels?.[LABEL_SERVICE];
          if (WORKLOADS.has(kind) && service) emit(project.name, { type: 'service.removed', service, replica: 1, containerId: item.metadata.uid ?? itemKey });
        }
      }

      if (upOptions.wait !== false) {
        for (const object of manifests.objects) {
          if (!WORKLOADS.has(object.kind)) continue;
          const service = object.metadata.labels?.[LABEL_SERVICE] ?? object.metadata.name;
          try {
            await waitForRollout(api, object, {
              timeoutMs: options.rolloutTimeoutMs ?? 300_000,
              intervalMs: options.pollIntervalMs ?? 1000,
              signal: upOptions.signal,
              selector: `${LABEL_PROJECT}=${project.name},${LABEL_SERVICE}=${service}`,
            });
          } catch (error) {
            if (error instanceof Error && 'code' in error) emit(project.name, { type: 'service.failed', service, error });
            throw error;
          }
          emit(project.name, { type: 'service.healthy', service });
        }
      }
      emit(project.name, { type: 'up.done', services: subset ? [...subset] : Object.keys(project.toJSON().services), changed: true, durationMs: Date.now() - started });
      return { namespace, applied, pruned, warnings: manifests.warnings };
    },

    async down(project: string, downOptions = {}): Promise<KubernetesDownResult> {
      const namespace = namespaceOf(project);
      const removed: string[] = [];
      let containers = 0;
      let volumes = 0;
      for (const [kind, apiVersion] of [...KINDS].reverse()) {
        if (kind === 'PersistentVolumeClaim' && !downOptions.volumes) continue;
        for (const item of await api.list(apiVersion, kind, namespace, ownedBy(project))) {
          const name = item.metadata?.name;
          if (!name) continue;
          if (await api.remove(apiVersion, kind, namespace, name, 'Background')) removed.push(`${kind}/${name}`);
          const service = item.metadata?.labels?.[LABEL_SERVICE];
          if (WORKLOADS.has(kind) && service) {
            containers++;
            emit(project, { type: 'service.removed', service, replica: 1, containerId: item.metadata?.uid ?? `${kind}/${name}` });
          }
          if (kind === 'PersistentVolumeClaim') {
            volumes++;
            emit(project, { type: 'volume.removed', name: item.metadata?.labels?.[LABEL_VOLUME] ?? name, runtimeName: name });
          }
        }
      }
      if (downOptions.volumes) {
        const ns = await api.read('v1', 'Namespace', '', namespace);
        if (ns?.metadata?.labels?.[LABEL_PROJECT] === project && (await api.remove('v1', 'Namespace', '', namespace, 'Background'))) removed.push(`Namespace/${namespace}`);
      }
      emit(project, { type: 'down.done', removedContainers: containers, removedNetworks: 0, removedVolumes: volumes });
      return { removed };
    },

    async ps(project: string) {
      return runtime.listContainers(project);
    },

    // --- the Runtime port: what maps ---
    async listContainers(project, listOptions = {}): Promise<readonly ContainerInfo[]> {
      const all = podInfos(await podsOf(project));
      return listOptions.all === false ? all.filter((c) => c.state === 'running') : all;
    },

    async inspectContainer(id: string): Promise<ContainerInfo> {
      const pod = await readPod(id);
      const service = pod.metadata?.labels?.[LABEL_SERVICE];
      const project = pod.metadata?.labels?.[LABEL_PROJECT];
      const siblings = project && service ? podInfos(await podsOf(project, service)) : [];
      return siblings.find((c) => c.id === id) ?? podInfo(pod, 1);
    },

    async *logs(id: string, logOptions: LogOptions = {}): AsyncIterable<LogLine> {
      if (logOptions.follow) unsupported('logs.follow', 'read them again, or use kubectl logs -f');
      const { namespace, name } = parsePodId(id, options.namespace ?? 'default');
      const pod = await readPod(id);
      const text = await api.podLog(namespace, name, pod.metadata?.labels?.[LABEL_SERVICE], { tailLines: logOptions.tail, sinceTime: logOptions.since });
      for (const line of text.split('\n')) {
        if (line === '') continue;
        const space = line.indexOf(' ');
        const stamp = space > 0 ? new Date(line.slice(0, space)) : new Date(Number.NaN);
        const valid = !Number.isNaN(stamp.getTime());
        // The API merges a container's stdout and stderr into one log.
        yield { stream: 'stdout', text: valid ? line.slice(space + 1) : line, timestamp: valid ? stamp : new Date() };
      }
    },

    async exec(id: string, command: readonly string[], execOptions: ExecOptions = {}): Promise<ExecResult> {
      if (execOptions.env || execOptions.workdir) unsupported('exec.env', 'the Kubernetes exec API runs a command as given (no environment or working directory); wrap it in `sh -c`');
      if (execOptions.user !== undefined) unsupported('exec.user', 'the Kubernetes exec API runs a command as the container\'s user; set securityContext.runAsUser on the pod instead');
      if (execOptions.privileged === true) unsupported('exec.privileged', 'the Kubernetes exec API cannot raise privileges; set securityContext.privileged on the pod instead');
      if (!config) unsupported('exec', 'this runtime has no kubeconfig');
      const pod = await readPod(id);
      const { namespace, name } = parsePodId(id, options.namespace ?? 'default');
      const container = pod.metadata?.labels?.[LABEL_SERVICE] ?? pod.spec?.containers[0]?.name ?? '';
      let stdout = '';
      let stderr = '';
      const sink = (append: (text: string) => void) => new Writable({ write(chunk: Buffer, _encoding, done) { append(chunk.toString('utf8')); done(); } });
      return new Promise<ExecResult>((resolve, reject) => {
        let socket: { close(): void } | undefined;
        const timer = execOptions.timeoutMs === undefined ? undefined : setTimeout(() => { socket?.close(); reject(new Error(`exec timed out after ${execOptions.timeoutMs} ms`)); }, execOptions.timeoutMs);
        const onStatus = (status: V1Status) => {
          if (timer) clearTimeout(timer);
          const cause = status.details?.causes?.find((c) => c.reason === 'ExitCode');
          resolve({ exitCode: status.status === 'Success' ? 0 : Number(cause?.message ?? 1), stdout, stderr });
        };
        new Exec(config as NonNullable<typeof config>)
          .exec(namespace, name, container, [...command], sink((t) => { stdout += t; }), sink((t) => { stderr += t; }), null, false, onStatus)
          .then((ws) => { socket = ws; execOptions.signal?.addEventListener('abort', () => ws.close(), { once: true }); })
          .catch((error: unknown) => { if (timer) clearTimeout(timer); reject(new KubernetesApiError(0, `exec ${id}`, 'Unreachable', String(error), { cause: error })); });
      });
    },

    async probeHealth(id: string): Promise<ProbeResult> {
      // The kubelet runs the probes; this reports its last verdict (the Ready condition).
      const pod = await readPod(id);
      const ready = pod.status?.conditions?.find((c) => c.type === 'Ready');
      const healthy = ready?.status === 'True';
      return { healthy, exitCode: healthy ? 0 : 1, output: (ready?.message ?? `Ready=${ready?.status ?? 'Unknown'} (${pod.status?.phase ?? 'Unknown'})`).slice(0, 1000) };
    },

    async ensureVolume(request: VolumeRequest): Promise<{ readonly info: ResourceInfo; readonly created: boolean }> {
      const namespace = namespaceOf(request.project);
      const name = objectName(request.name);
      const existing = await api.read<V1PersistentVolumeClaim>('v1', 'PersistentVolumeClaim', namespace, name);
      const labels = { [LABEL_PROJECT]: request.project, [LABEL_VOLUME]: request.name, 'app.kubernetes.io/managed-by': MANAGED_BY, 'app.kubernetes.io/part-of': request.project };
      const result = existing ?? (await api.apply<V1PersistentVolumeClaim>({
        apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name, namespace, labels },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: options.manifests?.storage?.size ?? '1Gi' } } },
      }, fieldManager));
      return { info: { id: result.metadata?.uid ?? name, name: request.name, runtimeName: name, project: request.project, labels: result.metadata?.labels ?? labels }, created: !existing };
    },
    async removeVolume(project: string, runtimeName: string) {
      await api.remove('v1', 'PersistentVolumeClaim', namespaceOf(project), runtimeName, 'Background');
    },
    async listVolumes(project: string): Promise<readonly ResourceInfo[]> {
      const claims = await api.list<V1PersistentVolumeClaim>('v1', 'PersistentVolumeClaim', namespaceOf(project), ownedBy(project));
      return claims.map((c) => ({
        id: c.metadata?.uid ?? '', name: c.metadata?.labels?.[LABEL_VOLUME] ?? c.metadata?.name ?? '', runtimeName: c.metadata?.name ?? '', project, labels: c.metadata?.labels ?? {},
      }));
    },

    // --- the Runtime port: what does not map ---
    ensureNetwork: async () => unsupported('networks', NO_NETWORKS),
    removeNetwork: async () => unsupported('networks', NO_NETWORKS),
    listNetworks: async () => [],
    createContainer: async () => unsupported('createContainer', NO_CONTAINERS),
    startContainer: async () => unsupported('startContainer', NO_CONTAINERS),
    stopContainer: async () => unsupported('stopContainer', NO_CONTAINERS),
    removeContainer: async () => unsupported('removeContainer', NO_CONTAINERS),
  };
  return runtime;
}
