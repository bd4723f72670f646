import type { ComposeEvent, Project, Runtime } from '@selur/compose';
import type { KubeConfig } from '@kubernetes/client-node';
import type { KubernetesManifests, ToKubernetesOptions } from '../convert/types.js';
import type { UnsupportedField } from '../errors/unsupported-field-error.js';

/** Options of `kubernetesRuntime`. */
export interface KubernetesRuntimeOptions {
  /** A kubeconfig file path, its YAML text, or a loaded `KubeConfig`. @default the default chain: `KUBECONFIG`, `~/.kube/config`, in-cluster */
  readonly kubeconfig?: string | KubeConfig | undefined;
  /** The namespace of every project. @default each project's name (`_` becomes `-`) */
  readonly namespace?: string | undefined;
  /** Our field manager for server-side apply. @default 'selur-compose' */
  readonly fieldManager?: string | undefined;
  /** How projects become manifests (all of `toKubernetes`' options but the namespace). */
  readonly manifests?: Omit<ToKubernetesOptions, 'namespace'> | undefined;
  /** How long each workload may take to roll out (Deployments available, StatefulSets ready, Jobs complete). @default 300_000 */
  readonly rolloutTimeoutMs?: number | undefined;
  /** How often rollouts are polled. @default 1000 */
  readonly pollIntervalMs?: number | undefined;
  /** Receives every event (`service.creating` / `created` / `healthy` / `failed` / `removed`, `volume.created`, `up.done`, `down.done`). */
  readonly onEvent?: ((event: ComposeEvent) => void) | undefined;
}

/** Options of `KubernetesRuntime.up`. */
export interface KubernetesUpOptions {
  /** Wait for every workload to roll out. @default true */
  readonly wait?: boolean | undefined;
  /** Also delete claims of named volumes the project no longer declares. @default false */
  readonly pruneVolumes?: boolean | undefined;
  /** Stops waiting (what was applied stays applied). */
  readonly signal?: AbortSignal | undefined;
  /**
   * Only these services, plus (unless `noDeps`) what they depend on: their workloads and Services,
   * and the Secrets, ConfigMaps, claims and accounts their pods use; only their refusals count.
   * Nothing is pruned then: the project's other objects stay as they are. @default every service
   */
  readonly services?: readonly string[] | undefined;
  /** With `services`: do not add their dependencies. @default false */
  readonly noDeps?: boolean | undefined;
}

/** What `KubernetesRuntime.up` did. */
export interface KubernetesUpResult {
  readonly namespace: string;
  /** `Kind/name` of every object applied, in order. */
  readonly applied: readonly string[];
  /** `Kind/name` of every object deleted because the project no longer declares it. */
  readonly pruned: readonly string[];
  /** Fields left out, when the manifests were made with `unsupported: 'warn'`. */
  readonly warnings: readonly UnsupportedField[];
}

/** Options of `KubernetesRuntime.down`. */
export interface KubernetesDownOptions {
  /** Also delete the project's PersistentVolumeClaims (its data), and the Namespace when it was made by us. @default false */
  readonly volumes?: boolean | undefined;
}

/** What `KubernetesRuntime.down` deleted. */
export interface KubernetesDownResult {
  /** `Kind/name` of every object deleted. */
  readonly removed: readonly string[];
}

/**
 * A Kubernetes runtime. Kubernetes runs workloads, not containers: a project is deployed whole
 * with {@link KubernetesRuntime.up} (server-side apply, prune, wait for rollouts) and removed
 * with {@link KubernetesRuntime.down}. Of the container-level `Runtime` port it implements what
 * maps (pods listed and inspected as containers, their logs, exec, readiness, volumes as claims);
 * creating, starting, stopping and removing single containers and networks throw
 * `UnsupportedOperationError`, and `capabilities` says so.
 */
export interface KubernetesRuntime extends Runtime {
  /** Applies the project's manifests server-side, prunes what it no longer declares, waits for rollouts. */
  up(project: Project, options?: KubernetesUpOptions): Promise<KubernetesUpResult>;
  /** Deletes everything the project owns (found by label); claims only with `volumes: true`. */
  down(project: string, options?: KubernetesDownOptions): Promise<KubernetesDownResult>;
  /** The pods of the project, as containers (what `ps` shows). */
  ps(project: string): ReturnType<Runtime['listContainers']>;
  /** The manifests `up` would apply (no API call). */
  manifests(project: Project): KubernetesManifests;
}
