import { createGraph, InvalidArgumentError, LABEL_SERVICE, type ProjectSpec } from '@selur/compose';
import type { V1PodSpec } from '@kubernetes/client-node';
import type { KubernetesManifest } from '../convert/types.js';
import type { UnsupportedField } from '../errors/unsupported-field-error.js';

/** @internal The services `up` covers: the named ones and (unless `noDeps`) everything they depend on, checked against the project. */
export function selectedServices(spec: ProjectSpec, services: readonly string[], noDeps: boolean): ReadonlySet<string> {
  const known = Object.keys(spec.services);
  for (const name of services)
    if (!known.includes(name))
      throw new InvalidArgumentError(`Unknown service '${name}' in options.services; the project has: ${known.sort().join(', ')}`, { field: 'services', service: name });
  if (noDeps) return new Set(services);
  const edges = Object.fromEntries(Object.entries(spec.services).map(([name, s]) => [name, Object.keys(s.depends_on).filter((d) => d in spec.services)]));
  return new Set(createGraph(edges).closure(services));
}

function podSpecOf(object: KubernetesManifest): V1PodSpec | undefined {
  if (object.kind === 'Deployment' || object.kind === 'StatefulSet' || object.kind === 'Job') return object.spec?.template.spec;
  return undefined;
}

/**
 * @internal The manifests of the selected services: their Services and workloads, and the objects
 * their pods use (Secrets, ConfigMaps and claims they mount or read, the Job waiter's account and
 * role), nothing of the other services. The Namespace, when made, stays.
 */
export function manifestsOf(objects: readonly KubernetesManifest[], services: ReadonlySet<string>): KubernetesManifest[] {
  const pods = objects.filter((o) => services.has(o.metadata.labels?.[LABEL_SERVICE] ?? '')).flatMap((o) => podSpecOf(o) ?? []);
  const used = new Set<string>();
  for (const pod of pods) {
    for (const volume of pod.volumes ?? []) {
      if (volume.secret?.secretName) used.add(`Secret/${volume.secret.secretName}`);
      if (volume.configMap?.name) used.add(`ConfigMap/${volume.configMap.name}`);
      if (volume.persistentVolumeClaim?.claimName) used.add(`PersistentVolumeClaim/${volume.persistentVolumeClaim.claimName}`);
    }
    for (const container of [...pod.containers, ...(pod.initContainers ?? [])])
      for (const env of container.env ?? []) if (env.valueFrom?.secretKeyRef?.name) used.add(`Secret/${env.valueFrom.secretKeyRef.name}`);
    if (pod.serviceAccountName) for (const kind of ['ServiceAccount', 'Role', 'RoleBinding']) used.add(`${kind}/${pod.serviceAccountName}`);
  }
  return objects.filter((o) => {
    const service = o.metadata.labels?.[LABEL_SERVICE];
    if (service !== undefined) return services.has(service);
    return o.kind === 'Namespace' || used.has(`${o.kind}/${o.metadata.name}`);
  });
}

/** @internal The refusals that concern the selected services (and the project-level ones, which concern every service). */
export function problemsOf(problems: readonly UnsupportedField[], services: ReadonlySet<string>): UnsupportedField[] {
  return problems.filter((p) => p.service === undefined || services.has(p.service));
}
