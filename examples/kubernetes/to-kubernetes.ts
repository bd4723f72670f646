/**
 * Converts a stack for Kubernetes with `toKubernetes`: typed manifests (the client-node models),
 * warnings for what Kubernetes cannot express, and `toYaml` for `kubectl apply -f`. Nothing is
 * deployed: no cluster is needed.
 *
 * Run: `node --import tsx examples/kubernetes/to-kubernetes.ts [out.yaml]` (from the repository root;
 * default: print the YAML).
 */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { loadProject } from '@selur/compose';
import { toKubernetes, toYaml } from '@selur/compose-kubernetes';

const project = await loadProject(fileURLToPath(new URL('../web-api-cache/compose.yaml', import.meta.url)));
const manifests = toKubernetes(project, {
  namespace: 'web-api-cache',
  createNamespace: true,
  serviceType: 'ClusterIP',
  unsupported: 'warn',           // 'error' throws UnsupportedFieldError instead
});

for (const object of manifests.objects) console.error(`${object.kind}/${object.metadata.name}`);
for (const warning of manifests.warnings) console.error(`warning: ${warning.service ?? '-'}: ${warning.field}: ${warning.reason}`);

// Typed access: each manifest is the client-node model of its kind.
const api = manifests.find('Deployment', 'api');
if (!api) throw new Error('no Deployment for api');
console.error(`api runs ${api.spec?.template.spec?.containers[0]?.image} with ${api.spec?.replicas ?? 1} replica(s)`);

const yaml = toYaml(manifests);
if (process.argv[2]) await writeFile(process.argv[2], yaml);   // then: kubectl apply -f <file>
else process.stdout.write(yaml);
