import { processRuntime, type Runtime } from '@selur/compose';
import { UsageError } from './errors/usage-error.js';
import { kubernetesOptions } from './kubernetes-options.js';
import type { Settings } from './settings.js';

/**
 * The runtime `--runtime` names: host processes (state under `$XDG_STATE_HOME/selur-compose`),
 * Docker/Podman (`DOCKER_HOST`), a Docker Swarm manager (`DOCKER_HOST`; the engine deploys each
 * service as a Swarm service), the selur stack (`SVALINN_URL`, `SVALINN_TOKEN` /
 * `SVALINN_API_KEY`, `VORDR_MCP_URL`, `SELUR_DEV_SECRETS`, bundles verified with the native ct),
 * or a Kubernetes cluster (`KUBECONFIG`, `SELUR_COMPOSE_NAMESPACE`).
 *
 * The runtime packages are loaded here, on demand, and nowhere statically: a command on the process
 * runtime never loads `@selur/compose-docker`, `@selur/compose-swarm` or `@selur/compose-selur` (test/module-loading.test.ts).
 */
export async function createRuntime(settings: Settings, env: Readonly<Record<string, string | undefined>>): Promise<Runtime> {
  if (settings.namespace !== undefined && settings.runtime !== 'kubernetes')
    throw new UsageError(`--namespace is the Kubernetes namespace: it applies to --runtime kubernetes (and convert --to kubernetes), not --runtime ${settings.runtime}`);
  switch (settings.runtime) {
    case 'process':
      return processRuntime();
    case 'docker': {
      const { dockerRuntime } = await import('@selur/compose-docker');
      return dockerRuntime();
    }
    case 'swarm': {
      const { swarmRuntime } = await import('@selur/compose-swarm');
      return swarmRuntime();
    }
    case 'selur': {
      const { selurRuntimeFromEnv } = await loadSelur();
      return selurRuntimeFromEnv({ env: { ...env, SVALINN_URL: settings.svalinnUrl, ...(settings.vordrUrl ? { VORDR_MCP_URL: settings.vordrUrl } : {}) } });
    }
    case 'kubernetes': {
      const { kubernetesRuntime } = await import('@selur/compose-kubernetes');
      return kubernetesRuntime(kubernetesOptions(settings, env));
    }
  }
}

/** `@selur/compose-selur`, loaded when a command needs the selur stack (the selur runtime, ct, verification, policy). */
export function loadSelur(): Promise<typeof import('@selur/compose-selur')> {
  return import('@selur/compose-selur');
}
