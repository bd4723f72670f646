import type { UpOptions } from '@selur/compose';
import { MemoryRuntime, type ServiceBehaviour } from '../support/memory-runtime.js';

/** Fast polling for tests (no wall-clock assertions anywhere). */
export const FAST: UpOptions = { pollFirstMs: 1, pollCapMs: 5, lockTimeout: 5_000 };

export function memory(behaviours: Record<string, ServiceBehaviour> = {}): MemoryRuntime {
  return new MemoryRuntime({ behaviours });
}

export { recorder, rejection } from '../support/run-helpers.js';
