/** Helpers shared by the engine and acceptance suites: an event recorder and a rejection catcher. */
import type { ComposeEvent } from '@selur/compose';

/** Collects the events of a run; `types()` renders them as `type:service`. */
export function recorder(): { events: ComposeEvent[]; onEvent: (e: ComposeEvent) => void; types: (filter?: (e: ComposeEvent) => boolean) => string[] } {
  const events: ComposeEvent[] = [];
  return {
    events,
    onEvent: (e) => events.push(e),
    types: (filter) => events.filter(filter ?? (() => true)).map((e) => ('service' in e ? `${e.type}:${e.service}` : e.type)),
  };
}

/** The rejection of `promise` (fails when it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}
