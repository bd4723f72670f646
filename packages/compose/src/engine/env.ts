import type { Runtime } from '../runtime/types.js';
import type { EventHub } from './event-hub.js';
import type { ComposeEventInput, EventListener } from './events.js';

/** @internal What every engine step needs to act and report. */
export interface EngineEnv {
  readonly project: string;
  readonly runtime: Runtime;
  readonly hub: EventHub;
  readonly onEvent?: EventListener | undefined;
}

/** @internal Emits one event on the project's stream (and the run's callback). */
export function emit(env: EngineEnv, event: ComposeEventInput): void {
  env.hub.emit(env.project, event, env.onEvent);
}
