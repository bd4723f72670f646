/**
 * @selur/compose-swarm — the Docker Swarm runtime for `@selur/compose`: a Swarm service per
 * compose service, over the Engine API client of `@selur/compose-docker`.
 *
 * @packageDocumentation
 */

export { swarmRuntime } from './swarm-runtime.js';
export type { SwarmRuntime, SwarmRuntimeOptions } from './options.js';

// --- errors ---
export { SwarmDeployError, isSwarmDeployError } from './errors/swarm-deploy-error.js';
export type { SwarmTaskFailure } from './errors/swarm-deploy-error.js';
export { SwarmInactiveError, isSwarmInactiveError } from './errors/swarm-inactive-error.js';
export { SwarmSourceError, isSwarmSourceError } from './errors/swarm-source-error.js';
