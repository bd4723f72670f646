import { delimiter } from 'node:path';
import type { ComposeEvent } from '@selur/compose';
// Types only: the package itself is loaded by the runtime factory, when `--runtime kubernetes` asks for it.
import type { KubernetesRuntimeOptions } from '@selur/compose-kubernetes';
import type { Settings } from './settings.js';

/** Where the Kubernetes runtime's events go: the progress display of the command that runs (set per command). */
let listener: ((event: ComposeEvent) => void) | undefined;

/** Sends the Kubernetes runtime's events to `next` (a command's progress display); `undefined` stops. */
export function relayKubernetesEvents(next: ((event: ComposeEvent) => void) | undefined): void {
  listener = next;
}

/**
 * The options of `kubernetesRuntime()` for the CLI: the kubeconfig from `KUBECONFIG` (one file;
 * a list, or none, leaves client-node's default chain: `~/.kube/config`, then in-cluster), the
 * namespace from `SELUR_COMPOSE_NAMESPACE` (default: the project's name), `--compat` as
 * `unsupported: 'warn'`, and events relayed to the running command's progress display.
 */
export function kubernetesOptions(settings: Settings, env: Readonly<Record<string, string | undefined>>): KubernetesRuntimeOptions {
  const kubeconfig = env['KUBECONFIG'];
  const namespace = env['SELUR_COMPOSE_NAMESPACE'];
  return {
    ...(kubeconfig && !kubeconfig.includes(delimiter) ? { kubeconfig } : {}),
    ...(namespace ? { namespace } : {}),
    manifests: settings.compat ? { unsupported: 'warn' } : {},
    onEvent: (event) => listener?.(event),
  };
}
