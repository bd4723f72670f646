import type { ComposeEvent, UpOptions } from '@selur/compose';
import { MemoryRuntime, type ServiceBehaviour } from '../support/memory-runtime.js';

/** Fast polling for tests (no wall-clock assertions anywhere). */
export const FAST: UpOptions = { pollFirstMs: 1, pollCapMs: 5, lockTimeout: 5_000 };

export function memory(behaviours: Record<string, ServiceBehaviour> = {}): MemoryRuntime {
  return new MemoryRuntime({ behaviours });
}

export function recorder(): { events: ComposeEvent[]; onEvent: (e: ComposeEvent) => void; types: (filter?: (e: ComposeEvent) => boolean) => string[] } {
  const events: ComposeEvent[] = [];
  return {
    events,
    onEvent: (e) => events.push(e),
    types: (filter) => events.filter(filter ?? (() => true)).map((e) => ('service' in e ? `${e.type}:${e.service}` : e.type)),
  };
}

export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}
