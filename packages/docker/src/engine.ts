/**
 * `@selur/compose-docker/engine` — the Docker Engine API client this package runs on, shared with
 * the other runtimes that speak the same API (`@selur/compose-swarm`), so there is one client, not
 * copies: the HTTP client (unix socket or TCP, API version negotiation), the address resolution
 * (`DOCKER_HOST`), exec, log streams, image builds and the engine's error types.
 *
 * @example
 * ```ts
 * import { EngineClient, resolveEngineAddress } from '@selur/compose-docker/engine';
 * const client = new EngineClient(resolveEngineAddress(undefined), undefined);
 * const info = await client.json<{ Swarm: { LocalNodeState: string } }>('GET', '/info');
 * client.close();
 * ```
 *
 * @packageDocumentation
 */

export { EngineClient, engineMessage } from './client/engine-client.js';
export type { EngineRequestOptions, EngineResponse, Query } from './client/engine-client.js';
export { resolveEngineAddress, parseEngineAddress, DEFAULT_DOCKER_SOCKET } from './client/docker-host.js';
export type { EngineAddress } from './client/docker-host.js';
export { execInContainer, EXEC_TIMEOUT_EXIT_CODE } from './exec.js';
export { containerLogs, responseLines } from './logs.js';
export { buildImage } from './images.js';
export type { BuildImageOptions, BuildImageResult } from './images.js';
export { DockerEngineError, isDockerEngineError } from './errors/docker-engine-error.js';
export { DockerDaemonUnreachableError, isDockerDaemonUnreachableError } from './errors/docker-daemon-unreachable-error.js';
export { ImageBuildError, isImageBuildError } from './errors/image-build-error.js';
