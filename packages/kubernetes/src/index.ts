/**
 * @selur/compose-kubernetes — a compose project as Kubernetes manifests (typed, and YAML), and a
 * runtime that applies them server-side, waits for their rollout and tears them down.
 *
 * @packageDocumentation
 */
export { toKubernetes } from './convert/to-kubernetes.js';
export { toYaml } from './convert/yaml.js';
export type { KubernetesKinds, KubernetesKind, KubernetesManifest, KubernetesManifests, ServiceType, ToKubernetesOptions } from './convert/types.js';
export { UnsupportedFieldError, isUnsupportedFieldError } from './errors/unsupported-field-error.js';
export type { UnsupportedField } from './errors/unsupported-field-error.js';
export { SecretFileError, isSecretFileError } from './errors/secret-file-error.js';
export { ConfigFileError, isConfigFileError } from './errors/config-file-error.js';
export { KubernetesApiError, isKubernetesApiError } from './errors/kubernetes-api-error.js';
export { RolloutError, isRolloutError } from './errors/rollout-error.js';
export { kubernetesRuntime } from './runtime/kubernetes-runtime.js';
export type {
  KubernetesRuntime, KubernetesRuntimeOptions, KubernetesUpOptions, KubernetesUpResult, KubernetesDownOptions, KubernetesDownResult,
} from './runtime/options.js';
