import { ComposeError } from '@selur/compose';
import { guardFor } from './guard.js';

/**
 * No Docker (or Podman) engine answered on the configured socket or address.
 *
 * @example
 * ```ts
 * import { dockerRuntime, isDockerDaemonUnreachableError } from '@selur/compose-docker';
 * try { await dockerRuntime().listContainers('shop'); }
 * catch (error) { if (isDockerDaemonUnreachableError(error)) console.error(error.message); }
 * ```
 */
export class DockerDaemonUnreachableError extends ComposeError {
  override readonly name = 'DockerDaemonUnreachableError';
  /** Where the engine was expected (`unix:///var/run/docker.sock`, `tcp://127.0.0.1:2375`). */
  readonly host: string;

  constructor(host: string, options: { cause?: unknown; detail?: string } = {}) {
    super(
      `No Docker engine answers at ${host}${options.detail ? ` (${options.detail})` : ''}. ` +
        'Start one (`sudo dockerd &`, `systemctl start docker`, or `podman system service --time=0 unix:///run/podman/podman.sock &`) ' +
        'or point DOCKER_HOST at a running engine (e.g. DOCKER_HOST=unix:///run/user/1000/podman/podman.sock).',
      { code: 'E_DOCKER_UNREACHABLE', cause: options.cause },
    );
    this.host = host;
  }
}

/**
 * True for a {@link DockerDaemonUnreachableError}.
 *
 * Matches by `code` and `name`, so it also works when two copies of the package are loaded
 * (ESM and CJS), where `instanceof` fails.
 *
 * @example
 * ```ts
 * try { await project.up(); }
 * catch (error) { if (isDockerDaemonUnreachableError(error)) console.error(error.code, error.message); }
 * ```
 */
export const isDockerDaemonUnreachableError = guardFor<DockerDaemonUnreachableError>('E_DOCKER_UNREACHABLE');
