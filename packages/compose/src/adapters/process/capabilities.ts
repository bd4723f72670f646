import type { RuntimeCapability } from '../../runtime/types.js';

/** What the process runtime can do (see `RuntimeCapability`). */
export const CAPABILITIES: ReadonlySet<RuntimeCapability> = new Set<RuntimeCapability>([
  'networks', 'volumes', 'ports', 'secrets', 'bind-mounts', 'logs', 'logs.follow', 'exec', 'exec.output', 'exec.user', 'health', 'restart-policy', 'replicas', 'pause', 'host-network',
  // the entrypoint is prepended to the command, as a container runtime does
  'field:entrypoint',
  // the engine replaces a changed service's processes a batch at a time (engine/rollout.ts)
  'field:deploy.update_config',
  // run as root, a service's processes switch to its user with setpriv (util-linux); so does an
  // exec given `user` (develop.watch's sync+exec), which 'exec.user' above says
  'field:user', 'field:group_add',
  // `stack.watch()`: syncs write into the service's paths on the host (exec/sync-files.ts)
  'field:develop',
]);
