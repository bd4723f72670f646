import type {
  V1ConfigMap, V1Deployment, V1Job, V1Namespace, V1ObjectMeta, V1PersistentVolumeClaim, V1Role, V1RoleBinding, V1Secret, V1Service,
  V1ServiceAccount, V1StatefulSet,
} from '@kubernetes/client-node';
import type { UnsupportedField } from '../errors/unsupported-field-error.js';

/**
 * The Kubernetes object types `toKubernetes` makes, by kind (the models of `@kubernetes/client-node`).
 */
export interface KubernetesKinds {
  Namespace: V1Namespace;
  ServiceAccount: V1ServiceAccount;
  Role: V1Role;
  RoleBinding: V1RoleBinding;
  Secret: V1Secret;
  ConfigMap: V1ConfigMap;
  PersistentVolumeClaim: V1PersistentVolumeClaim;
  Service: V1Service;
  Job: V1Job;
  StatefulSet: V1StatefulSet;
  Deployment: V1Deployment;
}

/** A kind `toKubernetes` makes: `Deployment`, `Service`, `Job`, … */
export type KubernetesKind = keyof KubernetesKinds;

/** One manifest: its model type with `apiVersion`, a literal `kind` and a named `metadata`. */
export type KubernetesManifest = {
  [K in KubernetesKind]: KubernetesKinds[K] & { apiVersion: string; kind: K; metadata: V1ObjectMeta & { name: string } };
}[KubernetesKind];

/** What `toKubernetes` returns. */
export interface KubernetesManifests {
  /** The project's name. */
  readonly project: string;
  /** The namespace every object is in. */
  readonly namespace: string;
  /** Every object, in apply order (namespace, access, secrets, config maps, claims, services, jobs, workloads). */
  readonly objects: readonly KubernetesManifest[];
  /** The fields that have no faithful mapping, when `unsupported: 'warn'` (empty otherwise). */
  readonly warnings: readonly UnsupportedField[];
  /** The object of that kind and name, typed; undefined when there is none. */
  find<K extends KubernetesKind>(kind: K, name: string): Extract<KubernetesManifest, { kind: K }> | undefined;
}

/** The type of Kubernetes Service that exposes a service's ports. */
export type ServiceType = 'ClusterIP' | 'NodePort' | 'LoadBalancer';

/** Options of `toKubernetes`. */
export interface ToKubernetesOptions {
  /** The namespace of every object. @default the project's name (`_` becomes `-`) */
  readonly namespace?: string | undefined;
  /** Also emit the Namespace object. @default false */
  readonly createNamespace?: boolean | undefined;
  /** How ports are exposed. @default 'ClusterIP' (`NodePort` uses the published port as node port when it is in 30000–32767) */
  readonly serviceType?: ServiceType | undefined;
  /** Also bind each published port on the node (`hostPort`, with `host_ip` as `hostIP`): what `podman kube play` and single-node clusters use. @default false */
  readonly hostPorts?: boolean | undefined;
  /** `error` throws an `UnsupportedFieldError` listing every field with no faithful mapping; `warn` reports them in `warnings` and leaves them out. @default 'error' */
  readonly unsupported?: 'error' | 'warn' | undefined;
  /** Active compose profiles (services of other profiles are left out, as compose does). @default [] */
  readonly profiles?: readonly string[] | undefined;
  /** Services to run as StatefulSets (each must own a named volume); `x-kubernetes = { workload = "StatefulSet" }` on a service does the same. @default [] */
  readonly statefulSets?: readonly string[] | undefined;
  /** Also turn healthchecks into liveness probes (Kubernetes restarts a container that fails them; compose only marks it unhealthy). @default false */
  readonly livenessProbes?: boolean | undefined;
  /** Size, storage class and access modes of the claims made for named volumes. @default { size: '1Gi' } */
  readonly storage?: { readonly size?: string | undefined; readonly storageClassName?: string | undefined } | undefined;
  /** Image of the init containers that wait for a dependency's Service to answer (needs `sh`, `nc`, `sleep`). @default 'busybox:1.36' */
  readonly waitImage?: string | undefined;
  /** Image of the init containers that wait for a Job to complete (needs `kubectl`). @default 'bitnami/kubectl:1.31' */
  readonly kubectlImage?: string | undefined;
  /** `include` reads secret files into the Secrets' data; `omit` emits the Secrets without data (create them yourself). @default 'include' */
  readonly secretValues?: 'include' | 'omit' | undefined;
  /** `imagePullPolicy` of every container. @default unset (Kubernetes' default) */
  readonly imagePullPolicy?: 'Always' | 'IfNotPresent' | 'Never' | undefined;
}
