import type { UpOptions } from '@selur/compose';
import { MemoryRuntime, type ServiceBehaviour } from '../support/memory-runtime.js';

/** Fast polling for tests (no wall-clock assertions anywhere). */
// The memory runtime publishes made-up host ports nothing listens on: its services are ready once
// started, not once their ports answer (the default readiness, tested in readiness.memory.test.ts).
export const FAST: UpOptions = { pollFirstMs: 1, pollCapMs: 5, lockTimeout: 5_000, waitForPorts: false };

export function memory(behaviours: Record<string, ServiceBehaviour> = {}): MemoryRuntime {
  return new MemoryRuntime({ behaviours });
}

export { recorder, rejection } from '../support/run-helpers.js';
