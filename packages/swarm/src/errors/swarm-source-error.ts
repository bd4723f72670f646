import { ComposeError } from '@selur/compose';
import { guardFor } from './guard.js';

/**
 * A secret's or config's content cannot be had: its file cannot be read, its environment variable
 * is unset, or an external one does not exist in the swarm. Names the object and where it was
 * looked for, never its content.
 *
 * @example
 * ```ts
 * try { await project.up({ runtime: swarmRuntime() }); }
 * catch (error) { const e = (error as Error).cause ?? error; if (isSwarmSourceError(e)) console.error(e.kind, e.object, e.message); }
 * ```
 */
export class SwarmSourceError extends ComposeError {
  override readonly name = 'SwarmSourceError';
  /** `secret` or `config`. */
  readonly kind: 'secret' | 'config';
  /** Its name in the project. */
  readonly object: string;

  constructor(kind: 'secret' | 'config', object: string, detail: string, options: { cause?: unknown } = {}) {
    super(`Swarm: the ${kind} '${object}' cannot be created: ${detail}`, { code: 'E_SWARM_SOURCE', cause: options.cause });
    this.kind = kind;
    this.object = object;
  }
}

/**
 * True for a {@link SwarmSourceError}.
 *
 * Matches by `code`, so it also works when two copies of the package are loaded (ESM and CJS),
 * where `instanceof` fails.
 *
 * @example
 * ```ts
 * try { await project.up({ runtime: swarmRuntime() }); }
 * catch (error) { const e = (error as Error).cause ?? error; if (isSwarmSourceError(e)) console.error(e.code, e.message); }
 * ```
 */
export const isSwarmSourceError = guardFor<SwarmSourceError>('E_SWARM_SOURCE');
