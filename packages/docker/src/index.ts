/**
 * @selur/compose-docker — the Docker / Podman runtime for `@selur/compose`, over the Docker
 * Engine API (unix socket or TCP, no third-party client).
 *
 * @packageDocumentation
 */

export { dockerRuntime } from './docker-runtime.js';
export type { DockerRuntime, DockerRuntimeOptions, EngineVersion } from './options.js';
export type { BuildImageOptions, BuildImageResult } from './images.js';
export { DEFAULT_DOCKER_SOCKET } from './client/docker-host.js';
export { SECRETS_DIR } from './mapping/files.js';
export { EXEC_TIMEOUT_EXIT_CODE } from './exec.js';

// --- errors ---
// A taken host port throws `PortConflictError` from '@selur/compose' (code E_PORT_CONFLICT); a missing
// container `ContainerNotFoundError` from '@selur/compose'.
export { BundleNotRunnableError, isBundleNotRunnableError } from './errors/bundle-not-runnable-error.js';
export { DockerDaemonUnreachableError, isDockerDaemonUnreachableError } from './errors/docker-daemon-unreachable-error.js';
export { DockerEngineError, isDockerEngineError } from './errors/docker-engine-error.js';
export { ExternalResourceNotFoundError, isExternalResourceNotFoundError } from './errors/external-resource-not-found-error.js';
export { ImageBuildError, isImageBuildError } from './errors/image-build-error.js';
export { HookFailedError, isHookFailedError } from './errors/hook-failed-error.js';
export { ImageNotFoundError, isImageNotFoundError } from './errors/image-not-found-error.js';
