import { dockerRuntime } from '@selur/compose-docker';
import { ensureTestImage } from './support/engine.js';

/**
 * Vitest global setup for the Docker suite: fails (never skips) when no engine answers and builds
 * the busybox test image once. Each integration file also calls `ensureTestImage` in `beforeAll`
 * (a no-op once the image exists), so the suite stands alone without this file registered.
 */
export default async function setup(): Promise<void> {
  const runtime = dockerRuntime();
  try {
    await ensureTestImage(runtime);
  } finally {
    await runtime.close();
  }
}
