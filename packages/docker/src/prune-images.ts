import { LABEL_PROJECT } from '@selur/compose';
import type { EngineClient } from './client/engine-client.js';
import { isDockerEngineError } from './errors/docker-engine-error.js';

/**
 * Removes the dangling images (no tag left: a newer build took it) that carry the project's
 * label, as Docker Compose's `watch --prune` does after a rebuild. An image a container still
 * uses (409) or that is gone already (404) is left alone. Resolves with the ids removed.
 * @internal
 */
export async function pruneDanglingImages(client: EngineClient, project: string, signal?: AbortSignal): Promise<string[]> {
  signal?.throwIfAborted();
  const images = await client.json<{ Id: string }[]>('GET', '/images/json', {
    query: { filters: { dangling: ['true'], label: [`${LABEL_PROJECT}=${project}`] } },
  });
  const removed: string[] = [];
  for (const image of images) {
    signal?.throwIfAborted();
    try {
      await client.json('DELETE', `/images/${encodeURIComponent(image.Id)}`);
      removed.push(image.Id);
    } catch (error) {
      if (isDockerEngineError(error) && (error.statusCode === 409 || error.statusCode === 404)) continue;
      throw error;
    }
  }
  return removed;
}
