import { stringify } from 'yaml';
import type { KubernetesManifests } from './types.js';

/**
 * The manifests as one YAML stream (`---` between documents), in apply order: what
 * `kubectl apply -f` and `podman kube play` read. Contains the Secrets' data (base64) unless
 * they were made with `secretValues: 'omit'`: treat the text as a secret.
 *
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs';
 * writeFileSync('shop.yaml', toYaml(toKubernetes(project, { secretValues: 'omit' })));
 * ```
 */
export function toYaml(manifests: Pick<KubernetesManifests, 'objects'>): string {
  return manifests.objects.map((object) => stringify(object, { lineWidth: 0 })).join('---\n');
}
