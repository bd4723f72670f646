import { delimiter } from 'node:path';
import type { ComposeEvent } from '@selur/compose';
// Types only: the package itself is loaded by the runtime factory, when `--runtime kubernetes` asks for it.
import type { KubernetesRuntimeOptions } from '@selur/compose-kubernetes';
import { UsageError } from './errors/usage-error.js';
import type { Settings } from './settings.js';

/** Where the Kubernetes runtime's events go: the progress display of the command that runs (set per command). */
let listener: ((event: ComposeEvent) => void) | undefined;

/** Sends the Kubernetes runtime's events to `next` (a command's progress display); `undefined` stops. */
export function relayKubernetesEvents(next: ((event: ComposeEvent) => void) | undefined): void {
  listener = next;
}

const NAMESPACE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * The namespace `--namespace` names, else `SELUR_COMPOSE_NAMESPACE`, else undefined (the project's
 * name, made a valid name). A name Kubernetes would reject is a usage error here, before any work.
 */
export function kubernetesNamespace(settings: Settings, env: Readonly<Record<string, string | undefined>>): string | undefined {
  const given = settings.namespace ?? (env['SELUR_COMPOSE_NAMESPACE'] || undefined);
  if (given !== undefined && (!NAMESPACE.test(given) || given.length > 63)) {
    const from = settings.namespace !== undefined ? '--namespace' : 'SELUR_COMPOSE_NAMESPACE';
    throw new UsageError(`${from} '${given}' is not a Kubernetes namespace name: at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit`);
  }
  return given;
}

/**
 * The options of `kubernetesRuntime()` for the CLI: the kubeconfig from `KUBECONFIG` (one file;
 * a list, or none, leaves client-node's default chain: `~/.kube/config`, then in-cluster), the
 * namespace from `--namespace` or `SELUR_COMPOSE_NAMESPACE` (default: the project's name), `--compat` as
 * `unsupported: 'warn'`, and events relayed to the running command's progress display.
 */
export function kubernetesOptions(settings: Settings, env: Readonly<Record<string, string | undefined>>): KubernetesRuntimeOptions {
  const kubeconfig = env['KUBECONFIG'];
  const namespace = kubernetesNamespace(settings, env);
  return {
    ...(kubeconfig && !kubeconfig.includes(delimiter) ? { kubeconfig } : {}),
    ...(namespace ? { namespace } : {}),
    manifests: settings.compat ? { unsupported: 'warn' } : {},
    onEvent: (event) => listener?.(event),
  };
}
