import { processRuntime, type Runtime } from '@selur/compose';
import { dockerRuntime } from '@selur/compose-docker';
import { selurRuntimeFromEnv } from '@selur/compose-selur';
import type { Settings } from './settings.js';

/**
 * The runtime `--runtime` names: host processes (state under `$XDG_STATE_HOME/selur-compose`),
 * Docker/Podman (`DOCKER_HOST`), or the selur stack (`SVALINN_URL`, `SVALINN_TOKEN` /
 * `SVALINN_API_KEY`, `VORDR_MCP_URL`, `SELUR_DEV_SECRETS`, bundles verified with the native ct).
 */
export async function createRuntime(settings: Settings, env: Readonly<Record<string, string | undefined>>): Promise<Runtime> {
  switch (settings.runtime) {
    case 'process':
      return processRuntime();
    case 'docker':
      return dockerRuntime();
    case 'selur':
      return selurRuntimeFromEnv({ env: { ...env, SVALINN_URL: settings.svalinnUrl, ...(settings.vordrUrl ? { VORDR_MCP_URL: settings.vordrUrl } : {}) } });
  }
}
