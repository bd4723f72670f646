import { inlineSpawner, ThreadSpawner, type ChildSpawner } from './child-spawner.js';
import { findProgram } from './program-path.js';
import { ZygoteSpawner } from './zygote.js';

let shared: ChildSpawner | undefined;

/**
 * The spawner every process runtime of this process uses:
 * - with Perl installed, a {@link ZygoteSpawner}: held children (every first start) are forked
 *   by a small Perl process; the few direct spawns (restarts) run on this thread;
 * - without it, a {@link ThreadSpawner}: every spawn runs on a worker thread.
 *
 * `SELUR_COMPOSE_SPAWN` picks one for debugging, or for hosts where one misbehaves: `inline`
 * (everything on this thread, no helper at all), `thread` or `zygote`.
 */
export function sharedSpawner(): ChildSpawner {
  if (shared) return shared;
  const mode = process.env.SELUR_COMPOSE_SPAWN;
  if (mode === 'inline') shared = inlineSpawner;
  else if (mode === 'thread' || (mode !== 'zygote' && findProgram('perl', process.env.PATH) === undefined)) shared = new ThreadSpawner();
  else shared = new ZygoteSpawner(inlineSpawner);
  return shared;
}
