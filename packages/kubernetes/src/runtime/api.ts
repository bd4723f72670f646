import { KubeConfig, KubernetesObjectApi, CoreV1Api, PatchStrategy, type KubernetesObject } from '@kubernetes/client-node';
import { KubernetesApiError } from '../errors/kubernetes-api-error.js';

/** @internal What the runtime asks of the API server: a narrow port over client-node, errors made typed. */
export interface KubernetesApi {
  apply<T extends KubernetesObject>(object: T, fieldManager: string): Promise<T>;
  read<T extends KubernetesObject>(apiVersion: string, kind: string, namespace: string, name: string): Promise<T | undefined>;
  list<T extends KubernetesObject>(apiVersion: string, kind: string, namespace: string, labelSelector?: string, fieldSelector?: string): Promise<T[]>;
  /** Deletes with an explicit propagation policy (a Job's API default orphans its pods). Missing is not an error. */
  remove(apiVersion: string, kind: string, namespace: string, name: string, propagationPolicy: 'Background' | 'Foreground'): Promise<boolean>;
  podLog(namespace: string, pod: string, container: string | undefined, options: { tailLines?: number | undefined; sinceTime?: Date | undefined }): Promise<string>;
}

function statusOf(error: unknown): { code: number; reason: string; message: string } {
  const e = error as { code?: unknown; body?: unknown; message?: unknown };
  let body = e.body;
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body) as unknown;
    } catch {
      // a plain-text answer
    }
  }
  const status = body !== null && typeof body === 'object' ? (body as { reason?: unknown; message?: unknown }) : {};
  const code = typeof e.code === 'number' ? e.code : 0;
  return {
    code,
    reason: typeof status.reason === 'string' ? status.reason : code === 0 ? 'Unreachable' : 'Unknown',
    message: typeof status.message === 'string' ? status.message : typeof body === 'string' && body !== '' ? body : String(e.message ?? error),
  };
}

/** @internal Wraps a call so that any failure becomes a {@link KubernetesApiError} naming the request. */
export async function call<T>(request: string, run: () => Promise<T>, service?: string): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const s = statusOf(error);
    throw new KubernetesApiError(s.code, request, s.reason, s.message, { service, cause: error });
  }
}

function isNotFound(error: unknown): boolean {
  return error instanceof KubernetesApiError && error.statusCode === 404;
}

const path = (apiVersion: string, kind: string, namespace: string, name?: string) => `${apiVersion} ${kind} ${namespace}/${name ?? ''}`;

/** @internal The API through `@kubernetes/client-node` 1.x. */
export function clientNodeApi(config: KubeConfig): KubernetesApi {
  const objects = KubernetesObjectApi.makeApiClient(config);
  const core = config.makeApiClient(CoreV1Api);
  return {
    apply: (object, fieldManager) =>
      call(`apply ${path(object.apiVersion ?? '', object.kind ?? '', object.metadata?.namespace ?? '', object.metadata?.name)}`, () =>
        objects.patch(object, undefined, undefined, fieldManager, true, PatchStrategy.ServerSideApply)),
    read: async <T extends KubernetesObject>(apiVersion: string, kind: string, namespace: string, name: string) => {
      try {
        return await call(`get ${path(apiVersion, kind, namespace, name)}`, () => objects.read<T>({ apiVersion, kind, metadata: { name, namespace } }));
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    },
    list: async <T extends KubernetesObject>(apiVersion: string, kind: string, namespace: string, labelSelector?: string, fieldSelector?: string) => {
      const list = await call(`list ${path(apiVersion, kind, namespace)}?${labelSelector ?? ''}`, () =>
        objects.list<T>(apiVersion, kind, namespace, undefined, undefined, undefined, fieldSelector, labelSelector));
      return list.items;
    },
    remove: async (apiVersion, kind, namespace, name, propagationPolicy) => {
      try {
        await call(`delete ${path(apiVersion, kind, namespace, name)}`, () =>
          objects.delete({ apiVersion, kind, metadata: { name, namespace } }, undefined, undefined, undefined, undefined, propagationPolicy));
        return true;
      } catch (error) {
        if (isNotFound(error)) return false;
        throw error;
      }
    },
    podLog: (namespace, pod, container, options) =>
      call(`log ${namespace}/${pod}`, () =>
        core.readNamespacedPodLog({
          name: pod, namespace, timestamps: true,
          ...(container !== undefined ? { container } : {}),
          ...(options.tailLines !== undefined ? { tailLines: options.tailLines } : {}),
          ...(options.sinceTime !== undefined ? { sinceSeconds: Math.max(1, Math.ceil((Date.now() - options.sinceTime.getTime()) / 1000)) } : {}),
        })),
  };
}

/** @internal A KubeConfig from a path, YAML text or a ready KubeConfig; the default chain (KUBECONFIG, ~/.kube/config, in-cluster) without one. */
export function loadKubeConfig(kubeconfig: string | KubeConfig | undefined): KubeConfig {
  if (kubeconfig instanceof KubeConfig) return kubeconfig;
  const config = new KubeConfig();
  if (kubeconfig === undefined) config.loadFromDefault();
  else if (/\n/.test(kubeconfig) || /^\s*apiVersion:/.test(kubeconfig)) config.loadFromString(kubeconfig);
  else config.loadFromFile(kubeconfig);
  return config;
}
