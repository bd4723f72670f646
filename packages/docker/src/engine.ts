/**
 * `@selur/compose-docker/engine` — the Docker Engine API client this package runs on, shared with
 * the other runtimes that speak the same API (`@selur/compose-swarm`), so there is one client, not
 * copies: the HTTP client (unix socket or TCP, API version negotiation), the address resolution
 * (`DOCKER_HOST`), exec, log stream decoding and the engine's error types. Image builds stay on
 * `dockerRuntime().buildImage`. These are the package's own internals made reachable, not a
 * stable API of their own: they change with the package.
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

export { EngineClient } from './client/engine-client.js';
export type { EngineRequestOptions, EngineResponse, Query } from './client/engine-client.js';
export { resolveEngineAddress, DEFAULT_DOCKER_SOCKET } from './client/docker-host.js';
export type { EngineAddress } from './client/docker-host.js';
export { execInContainer, EXEC_TIMEOUT_EXIT_CODE } from './exec.js';
export { logQuery, responseLines } from './logs.js';
export { DockerEngineError, isDockerEngineError } from './errors/docker-engine-error.js';
export { DockerDaemonUnreachableError, isDockerDaemonUnreachableError } from './errors/docker-daemon-unreachable-error.js';
