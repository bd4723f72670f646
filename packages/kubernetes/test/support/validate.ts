// Offline validation of generated manifests against Kubernetes' own OpenAPI schemas, as compiled
// by `kubernetes-models` 4.5.1 (Kubernetes 1.27.1; the last major that runs on Node 20 — 5.x
// needs Node 22), plus the API server's own checks that the OpenAPI schemas do not carry: object
// names (RFC 1123 / 1035), label keys and values, namespaces.
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { StatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { Role } from 'kubernetes-models/rbac.authorization.k8s.io/v1/Role';
import { RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding';

interface Validatable { validate(): void }
type ModelClass = new (data: never) => Validatable;

const MODELS: Record<string, ModelClass> = {
  'v1/ConfigMap': ConfigMap as unknown as ModelClass,
  'v1/Namespace': Namespace as unknown as ModelClass,
  'v1/PersistentVolumeClaim': PersistentVolumeClaim as unknown as ModelClass,
  'v1/Secret': Secret as unknown as ModelClass,
  'v1/Service': Service as unknown as ModelClass,
  'v1/ServiceAccount': ServiceAccount as unknown as ModelClass,
  'apps/v1/Deployment': Deployment as unknown as ModelClass,
  'apps/v1/StatefulSet': StatefulSet as unknown as ModelClass,
  'batch/v1/Job': Job as unknown as ModelClass,
  'rbac.authorization.k8s.io/v1/Role': Role as unknown as ModelClass,
  'rbac.authorization.k8s.io/v1/RoleBinding': RoleBinding as unknown as ModelClass,
};

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function qualifiedName(key: string): boolean {
  const parts = key.split('/');
  if (parts.length > 2) return false;
  const name = parts.at(-1) as string;
  const prefix = parts.length === 2 ? parts[0] as string : undefined;
  return name.length <= 63 && LABEL_NAME.test(name) && (prefix === undefined || (prefix.length <= 253 && DNS_SUBDOMAIN.test(prefix)));
}

interface Meta { name?: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> }

function checkMeta(where: string, meta: Meta | undefined, problems: string[], nameRule: 'label' | 'subdomain'): void {
  if (!meta?.name) problems.push(`${where}: no metadata.name`);
  else if (nameRule === 'label' ? !(DNS_LABEL.test(meta.name) && meta.name.length <= 63) : !(DNS_SUBDOMAIN.test(meta.name) && meta.name.length <= 253))
    problems.push(`${where}: metadata.name '${meta.name}' is not a valid ${nameRule === 'label' ? 'RFC 1123 label' : 'RFC 1123 subdomain'}`);
  if (meta?.namespace !== undefined && !DNS_LABEL.test(meta.namespace)) problems.push(`${where}: namespace '${meta.namespace}' is invalid`);
  for (const [key, value] of Object.entries(meta?.labels ?? {})) {
    if (!qualifiedName(key)) problems.push(`${where}: label key '${key}' is invalid`);
    if (value.length > 63 || !LABEL_VALUE.test(value)) problems.push(`${where}: label ${key}='${value}' has an invalid value`);
  }
  for (const key of Object.keys(meta?.annotations ?? {})) if (!qualifiedName(key)) problems.push(`${where}: annotation key '${key}' is invalid`);
}

/** Every problem the schemas and the API server's name/label rules find in one manifest ([] when valid). */
export function manifestProblems(object: { apiVersion?: string; kind?: string; metadata?: Meta; spec?: unknown }): string[] {
  const where = `${object.kind}/${object.metadata?.name}`;
  const Model = MODELS[`${object.apiVersion}/${object.kind}`];
  const problems: string[] = [];
  if (!Model) return [`${where}: no schema for ${object.apiVersion} ${object.kind}`];
  try {
    new Model(structuredClone(object) as never).validate();
  } catch (error) {
    problems.push(`${where}: ${(error as Error).message}`);
  }
  // Services (and so the names other pods resolve) must be RFC 1035 labels; most others RFC 1123 subdomains.
  checkMeta(where, object.metadata, problems, object.kind === 'Service' || object.kind === 'Namespace' ? 'label' : 'subdomain');
  const template = (object.spec as { template?: { metadata?: Meta } } | undefined)?.template;
  if (template) checkMeta(`${where} pod template`, { name: 'template', ...template.metadata }, problems, 'subdomain');
  return problems;
}
